import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { HttpError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * FACECRAFT_API_KEY: the key in `X-API-Key` or `Authorization: Bearer <key>`. Both sides are
 * hashed to equal-length digests and compared with timingSafeEqual, so neither the comparison
 * time nor a length check tells anything about the key.
 *
 * Authorisation is decided in two places that do not depend on each other:
 * - `requireApiKey` is the first middleware of every route whose spec says `secured`, so a route
 *   that matches is protected by construction, whatever spelling of its path matched it;
 * - `apiNamespaceGuard` refuses, before any router runs, every request whose path names the /api
 *   namespace under any spelling (case, repeated slashes, dot segments, percent-encoding), so a
 *   router that matched more loosely than expected still could not be reached without the key.
 */
export interface ApiKeyCheck {
  /** The route-level guard: throws 401 unless the request carries the key (a no-op without a key). */
  readonly requireApiKey: Middleware;
  /** The namespace-level guard for the whole app. */
  readonly apiNamespaceGuard: Middleware;
}

/** The path as a router could come to see it: decoded, lower case, single slashes, dot segments resolved. */
export function canonicalPath(rawPath: string): string {
  let decoded = rawPath;
  // Decode repeatedly (a double-encoded path decodes to the same namespace), giving up on malformed escapes.
  for (let i = 0; i < 3 && /%[0-9a-f]{2}/i.test(decoded); i++) {
    try {
      decoded = decodeURIComponent(decoded);
    } catch {
      break;
    }
  }
  const segments: string[] = [];
  for (const segment of decoded.replace(/\\/g, '/').toLowerCase().split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

export function isApiNamespace(rawPath: string): boolean {
  const canonical = canonicalPath(rawPath);
  return canonical === '/api' || canonical.startsWith('/api/');
}

export function apiKeyCheck(apiKey: string | undefined): ApiKeyCheck {
  const expected = apiKey === undefined ? undefined : digest(apiKey);
  const verify = (ctx: Context) => {
    if (!expected) return;
    const header = ctx.get('x-api-key');
    const bearer = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1];
    const given = header || bearer;
    if (!given) throw new HttpError('unauthorized', 'An API key is required: send it in X-API-Key or Authorization: Bearer');
    if (!timingSafeEqual(digest(given.trim()), expected)) throw new HttpError('unauthorized', 'The API key is not valid');
  };
  return {
    requireApiKey: async function requireApiKey(ctx, next) {
      verify(ctx);
      return next();
    },
    apiNamespaceGuard: async function apiNamespaceGuard(ctx, next) {
      // CORS preflights carry no credentials by design; the cors middleware answers them.
      if (expected && ctx.method !== 'OPTIONS' && isApiNamespace(ctx.path)) verify(ctx);
      return next();
    },
  };
}
