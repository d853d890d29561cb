import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';
import { HttpError } from '../errors.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * FACECRAFT_API_KEY on /api/* only: the key in `X-API-Key` or `Authorization: Bearer <key>`.
 * Both sides are hashed to equal-length digests and compared with timingSafeEqual, so neither
 * the comparison time nor a length check tells anything about the key.
 */
export function apiKeyGuard(apiKey: string | undefined): Middleware {
  const expected = apiKey === undefined ? undefined : digest(apiKey);
  return async function requireApiKey(ctx, next) {
    if (!expected || ctx.method === 'OPTIONS' || !(ctx.path === '/api' || ctx.path.startsWith('/api/'))) return next();
    const header = ctx.get('x-api-key');
    const bearer = /^Bearer\s+(.+)$/i.exec(ctx.get('authorization'))?.[1];
    const given = header || bearer;
    if (!given) throw new HttpError(401, 'unauthorized', 'An API key is required: send it in X-API-Key or Authorization: Bearer');
    if (!timingSafeEqual(digest(given.trim()), expected)) throw new HttpError(401, 'unauthorized', 'The API key is not valid');
    return next();
  };
}
