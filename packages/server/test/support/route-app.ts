import { toPortraitReport } from '@facecraft/core';
import { createNodePortraitProcessor } from '@facecraft/core/node';
import type Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOpenApi } from '../../src/openapi.js';
import type { ServerConfig } from '../../src/config.js';
import { errorMapper } from '../../src/middleware/error-mapper.js';
import { silentLogger } from '../../src/logger.js';
import { API_V1_PREFIX } from '../../src/routes/api-prefix.js';
import { createRouter } from '../../src/routes/route-spec.js';
import type { PoolRuntimeInfo, PoolView, PortraitJobResult } from '../../src/workers/worker-pool.js';
import { fixture, modelsDir } from './server-harness.js';

type Schema = Record<string, any>;

/**
 * A route file's routers (or middleware) on their own app, behind the error mapper as app.ts
 * mounts them: no workers, no models, just the routes and the fakes they are handed.
 */
export async function serveRoutes(...parts: (Router | Middleware)[]): Promise<{ base: string; close(): Promise<void> }> {
  const app = new Koa();
  app.use(errorMapper(silentLogger));
  for (const part of parts) {
    if (typeof part === 'function') app.use(part);
    else app.use(part.routes()).use(part.allowedMethods());
  }
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One router, for the tests that mount only that. */
export const serveRouter = (router: Router) => serveRoutes(router);

/** The routes of the versioned API nested under its prefix, as app.ts nests them. */
export function underApiPrefix(...routers: Router[]): Router {
  const api = createRouter(API_V1_PREFIX);
  api.use(...routers.map((r) => r.routes()));
  return api;
}

/** A worker pool as the routes see it: loaded, one worker, jobs answered by `run`. */
export function fakePool(run: PoolView['run'], info?: PoolRuntimeInfo): PoolView {
  return { size: 1, ready: Promise.resolve(), isReady: true, everReady: true, readyWorkers: 1, running: 0, retiring: 0, recycled: 0, waiting: 0, info, loadError: undefined, run } as unknown as PoolView;
}

let made: Promise<PortraitJobResult> | undefined;

/** One real portrait (made once per test file, on this thread): what a worker would hand back. */
export function madePortrait(): Promise<PortraitJobResult> {
  made ??= (async () => {
    const processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu', threads: 1 });
    try {
      const result = await processor.process(new Uint8Array(fixture('portrait-1.jpg')), { removeBackground: false });
      return { report: toPortraitReport(result), ms: 10, png: result.png, jpeg: result.jpeg };
    } finally {
      await processor.release();
    }
  })();
  return made;
}

/** The components of the OpenAPI document this configuration serves. */
export function schemasOf(config: ServerConfig): Record<string, Schema> {
  return (buildOpenApi(config, '0.0.0') as { components: { schemas: Record<string, Schema> } }).components.schemas;
}

/** Paths of fields in `value` that its schema does not name (objects described only in words are open). */
export function undocumented(value: unknown, schema: Schema, components: Record<string, Schema>, at = '$'): string[] {
  if (schema.$ref) return undocumented(value, components[schema.$ref.split('/').pop()], components, at);
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => undocumented(v, schema.items, components, `${at}[${i}]`)) : [];
  if (value === null || typeof value !== 'object') return [];
  if (typeof schema.additionalProperties === 'object') {
    return Object.entries(value).flatMap(([k, v]) => undocumented(v, schema.additionalProperties, components, `${at}.${k}`));
  }
  if (!schema.properties) return [];
  return Object.entries(value).flatMap(([k, v]) => (schema.properties[k] ? undocumented(v, schema.properties[k], components, `${at}.${k}`) : [`${at}.${k}`]));
}
