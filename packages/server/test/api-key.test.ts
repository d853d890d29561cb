import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, fixture, form, scratchDirs, testEnv } from './support/server-harness.js';

const KEY = 'test-key-5f1c0a9e7b3d';
let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_API_KEY: KEY, FACECRAFT_WORKERS: '1' }), log: () => {} });
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  dirs?.remove();
});

const photo = () => form({ file: { name: 'photo.jpg', bytes: fixture('portrait-1.png') } }, { size: 256 });

describe('FACECRAFT_API_KEY', () => {
  it('answers 401 JSON on /api/* without a key or with a wrong one, in either header', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { 'X-API-Key': 'wrong' },
      { 'X-API-Key': `${KEY}x` },
      { 'X-API-Key': KEY.slice(0, -1) },
      { Authorization: 'Bearer wrong' },
      { Authorization: `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}` },
      { Authorization: KEY },
    ];
    for (const headers of attempts) {
      for (const [method, path] of [['POST', '/api/v1/process/quick'], ['POST', '/api/v1/process'], ['GET', '/api/v1/download/00000000-0000-4000-8000-000000000000/png'], ['DELETE', '/api/v1/jobs/00000000-0000-4000-8000-000000000000']]) {
        const res = await fetch(`${server.url}${path}`, { method, headers, ...(method === 'POST' ? { body: photo() } : {}) });
        const body: any = await res.json();
        expect([JSON.stringify(headers), path, res.status, body.error.code]).toEqual([JSON.stringify(headers), path, 401, 'unauthorized']);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
  });

  it('accepts the key in X-API-Key and as a Bearer token', async () => {
    const quick = await fetch(`${server.url}/api/v1/process/quick`, { method: 'POST', body: photo(), headers: { 'X-API-Key': KEY } });
    expect(quick.status).toBe(200);
    expect(quick.headers.get('content-type')).toBe('image/png');
    const full = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.png', bytes: fixture('portrait-1.png') } }, { width: 256, height: 256 }), headers: { Authorization: `Bearer ${KEY}` } });
    expect(full.status).toBe(200);
    const { job_id, png_url }: any = await full.json();
    expect((await fetch(`${server.url}${png_url}`)).status).toBe(401);
    expect((await fetch(`${server.url}${png_url}`, { headers: { 'X-API-Key': KEY } })).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/jobs/${job_id}`, { method: 'DELETE', headers: { authorization: `bearer ${KEY}` } })).status).toBe(200);
    // Past the key check, unknown things are simply not found.
    expect((await fetch(`${server.url}/api/v1/download/${job_id}/png`, { headers: { 'X-API-Key': KEY } })).status).toBe(404);
  });

  it('leaves /health, /ready, /status, /docs, /openapi.json and /playground open', async () => {
    for (const path of ['/health', '/ready', '/status', '/docs', '/openapi.json', '/docs/swagger-ui.css', '/playground/models/manifest.json']) {
      expect([path, (await fetch(`${server.url}${path}`)).status]).toEqual([path, 200]);
    }
    const preflight = await fetch(`${server.url}/api/v1/process`, { method: 'OPTIONS', headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('documents the key in the OpenAPI document, and only on /api routes', async () => {
    const doc: any = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['ApiKeyHeader', 'BearerKey']);
    expect(doc.security).toEqual([{ ApiKeyHeader: [] }, { BearerKey: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/process'].post.security).toBeUndefined();
  });
});
