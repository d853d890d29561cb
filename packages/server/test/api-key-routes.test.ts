import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { canonicalPath } from '../src/middleware/api-key.js';
import { assertBuiltServerIsCurrent, fixture, form, scratchDirs, testEnv } from './support/server-harness.js';

/**
 * Walks every route of the OpenAPI document with spellings of its path that a router or a proxy
 * might treat as the same route — case, repeated slashes, dot segments, percent-encoding, a
 * trailing slash — and sends each without the API key. Every secured route must answer 401 (or
 * 404 where nothing matches); none may do its work. The ids and bodies are real (an existing
 * job, a real photo), so a route that slipped through would answer 200 and fail the test.
 */
const KEY = 'route-walk-key-0c2b7e51a9';
let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;
let jobId: string;
let batchId: string;

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_API_KEY: KEY, FACECRAFT_WORKERS: '1' }), log: () => {} });
  await server.ready;
  const made = await fetch(`${server.url}/api/v1/process`, { method: 'POST', headers: { 'X-API-Key': KEY }, body: form({ file: { name: 'p.png', bytes: fixture('portrait-1.png') } }, { width: 128, height: 128, segmentation_size: 256 }) });
  expect(made.status).toBe(200);
  jobId = ((await made.json()) as { job_id: string }).job_id;
  const batch = await fetch(`${server.url}/api/v1/process/batch`, { method: 'POST', headers: { 'X-API-Key': KEY }, body: form({ files: [{ name: 'p.png', bytes: fixture('portrait-1.png') }] }, { width: 128, height: 128, segmentation_size: 256 }) });
  expect(batch.status).toBe(200);
  batchId = ((await batch.json()) as { job_id: string }).job_id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  dirs?.remove();
});

interface RawResponse {
  readonly status: number;
  readonly body: string;
}

/** A request whose path goes on the wire exactly as given (fetch and URL would normalise it). */
function rawRequest(method: string, rawPath: string, body?: { bytes: Buffer; type: string }): Promise<RawResponse> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: rawPath, headers: body ? { 'Content-Type': body.type, 'Content-Length': body.bytes.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body?.bytes);
  });
}

async function multipartBody(fileField: string): Promise<{ bytes: Buffer; type: string }> {
  const response = new Response(form({ [fileField]: { name: 'p.png', bytes: fixture('portrait-1.png') } }, { size: 128, width: 128, height: 128, segmentation_size: 256 }));
  return { bytes: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') as string };
}

const encodeChar = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;

/** The spellings of one concrete path that must not get past the key. */
export function pathVariants(path: string): string[] {
  const segments = path.split('/').slice(1);
  const capitalised = `/${segments.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('/')}`;
  const last = segments.length - 1;
  return [
    path,
    path.toUpperCase(),
    capitalised,
    path.replace('/api/', '/API/'),
    path.replace('/v1/', '/V1/'),
    `/${path}`,
    path.replace('/api/', '/api//'),
    path.replaceAll('/', '//'),
    `${path}/`,
    `${path}//`,
    path.replace('/api/', '/./api/'),
    path.replace('/v1/', '/v1/./'),
    path.replace('/v1/', '/v1/x/../'),
    path.replace('/api/', '/x/../api/'),
    path.replace('/api/', `/${encodeChar('a')}pi/`),
    path.replace('/api/', `/%2561pi/`),
    path.replace('/api/', '/api%2F'),
    `/${segments.slice(0, last).join('/')}/${[...segments[last]].map(encodeChar).join('')}`,
    `${path}?x=1`,
    `${path};x=1`,
    `${path}%20`,
    // Node's HTTP parser itself refuses a path that does not start with '/'; inside, '\' is kept.
    `/${segments.join('\\')}`,
  ];
}

describe('FACECRAFT_API_KEY on every route and every spelling of its path', () => {
  it('answers 401 or 404 without a key, and never does the work', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { security?: unknown[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, { type?: string; items?: unknown }> } }> } }>> };
    const secured = Object.entries(doc.paths).flatMap(([template, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security === undefined) // the document-wide key requirement applies
        .map(([method, op]) => ({ template, method: method.toUpperCase(), op })),
    );
    // Every route under /api is secured, and the walk covers each of them.
    expect(secured.map((r) => `${r.method} ${r.template}`).sort()).toEqual(
      Object.entries(doc.paths).flatMap(([t, ops]) => (t.startsWith('/api/') ? Object.keys(ops).map((m) => `${m.toUpperCase()} ${t}`) : [])).sort(),
    );
    expect(secured.length).toBeGreaterThanOrEqual(6);

    const seen: string[] = [];
    for (const { template, method, op } of secured) {
      const path = template.replace('{job_id}', template.includes('{index}') ? batchId : jobId).replace('{index}', '0').replace('{format}', 'png');
      const schema = op.requestBody?.content['multipart/form-data']?.schema;
      const fileField = schema ? Object.entries(schema.properties).find(([, p]) => p.type === 'string' || p.type === 'array')?.[0] : undefined;
      for (const variant of pathVariants(path)) {
        const body = method === 'POST' && fileField ? await multipartBody(fileField) : undefined;
        const res = await rawRequest(method, variant, body);
        seen.push(`${method} ${variant} → ${res.status}`);
        expect([401, 404], `${method} ${variant} answered ${res.status}: ${res.body.slice(0, 200)}`).toContain(res.status);
        expect(JSON.parse(res.body).success).toBe(false);
      }
    }
    // The exact paths are refused by the key, not merely unmatched.
    expect(seen.filter((s) => s.endsWith('→ 401')).length).toBeGreaterThanOrEqual(secured.length * 10);

    // The job and the batch are still there: no variant deleted them.
    for (const p of [`/api/v1/download/${jobId}/png`, `/api/v1/download/${batchId}/0/png`]) {
      expect((await fetch(`${server.url}${p}`, { headers: { 'X-API-Key': KEY } })).status).toBe(200);
    }
  }, 180_000);

  it('routes only the exact spelling, even with the key', async () => {
    const ok = await rawRequest('GET', `/api/v1/download/${jobId}/png`);
    expect(ok.status).toBe(401);
    for (const variant of [`/API/v1/download/${jobId}/png`, `/api/v1/download/${jobId}/png/`, `/api//v1/download/${jobId}/png`]) {
      const res = await fetch(`${server.url}${variant}`, { headers: { 'X-API-Key': KEY } });
      expect([variant, res.status]).toEqual([variant, 404]);
    }
  });

  it('canonicalises paths as a lenient router or proxy could', () => {
    expect(canonicalPath('/API//V1/./x/../Process/')).toBe('/api/v1/process');
    expect(canonicalPath('/%61pi/v1')).toBe('/api/v1');
    expect(canonicalPath('/%2561pi')).toBe('/api');
    expect(canonicalPath('\\api\\v1')).toBe('/api/v1');
    expect(canonicalPath('/x/%zz/../api')).toBe('/x/api');
  });
});
