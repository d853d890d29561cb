import Koa from 'koa';
import type Router from '@koa/router';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOpenApi } from '../../src/openapi.js';
import type { ServerConfig } from '../../src/config.js';
import { errorMapper } from '../../src/middleware/error-mapper.js';
import { silentLogger } from '../../src/logger.js';

type Schema = Record<string, any>;

/**
 * One router on its own app (with the error mapper, as app.ts mounts it), for a route file's
 * sibling test: no workers, no models, just the routes and the fakes they are handed.
 */
export async function serveRouter(router: Router): Promise<{ base: string; close(): Promise<void> }> {
  const app = new Koa();
  app.use(errorMapper(silentLogger));
  app.use(router.routes()).use(router.allowedMethods());
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
