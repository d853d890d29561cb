import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hugePageMalloc, startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, fixture, fixturePath, form, listFiles, modelsDir, pythonRequestsMultipart, schemaErrors, scratchDirs, testEnv } from './support/server-harness.js';

const run = promisify(execFile);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;
let playgroundDir: string;
let readyBeforeLoad: number;
let openapi: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const logLines: string[] = [];

/** A raw HTTP request whose path is sent exactly as given (fetch would normalise `..`). */
function rawRequest(method: string, rawPath: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path: rawPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function post(route: string, body: FormData | Buffer, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${route}`, { method: 'POST', body, headers });
}

async function expectError(res: Response, status: number, code?: string) {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(typeof body.error.message).toBe('string');
  if (code) expect(body.error.code).toBe(code);
  return body;
}

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs();
  playgroundDir = mkdtempSync(path.join(os.tmpdir(), 'facecraft-playground-'));
  mkdirSync(path.join(playgroundDir, 'assets'));
  writeFileSync(path.join(playgroundDir, 'index.html'), '<!doctype html><title>Facecraft playground</title><script type="module" src="/playground/assets/app-3f2a1b.js"></script>');
  writeFileSync(path.join(playgroundDir, 'assets/app-3f2a1b.js'), 'console.log("playground");');
  writeFileSync(path.join(playgroundDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(playgroundDir, '.secret'), 'hidden');
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    env: testEnv(dirs, {
      FACECRAFT_WORKERS: '1',
      FACECRAFT_BATCH_MAX_FILES: '10',
      FACECRAFT_PLAYGROUND_DIR: playgroundDir,
      FACECRAFT_CORS_ORIGINS: 'https://allowed.example, http://localhost:5173',
      FACECRAFT_LOG_LEVEL: 'info',
    }),
    log: (line) => logLines.push(line),
  });
  readyBeforeLoad = (await fetch(`${server.url}/ready`)).status;
  await server.ready;
  openapi = (await (await fetch(`${server.url}/openapi.json`)).json()) as typeof openapi;
});

afterAll(async () => {
  await server?.close();
  dirs?.remove();
  rmSync(playgroundDir, { recursive: true, force: true });
});

describe('probes', () => {
  it('/health answers at once; /ready is 503 while the models load, then 200', async () => {
    expect(readyBeforeLoad).toBe(503);
    const started = performance.now();
    const health = await fetch(`${server.url}/health`);
    expect(performance.now() - started).toBeLessThan(500);
    expect(await health.json()).toEqual({ status: 'healthy' });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, models_loaded: true, workers: { ready: 1, total: 1 } });
  });

  it('/ redirects to /docs, which is Swagger UI served from this server', async () => {
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/docs');
    const docs = await fetch(`${server.url}/docs`);
    const html = await docs.text();
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(html).toContain('/docs/swagger-ui-bundle.js');
    expect(html).toContain("url: '/openapi.json'");
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${server.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    expect((await fetch(`${server.url}/docs/swagger-ui.css`)).status).toBe(200);
    await expectError(await fetch(`${server.url}/docs/package.json`), 404);
  });
});

describe('the original clients', () => {
  it('README curl: POST /api/v1/process -F file=@photo.jpg -F width=648 -F height=648, then the downloads', async () => {
    const { stdout } = await run('curl', ['-s', '-X', 'POST', `${server.url}/api/v1/process`, '-F', `file=@${fixturePath('portrait-1.jpg')}`, '-F', 'width=648', '-F', 'height=648']);
    const body = JSON.parse(stdout);
    expect(body.success).toBe(true);
    expect(body.job_id).toMatch(UUID);
    expect(body.png_url).toBe(`/api/v1/download/${body.job_id}/png`);
    expect(body.jpg_url).toBe(`/api/v1/download/${body.job_id}/jpg`);
    expect(body.result).toMatchObject({ face_detected: true, face_count: 1, output_size: { width: 648, height: 648 } });
    expect(body.jpeg.bytes).toBeLessThanOrEqual(99 * 1024);
    expect(schemaErrors(body, openapi.components.schemas.ProcessResponse, openapi.components.schemas)).toEqual([]);

    const out = path.join(dirs.root, 'curl-download.png');
    await run('curl', ['-s', '-o', out, `${server.url}${body.png_url}`]);
    const meta = await sharp(readFileSync(out)).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['png', 648, 648, true]);

    const jpg = await fetch(`${server.url}${body.jpg_url}`);
    expect(jpg.status).toBe(200);
    expect(jpg.headers.get('content-type')).toBe('image/jpeg');
    expect(jpg.headers.get('content-disposition')).toBe(`attachment; filename="portrait-${body.job_id}.jpg"`);
    const jpgBytes = Buffer.from(await jpg.arrayBuffer());
    expect(jpgBytes.length).toBe(body.jpeg.bytes);
    expect((await sharp(jpgBytes).metadata()).format).toBe('jpeg');

    const png = await fetch(`${server.url}${body.png_url}`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(png.headers.get('content-disposition')).toBe(`attachment; filename="portrait-${body.job_id}.png"`);
    expect(listFiles(path.join(dirs.processed, body.job_id)).sort()).toEqual(['portrait.jpg', 'portrait.png', 'result.json']);
  });

  it('README curl: POST /api/v1/process/quick -F file=@photo.jpg -o out.png gives a transparent PNG portrait', async () => {
    const out = path.join(dirs.root, 'out.png');
    const { stdout } = await run('curl', ['-s', '-X', 'POST', `${server.url}/api/v1/process/quick`, '-F', `file=@${fixturePath('portrait-2.jpg')}`, '-o', out, '-w', '%{http_code} %{content_type}']);
    expect(stdout).toBe('200 image/png');
    const { data, info } = await sharp(readFileSync(out)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([648, 648, 4]);
    const alpha = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    expect(alpha(2, 2)).toBe(0); // corner: outside the oval
    expect(alpha(324, 300)).toBe(255); // the face
  });

  it('a multipart body as Python requests builds it (data={"width": 648}, no part Content-Type)', async () => {
    const { body, contentType } = pythonRequestsMultipart({ width: 648 }, { file: { name: 'photo.jpg', bytes: fixture('portrait-3.jpg') } });
    const res = await rawRequest('POST', '/api/v1/process', {
      'Content-Type': contentType,
      'Content-Length': String(body.length),
      'User-Agent': 'python-requests/2.31.0',
      Accept: '*/*',
      'Accept-Encoding': 'gzip, deflate',
      Connection: 'keep-alive',
    }, body);
    expect(res.status).toBe(200);
    const json = JSON.parse(res.body.toString());
    expect(json.success).toBe(true);
    expect(json.width).toBe(648);
    expect(json.result.face_detected).toBe(true);
    // Every result names the model variant that ran: the CPU prefers the int8 ISNet.
    expect(json.backend.find((b: any) => b.stage === 'segmentation')).toEqual({ model: 'isnet-int8', stage: 'segmentation', backend: 'ort-node', device: 'cpu', variant: 'int8' });
  });

  it('takes the new fields beside the original ones; form booleans accept yes/no/1/0', async () => {
    const res = await post(
      '/api/v1/process',
      form({ file: { name: 'p.jpg', bytes: fixture('portrait-4.jpg') } }, {
        width: 320,
        height: 400,
        background_r: 255,
        background_g: 255,
        background_b: 255,
        face_margin: 0.4,
        use_oval_mask: 'no',
        enhance_face: '0',
        enhance_fidelity: 0.5,
        return_base64: 'yes',
        subject: 'center',
        max_kb: 40,
        remove_background: 'false',
        enhance: '1',
        segmentation_size: 512,
      }),
    );
    const body: any = await res.json();
    expect(res.status, JSON.stringify(body.error)).toBe(200);
    expect(body.options).toMatchObject({ width: 320, height: 400, face_margin: 0.4, oval_mask: false, restore_face: false, fidelity: 0.5, subject: 'center', max_jpeg_kb: 40, remove_background: false, segmentation_size: 512 });
    expect(body.restoration).toBe('disabled');
    expect(body.jpeg.bytes).toBeLessThanOrEqual(40 * 1024);
    const png = Buffer.from(body.png_base64, 'base64');
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([320, 400]);
    expect(Buffer.from(body.jpg_base64, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const stored = JSON.parse(readFileSync(path.join(dirs.processed, body.job_id, 'result.json'), 'utf8'));
    expect(stored.job_id).toBe(body.job_id);
    expect(stored.png_base64).toBeUndefined();
  });
});

describe('batch and jobs', () => {
  it('processes files concurrently within the limit: each item succeeds or has its own error; per-item downloads; delete', async () => {
    const res = await post(
      '/api/v1/process/batch',
      form({
        files: [
          { name: 'first.jpg', bytes: fixture('portrait-5.jpg') },
          { name: 'cat.png', bytes: fixture('no-face-cat.png') },
          { name: '../../sneaky/name.jpg', bytes: fixture('portrait-1.png') },
          { name: 'noise.bin', bytes: fixture('random-bytes.bin') },
        ],
      }, { width: 400, height: 400 }),
    );
    const body: any = await res.json();
    expect(res.status).toBe(200);
    expect(schemaErrors(body, openapi.components.schemas.BatchResponse, openapi.components.schemas)).toEqual([]);
    expect(body).toMatchObject({ success: false, total: 4, successful: 2, failed: 2 });
    expect(body.job_id).toMatch(UUID);
    expect(body.results.map((r: any) => [r.index, r.filename, r.success, r.error?.code ?? null, r.status ?? null])).toEqual([
      [0, 'first.jpg', true, null, null],
      [1, 'cat.png', false, 'no_face', 422],
      [2, 'name.jpg', true, null, null],
      [3, 'noise.bin', false, 'invalid_image', 415],
    ]);
    const item = body.results[2];
    expect(item.png_url).toBe(`/api/v1/download/${body.job_id}/2/png`);
    const png = await fetch(`${server.url}${item.png_url}`);
    expect(png.status).toBe(200);
    expect(png.headers.get('content-disposition')).toBe(`attachment; filename="portrait-${body.job_id}-2.png"`);
    expect((await sharp(Buffer.from(await png.arrayBuffer())).metadata()).width).toBe(400);
    expect((await fetch(`${server.url}/api/v1/download/${body.job_id}/0/jpg`)).headers.get('content-type')).toBe('image/jpeg');
    await expectError(await fetch(`${server.url}/api/v1/download/${body.job_id}/1/png`), 404, 'job_not_found');
    await expectError(await fetch(`${server.url}/api/v1/download/${body.job_id}/7/png`), 404, 'job_not_found');
    await expectError(await fetch(`${server.url}/api/v1/download/${body.job_id}/png`), 404, 'job_not_found');
    // The client's file names never became paths.
    expect(listFiles(path.join(dirs.processed, body.job_id)).filter((f) => !f.includes(path.sep)).sort()).toEqual(['0', '1', '2', '3', 'batch.json']);
    expect(existsSync(path.join(dirs.root, 'sneaky'))).toBe(false);

    const del = await fetch(`${server.url}/api/v1/jobs/${body.job_id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toMatchObject({ success: true, job_id: body.job_id });
    expect(existsSync(path.join(dirs.processed, body.job_id))).toBe(false);
    await expectError(await fetch(`${server.url}/api/v1/download/${body.job_id}/0/png`), 404, 'job_not_found');
    await expectError(await fetch(`${server.url}/api/v1/jobs/${body.job_id}`, { method: 'DELETE' }), 404, 'job_not_found');
  });

  it('refuses more files than FACECRAFT_BATCH_MAX_FILES (10) and a batch without files', async () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `p${i}.jpg`, bytes: fixture('truncated.jpg') }));
    await expectError(await post('/api/v1/process/batch', form({ files })), 400, 'too_many_files');
    await expectError(await post('/api/v1/process/batch', form({}, { width: 300 })), 400, 'missing_file');
  });

  it('job ids are checked by pattern on every route: traversal attempts are 404 JSON', async () => {
    for (const [method, p] of [
      ['GET', '/api/v1/download/../../etc/passwd'],
      ['GET', '/api/v1/download/..%2F..%2Fetc%2Fpasswd/png'],
      ['GET', '/api/v1/download/%2e%2e/png'],
      ['GET', '/api/v1/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd/png'],
      ['GET', '/api/v1/download/..%2F..%2Fetc/0/png'],
      ['GET', '/api/v1/download/00000000-0000-4000-8000-000000000000/png'],
      ['GET', '/api/v1/download/00000000-0000-4000-8000-000000000000/..%2F0/png'],
      ['DELETE', '/api/v1/jobs/..%2F..%2Fetc%2Fpasswd'],
      ['DELETE', '/api/v1/jobs/%2e%2e'],
      ['DELETE', '/api/v1/jobs/..'],
    ] as const) {
      const res = await rawRequest(method, p);
      expect(res.status, `${method} ${p}`).toBe(404);
      expect(JSON.parse(res.body.toString()).error.code).toMatch(/^(job_not_found|not_found)$/);
    }
    const { stdout } = await run('curl', ['-s', '--path-as-is', '-w', ' %{http_code}', `${server.url}/api/v1/download/../../etc/passwd`]);
    expect(stdout).toMatch(/ 404$/);
    await expectError(await fetch(`${server.url}/api/v1/download/00000000-0000-4000-8000-000000000000/gif`), 400, 'invalid_parameter');
  });
});

describe('bad input: 4xx JSON, never a 500, and nothing left in the upload folder', () => {
  it('refuses bad files and bodies with the right status, then still serves a good request', async () => {
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['zero bytes', () => post('/api/v1/process', form({ file: { name: 'empty.jpg', bytes: Buffer.alloc(0) } })), 415, 'invalid_image'],
      ['random bytes', () => post('/api/v1/process', form({ file: { name: 'r.jpg', bytes: fixture('random-bytes.bin') } })), 415, 'invalid_image'],
      ['truncated JPEG', () => post('/api/v1/process', form({ file: { name: 't.jpg', bytes: fixture('truncated.jpg') } })), 415, 'invalid_image'],
      ['text renamed .jpg', () => post('/api/v1/process', form({ file: { name: 'text-as-image.jpg', bytes: fixture('text-as-image.jpg') } })), 415, 'invalid_image'],
      ['PNG declaring 40000×40000', () => post('/api/v1/process', form({ file: { name: 'huge.png', bytes: fixture('huge-header.png') } })), 413, 'image_too_large'],
      ['no face', () => post('/api/v1/process', form({ file: { name: 'cat.png', bytes: fixture('no-face-cat.png') } })), 422, 'no_face'],
      ['several faces under subject=single', () => post('/api/v1/process', form({ file: { name: 'g.jpg', bytes: fixture('group-1.jpg') } }, { subject: 'single' })), 422, 'multiple_faces'],
      ['quick: no face', () => post('/api/v1/process/quick', form({ file: { name: 'cat.png', bytes: fixture('no-face-cat.png') } })), 422, 'no_face'],
      ['no file', () => post('/api/v1/process', form({}, { width: 300 })), 400, 'missing_file'],
      ['file sent as a text field', () => post('/api/v1/process', form({}, { file: 'not a file' })), 400, 'missing_file'],
      ['wrong file field', () => post('/api/v1/process', form({ image: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } })), 400, 'unexpected_file_field'],
      ['two files on /process', () => post('/api/v1/process', form({ file: [{ name: 'a.jpg', bytes: fixture('portrait-1.png') }, { name: 'b.jpg', bytes: fixture('portrait-1.png') }] })), 400, 'too_many_files'],
      ['JSON instead of multipart', () => fetch(`${server.url}/api/v1/process`, { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' } }), 400, 'expected_multipart'],
      ['multipart without boundary', () => post('/api/v1/process', Buffer.from('xx'), { 'Content-Type': 'multipart/form-data' }), 400, 'malformed_multipart'],
      [
        'multipart cut off mid-part',
        () => post('/api/v1/process', Buffer.from('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\n\xff\xd8\xff\xe0'), { 'Content-Type': 'multipart/form-data; boundary=XYZ' }),
        400,
        'malformed_multipart',
      ],
      ['width not a number', () => post('/api/v1/process', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { width: 'abc' })), 400, 'invalid_option'],
      ['width out of range', () => post('/api/v1/process', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { width: 10 })), 400, 'invalid_option'],
      ['boolean not a boolean', () => post('/api/v1/process', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { use_oval_mask: 'maybe' })), 400, 'invalid_option'],
      ['unknown subject', () => post('/api/v1/process', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { subject: 'tallest' })), 400, 'invalid_option'],
      ['segmentation size not a multiple of 32', () => post('/api/v1/process', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { segmentation_size: 500 })), 400, 'invalid_option'],
      ['quick: size too large', () => post('/api/v1/process/quick', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { size: 99999 })), 400, 'invalid_option'],
      ['unknown route', () => fetch(`${server.url}/api/v1/nothing`), 404, 'not_found'],
      ['wrong method', () => fetch(`${server.url}/api/v1/process`), 405, 'method_not_allowed'],
    ];
    for (const [name, send, status, code] of cases) {
      const res = await send();
      const body: any = await res.json();
      expect([name, res.status, body.error?.code]).toEqual([name, status, code]);
      expect(body.success).toBe(false);
    }
    const field: any = await (await post('/api/v1/process', form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.png') } }, { width: 'abc' }))).json();
    expect(field.error.message).toBe('Expected an integer from 64 to 2048 for width but received "abc"');

    const ok = await post('/api/v1/process/quick', form({ file: { name: 'p.png', bytes: fixture('portrait-1.png') } }, { size: 256 }));
    expect(ok.status).toBe(200);
    expect((await sharp(Buffer.from(await ok.arrayBuffer())).metadata()).width).toBe(256);
    expect(listFiles(dirs.uploads)).toEqual([]);
  });

  it('a client that vanishes mid-upload leaves nothing behind', async () => {
    const { body, contentType } = pythonRequestsMultipart({}, { file: { name: 'big.jpg', bytes: Buffer.alloc(5 * 1024 * 1024, 0xff) } });
    const url = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/v1/process', headers: { 'Content-Type': contentType, 'Content-Length': String(body.length) } });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 1024 * 1024), () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 200));
    });
    const deadline = Date.now() + 5000;
    while (listFiles(dirs.uploads).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(listFiles(dirs.uploads)).toEqual([]);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });

  it('a 30 MB upload is refused with 413 while it streams: with Content-Length, chunked, and from curl (Expect: 100-continue)', async () => {
    const big = Buffer.alloc(30 * 1024 * 1024, 0x61);
    big.set([0xff, 0xd8, 0xff, 0xe0]);
    const before = ((await (await fetch(`${server.url}/status`)).json()) as any).memory.rss_bytes as number;

    await expectError(await post('/api/v1/process', form({ file: { name: 'big.jpg', bytes: big } })), 413, 'file_too_large');

    const { body, contentType } = pythonRequestsMultipart({}, { file: { name: 'big.jpg', bytes: big } });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < body.length; i += 1 << 20) controller.enqueue(new Uint8Array(body.subarray(i, i + (1 << 20))));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: chunked, headers: { 'Content-Type': contentType }, duplex: 'half' } as RequestInit);
    await expectError(res, 413, 'file_too_large');

    const bigPath = path.join(dirs.root, 'big.jpg');
    writeFileSync(bigPath, big);
    const { stdout } = await run('curl', ['-s', '-X', 'POST', `${server.url}/api/v1/process`, '-F', `file=@${bigPath}`, '-w', ' %{http_code}']);
    expect(stdout).toMatch(/"file_too_large".* 413$/);

    const after = ((await (await fetch(`${server.url}/status`)).json()) as any).memory.rss_bytes as number;
    expect(after - before).toBeLessThan(200 * 1024 * 1024);
    expect(listFiles(dirs.uploads)).toEqual([]);
  });
});

describe('status, OpenAPI, CORS, logs', () => {
  it('/status reports version, uptime, device, backend per model, models with licence and bytes, statistics', async () => {
    const res = await fetch(`${server.url}/status`);
    const body: any = await res.json();
    expect(schemaErrors(body, openapi.components.schemas.Status, openapi.components.schemas)).toEqual([]);
    expect(body.status).toBe('operational');
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(body.device).toMatchObject({ type: 'cpu', requested: 'cpu' });
    // One worker and no FACECRAFT_THREADS: the worker's sessions run on every core.
    expect(body.workers).toMatchObject({ configured: 1, threads_per_worker: os.availableParallelism(), threads_configured: null, cores: os.availableParallelism() });
    // The allocator the process started with, as this test process sees it (the same process).
    const hugePages = hugePageMalloc();
    expect(body.memory.huge_page_malloc).toEqual({ active: hugePages.active, requested: hugePages.requested, kernel_mode: hugePages.kernelMode });
    const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8'));
    // One variant per model runs: on the CPU the int8 ISNet; the float16 one and the float32 one
    // (made for WebGPU adapters without shader-f16, served to the playground) stay on disk.
    const running = manifest.models.filter((m: any) => m.id !== 'isnet' && m.id !== 'isnet-fp32');
    for (const m of running) {
      expect(body.models[m.id]).toMatchObject({ loaded: true, licence: m.licence, bytes: m.bytes, file: m.file, variant: m.weightType ?? 'float32', backend: 'ort-node', device: 'cpu' });
    }
    expect(body.models.isnet).toMatchObject({ loaded: false, variant: 'float16', backend: null });
    expect(body.models['isnet-fp32']).toMatchObject({ loaded: false, variant: 'float32', backend: null });
    expect(body.backends.map((b: any) => b.model).sort()).toEqual(running.map((m: any) => m.id).sort());
    expect(body.backends.find((b: any) => b.stage === 'segmentation')).toMatchObject({ model: 'isnet-int8', variant: 'int8' });
    expect(body.segmentation_variant).toEqual({ running: 'int8', requested: 'auto' });
    const s = body.statistics;
    expect(s.succeeded).toBeGreaterThanOrEqual(4);
    expect(s.failed).toBeGreaterThanOrEqual(5);
    expect(s.total).toBe(s.succeeded + s.failed);
    expect(s.success_rate).toBeCloseTo(s.succeeded / s.total, 3);
    expect(s.avg_processing_ms).toBeGreaterThan(0);
    expect(s.p95_processing_ms).toBeGreaterThanOrEqual(s.avg_processing_ms * 0.5);
    expect(body.memory.rss_bytes).toBeGreaterThan(100 * 1024 * 1024);
  });

  it('/openapi.json describes the routes from the same field specs the handlers validate with', () => {
    const processSchema = openapi.paths['/api/v1/process'].post.requestBody.content['multipart/form-data'].schema;
    // The original service's fields first, in its order; the new options (from the core's option table) after them.
    expect(Object.keys(processSchema.properties).slice(0, 11)).toEqual([
      'file', 'width', 'height', 'background_r', 'background_g', 'background_b', 'face_margin', 'use_oval_mask', 'enhance_face', 'enhance_fidelity',
      'return_base64',
    ]);
    expect(Object.keys(processSchema.properties)).toEqual(expect.arrayContaining(['subject', 'max_kb', 'remove_background', 'enhance', 'cutout', 'segmentation_size']));
    expect(processSchema.required).toEqual(['file']);
    expect(processSchema.properties.width).toMatchObject({ type: 'integer', minimum: 64, maximum: 2048, default: 648 });
    expect(processSchema.properties.subject).toMatchObject({ type: 'string', enum: ['largest', 'center', 'single'], default: 'largest' });
    expect(processSchema.properties.segmentation_size).toMatchObject({ multipleOf: 32 });
    const batch = openapi.paths['/api/v1/process/batch'].post.requestBody.content['multipart/form-data'].schema;
    expect(batch.properties.files).toMatchObject({ type: 'array', maxItems: 10 });
    expect(openapi.paths['/api/v1/process/quick'].post.requestBody.content['multipart/form-data'].schema.properties.size).toMatchObject({ default: 648 });
    expect(openapi.paths['/api/v1/download/{job_id}/{format}'].get.parameters[0].schema.pattern).toBe(UUID.source);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/status', '/api/v1/process', '/api/v1/process/quick', '/api/v1/process/batch', '/api/v1/download/{job_id}/{format}', '/api/v1/download/{job_id}/{index}/{format}', '/api/v1/jobs/{job_id}']));
    expect(openapi.paths['/api/v1/process'].post.responses).toHaveProperty('422');
    expect(openapi.paths['/api/v1/process'].post.responses['503'].headers).toHaveProperty('Retry-After');
  });

  it('CORS: listed origins are echoed, others get nothing; preflights answer before any key check', async () => {
    const allowed = await fetch(`${server.url}/status`, { headers: { Origin: 'https://allowed.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    expect(allowed.headers.get('vary')).toMatch(/Origin/);
    const other = await fetch(`${server.url}/status`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/v1/process`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-api-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/X-API-Key/i);
  });

  it('logs one JSON line per request with method, path, status, ms and the job id', () => {
    const requests = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    const processed = requests.filter((r) => r.path === '/api/v1/process' && r.status === 200);
    expect(processed.length).toBeGreaterThanOrEqual(3);
    for (const r of processed) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['time', 'level', 'method', 'path', 'status', 'ms', 'job_id']));
      expect(r.job_id).toMatch(UUID);
      expect(r.ms).toBeGreaterThan(0);
    }
    expect(requests.some((r) => r.status === 413 && r.job_id === null)).toBe(true);
    // Unexpected errors only (none here) are logged at error level; 4xx are not errors of the server.
    expect(logLines.map((l) => JSON.parse(l)).filter((l) => l.level === 'error')).toEqual([]);
  });
});

describe('playground hosting', () => {
  const isolation = (res: Response) => [res.headers.get('cross-origin-opener-policy'), res.headers.get('cross-origin-embedder-policy'), res.headers.get('cross-origin-resource-policy')];

  it('serves the built page with COOP/COEP/CORP, index.html for /playground and client routes, immutable assets', async () => {
    for (const p of ['/playground', '/playground/', '/playground/some/client/route']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(200);
      expect(await res.text()).toContain('Facecraft playground');
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(isolation(res)).toEqual(['same-origin', 'require-corp', 'same-origin']);
    }
    const asset = await fetch(`${server.url}/playground/assets/app-3f2a1b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(isolation(asset)).toEqual(['same-origin', 'require-corp', 'same-origin']);
    // (fetch would add Cache-Control: no-cache to a conditional request, so a raw one)
    const again = await rawRequest('GET', '/playground/assets/app-3f2a1b.js', { 'If-None-Match': asset.headers.get('etag') as string });
    expect(again.status).toBe(304);
    expect((await fetch(`${server.url}/playground/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
    for (const p of ['/playground/.secret', '/playground/%2e%2e/package.json', '/playground/assets/..%2F..%2Fetc%2Fpasswd', '/playground/missing.js']) {
      const res = await rawRequest('GET', p);
      expect(res.status, p).toBe(404);
      expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    }
  });

  it('serves the manifest and only the files it lists under /playground/models/', async () => {
    const manifest = await fetch(`${server.url}/playground/models/manifest.json`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    expect(isolation(manifest)).toEqual(['same-origin', 'require-corp', 'same-origin']);
    const list = (await manifest.json()) as { models: { file: string; bytes: number }[] };
    for (const m of list.models) {
      const res = await fetch(`${server.url}/playground/models/${m.file}`, { method: 'HEAD' });
      expect(res.status, m.file).toBe(200);
      expect(Number(res.headers.get('content-length'))).toBe(m.bytes);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    const small = list.models.find((m) => m.file.startsWith('blazeface')) as { file: string; bytes: number };
    expect((await (await fetch(`${server.url}/playground/models/${small.file}`)).arrayBuffer()).byteLength).toBe(small.bytes);
    for (const p of ['/playground/models/assemble-models.mjs', '/playground/models/..%2Fpackage.json', '/playground/models/../package.json', '/playground/models/cache']) {
      expect((await rawRequest('GET', p)).status, p).toBe(404);
    }
    expect((await fetch(`${server.url}/playground/models/manifest.json`, { method: 'POST' })).status).toBe(405);
  });
});
