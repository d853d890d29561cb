import type { Middleware } from 'koa';

const ALLOW_METHODS = 'GET, HEAD, POST, DELETE, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type, X-API-Key';
const EXPOSE_HEADERS = 'Content-Disposition, Retry-After, X-Job-Id';

/**
 * CORS from FACECRAFT_CORS_ORIGINS: `*` answers any origin (no credentials are involved: the API
 * key is a header, not a cookie); a list echoes only listed origins; an empty list adds nothing.
 * Preflights are answered here, before the API-key check (browsers never send keys on them).
 */
export function cors(origins: readonly string[]): Middleware {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return async function applyCors(ctx, next) {
    const origin = ctx.get('origin');
    if (!any) ctx.vary('Origin');
    const permitted = origin !== '' && (any || allowed.has(origin));
    if (permitted) {
      ctx.set('Access-Control-Allow-Origin', any ? '*' : origin);
      ctx.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      if (permitted) {
        ctx.set('Access-Control-Allow-Methods', ALLOW_METHODS);
        ctx.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
        ctx.set('Access-Control-Max-Age', '600');
      }
      ctx.status = 204;
      return;
    }
    await next();
  };
}
