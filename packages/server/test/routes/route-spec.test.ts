// routes/route-spec.ts: routes as data. Form fields are read the way the original's clients
// send them; path parameters are checked by pattern; secured routes get the key check first.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addRoute, checkParams, createRouter, parseFields, routerPath, underPrefix, type FieldSpecs, type RouteSpec } from '../../src/routes/route-spec.js';
import { serveRouter } from '../support/route-app.js';
import { serverDir } from '../support/server-harness.js';

const fields = {
  width: { type: 'integer', minimum: 64, maximum: 2048, default: 500, description: 'w' },
  face_margin: { type: 'number', minimum: 0, maximum: 2, default: 0.3, description: 'm' },
  use_oval_mask: { type: 'boolean', default: false, description: 'o' },
  subject: { type: 'string', enum: ['largest', 'center', 'single'], default: 'largest', description: 's' },
} as const satisfies FieldSpecs;

const download: RouteSpec = {
  method: 'get',
  path: '/download/{job_id}/{format}',
  operationId: 'download',
  summary: 'x',
  tags: [],
  secured: true,
  params: {
    job_id: { description: 'id', pattern: /^[0-9a-f]{4}$/, onInvalid: 'not_found' },
    format: { description: 'png or jpg', pattern: /^(png|jpg)$/, onInvalid: 'bad_request' },
  },
  responses: {},
};

function thrown(run: () => unknown): any {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('routes/route-spec.ts', () => {
  it('reads the forms clients send: booleans in words, blanks as absent, the last of repeated values', () => {
    for (const [text, value] of [['true', true], ['False', false], ['1', true], ['0', false], ['yes', true], ['NO', false], ['on', true], ['off', false]] as const) {
      expect(parseFields(fields, { use_oval_mask: text }).use_oval_mask).toBe(value);
    }
    expect(parseFields(fields, { width: '', face_margin: ' 0.25 ' })).toMatchObject({ width: 500, face_margin: 0.25 });
    expect(parseFields(fields, { width: ['300', '400'] }).width).toBe(400);
    expect(parseFields(fields, { unknown_field: 'x' })).toEqual({ width: 500, face_margin: 0.3, use_oval_mask: false, subject: 'largest' });
    expect(parseFields(fields, undefined).subject).toBe('largest');
  });

  it('refuses a value with one message shape, naming the field', () => {
    expect(thrown(() => parseFields(fields, { subject: 'all' }))).toMatchObject({ status: 400, code: 'invalid_option', message: 'Expected one of largest, center, single for subject but received "all"' });
    expect(thrown(() => parseFields(fields, { width: { nested: 1 } }))).toMatchObject({ status: 400, code: 'invalid_option' });
  });

  it('writes paths once: OpenAPI form under a prefix, router form for @koa/router', () => {
    expect(underPrefix('/api/v1', [download])[0].path).toBe('/api/v1/download/{job_id}/{format}');
    expect(routerPath(download)).toBe('/download/:job_id/:format');
  });

  it('checks path parameters: an impossible job id is not found, a bad format a bad request', () => {
    expect(thrown(() => checkParams(download, { job_id: 'abcd', format: 'png' }))).toBeUndefined();
    expect(thrown(() => checkParams(download, { job_id: '../x', format: 'png' }))).toMatchObject({ status: 404, code: 'job_not_found' });
    expect(thrown(() => checkParams(download, { job_id: 'abcd', format: 'gif' }))).toMatchObject({ status: 400, code: 'invalid_parameter', message: 'Invalid format: png or jpg' });
  });

  it('puts the key check first on a secured route, matches paths exactly as written', async () => {
    const router = createRouter();
    const seen: string[] = [];
    addRoute(router, download, async (ctx, next) => {
      seen.push('key');
      if (ctx.get('x-api-key') !== 'k') ctx.throw(401);
      await next();
    }, (ctx) => {
      seen.push('handler');
      ctx.body = { ok: true };
    });
    const served = await serveRouter(router);
    try {
      expect((await fetch(`${served.base}/download/abcd/png`)).status).toBe(401);
      expect(seen).toEqual(['key']);
      expect((await fetch(`${served.base}/download/abcd/png`, { headers: { 'x-api-key': 'k' } })).status).toBe(200);
      expect(seen).toEqual(['key', 'key', 'handler']);
      // Strict and case-sensitive: no trailing-slash or upper-case twin of a route.
      for (const path of ['/download/abcd/png/', '/Download/abcd/png']) expect((await fetch(`${served.base}${path}`, { headers: { 'x-api-key': 'k' } })).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});

describe('route files', () => {
  it('each have a sibling test in test/routes/ (a *-responses.ts schema file: through the route that builds with it)', () => {
    const srcDir = path.join(serverDir, 'src/routes');
    const tested = (file: string) => existsSync(path.join(serverDir, 'test/routes', file.replace(/\.ts$/, '.test.ts')));
    const files = readdirSync(srcDir).filter((f) => f.endsWith('.ts'));
    const untested = files.filter((file) => {
      if (tested(file)) return false;
      if (!file.endsWith('-responses.ts')) return true;
      const user = files.find((other) => other !== file && readFileSync(path.join(srcDir, other), 'utf8').includes(`'./${file.replace(/\.ts$/, '.js')}'`));
      return !(user && tested(user));
    });
    expect(untested).toEqual([]);
  });
});
