import type { Middleware } from 'koa';
import type { Logger } from '../logger.js';

/** Longest path written to a log line: a multi-KB path is an attack or a bug, and its head says enough. */
const MAX_LOGGED_PATH = 256;

/** The path for a log line: at most MAX_LOGGED_PATH characters, marked when cut. */
export function loggedPath(path: string): string {
  return path.length <= MAX_LOGGED_PATH ? path : `${path.slice(0, MAX_LOGGED_PATH)}…(${path.length} chars)`;
}

/** Paths that orchestrators poll every few seconds: logged at debug level only. */
const PROBES = new Set(['/health', '/ready']);

/**
 * One JSON line per request when its response has been sent (or the client went away): method,
 * path (no query string), status, milliseconds, and the job id when the request made or read one.
 */
export function requestLogger(logger: Logger): Middleware {
  return async function logRequest(ctx, next) {
    const start = performance.now();
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      const fields = {
        method: ctx.method,
        path: loggedPath(ctx.path),
        status: ctx.res.writableFinished ? ctx.status : 499,
        ms: Math.round((performance.now() - start) * 10) / 10,
        job_id: ctx.state.jobId ?? null,
      };
      if (PROBES.has(ctx.path) && fields.status < 400) logger.debug('request', fields);
      else logger.info('request', fields);
    };
    ctx.res.once('finish', log);
    ctx.res.once('close', log);
    await next();
  };
}
