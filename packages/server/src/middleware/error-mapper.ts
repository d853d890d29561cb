import type { Middleware } from 'koa';
import { mapError } from '../errors.js';
import type { Logger } from '../logger.js';
import { loggedPath } from './request-logger.js';

/**
 * The first middleware: every error becomes `{ "error": { "code", "message" } }` with its status.
 * Typed errors keep their message; anything unexpected is logged once, with its stack, and the
 * client gets a 500 that reveals nothing of the internals.
 */
export function errorMapper(logger: Logger): Middleware {
  return async function mapErrors(ctx, next) {
    try {
      await next();
      // Statuses set without a body (no route matched, the router's 405/501): the same JSON shape.
      if (ctx.status >= 400 && ctx.body == null && !ctx.headerSent) {
        const status = ctx.status;
        const mapped = mapError({ status, message: status === 404 ? `No route for ${ctx.method} ${loggedPath(ctx.path)}` : `${ctx.method} is not allowed on ${loggedPath(ctx.path)}` });
        ctx.status = status;
        ctx.body = { success: false, error: { code: mapped.code, message: mapped.message } };
      }
    } catch (error) {
      const mapped = mapError(error);
      if (mapped.unexpected) {
        logger.error('request failed', {
          method: ctx.method,
          path: loggedPath(ctx.path),
          job_id: ctx.state.jobId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          stack: error instanceof Error ? error.stack : undefined,
        });
      }
      if (ctx.headerSent || !ctx.writable) return;
      // Headers set for a success (Content-Disposition, …) must not leak onto the error.
      for (const name of Object.keys(ctx.response.headers)) {
        if (!/^(access-control-|vary$|cross-origin-|connection$)/i.test(name)) ctx.remove(name);
      }
      ctx.status = mapped.status;
      ctx.set(mapped.headers);
      if (mapped.status === 401) ctx.set('WWW-Authenticate', 'Bearer realm="facecraft"');
      ctx.body = { success: false, error: { code: mapped.code, message: mapped.message, ...(mapped.details ? { details: mapped.details } : {}) } };
    }
  };
}
