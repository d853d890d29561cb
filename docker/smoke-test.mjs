#!/usr/bin/env node
// Starts a Facecraft server with the given command, waits for /ready, asks /status, posts a
// photo to /api/v1/process/quick and checks that a PNG of the asked size comes back; then stops
// the server (its whole process group) and prints one JSON line with what it measured.
//
//   node docker/smoke-test.mjs --port 18000 --photo FILE --device cpu|fallback [--offline]
//        [--expect-uid N] [--healthcheck "COMMAND ARGS"] [--timeout 300] [--log FILE] -- COMMAND ARGS...
//
// --device cpu       /status must say device cpu, asked for cpu
// --device fallback  /status must say device cpu, asked for auto, with a notice (the GPU image
//                    without a usable CUDA provider falls back to the CPU and says so)
// --healthcheck CMD  once /ready answered 200, CMD (split on spaces: the image's HEALTHCHECK
//                    run inside the container) must exit 0
// --offline          first prove that this process has no network beyond loopback (a TCP
//                    connection to a public address must fail); docker/check-images.sh runs this
//                    script in a network namespace that has only `lo`
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '18000' },
    photo: { type: 'string' },
    device: { type: 'string', default: 'cpu' },
    size: { type: 'string', default: '256' },
    timeout: { type: 'string', default: '300' },
    log: { type: 'string' },
    offline: { type: 'boolean', default: false },
    'expect-uid': { type: 'string' },
    healthcheck: { type: 'string' },
  },
});
if (positionals.length === 0 || !values.photo) {
  console.error('usage: smoke-test.mjs --photo FILE [--port P] [--device cpu|fallback] [--offline] -- COMMAND...');
  process.exit(2);
}
const base = `http://127.0.0.1:${values.port}`;
const size = Number(values.size);
const timeoutMs = Number(values.timeout) * 1000;
const result = { command: positionals.join(' ') };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function fail(message) {
  const error = new Error(message);
  error.smoke = true;
  throw error;
}

/** Resolves true when a TCP connection to host:port opens within 3 s. */
function canConnect(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

async function get(pathname) {
  const response = await fetch(base + pathname, { signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

let child;
let childExit;
const tail = [];

function start() {
  const log = values.log ? createWriteStream(values.log) : undefined;
  // Its own process group, so that stopping it stops what it started (buildah and the server).
  child = spawn(positionals[0], positionals.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  childExit = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      log?.write(chunk);
      for (const line of chunk.toString().split('\n')) if (line.trim()) tail.push(line);
      if (tail.length > 40) tail.splice(0, tail.length - 40);
    });
  }
}

async function stop() {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const stopped = await Promise.race([childExit.then(() => true), sleep(15000).then(() => false)]);
  result.stopped_by = stopped ? 'SIGTERM' : 'SIGKILL';
  if (!stopped) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    await childExit;
  }
  // The server may outlive buildah by a moment: give the group a last SIGKILL.
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {}
}

async function waitForReady(startedAt) {
  let lastReady;
  while (Date.now() - startedAt < timeoutMs) {
    const exited = await Promise.race([childExit, sleep(250).then(() => undefined)]);
    if (exited) fail(`the server exited (code ${exited.code}, signal ${exited.signal}) before /ready answered 200`);
    try {
      if (result.health_ms === undefined && (await get('/health')).status === 200) result.health_ms = Date.now() - startedAt;
      lastReady = await get('/ready');
      if (lastReady.status === 200) return Date.now() - startedAt;
    } catch {
      // not listening yet
    }
  }
  fail(`/ready did not answer 200 within ${values.timeout} s (last: ${lastReady ? `${lastReady.status} ${lastReady.text}` : 'no answer'})`);
}

async function main() {
  if (values.offline) {
    // 1.1.1.1 and 8.8.8.8 answer on 443 from anywhere with a route out; here nothing may.
    const reachable = (await canConnect('1.1.1.1', 443)) || (await canConnect('8.8.8.8', 443));
    if (reachable) fail('--offline: a public address is reachable from here, so the test would prove nothing');
    result.network = 'loopback only (a connection to 1.1.1.1:443 and 8.8.8.8:443 failed)';
  }
  if (await canConnect('127.0.0.1', Number(values.port))) fail(`port ${values.port} is already taken`);

  const startedAt = Date.now();
  start();
  result.ready_ms = await waitForReady(startedAt);

  // Who the server runs as: the node process in the group started above.
  const processes = execFileSync('ps', ['-o', 'uid=,args=', '-g', String(child.pid)], { encoding: 'utf8' }).split('\n');
  const server = processes.find((line) => /node .*facecraft\.js serve/.test(line) && !line.includes('buildah'));
  result.server_uid = server ? Number(server.trim().split(/\s+/)[0]) : null;
  if (values['expect-uid'] !== undefined && result.server_uid !== Number(values['expect-uid'])) {
    fail(`the server runs as uid ${result.server_uid}, expected ${values['expect-uid']}`);
  }

  if (values.healthcheck) {
    const [command, ...args] = values.healthcheck.split(' ');
    try {
      execFileSync(command, args, { stdio: 'pipe', timeout: 30000 });
      result.healthcheck = 'healthy';
    } catch (error) {
      fail(`the healthcheck (${values.healthcheck}) failed on a ready server: ${String(error.stderr ?? error.message).trim()}`);
    }
  }

  const status = await get('/status');
  if (status.status !== 200 || !status.json) fail(`/status answered ${status.status}: ${status.text.slice(0, 300)}`);
  const device = status.json.device ?? {};
  result.status = { version: status.json.version, device, model_load_ms: status.json.workers?.model_load_ms ?? null, backends: status.json.backends };
  const loaded = Object.entries(status.json.models ?? {}).filter(([, m]) => m.loaded).map(([id]) => id);
  result.models_loaded = loaded;
  if (loaded.length === 0) fail('/status lists no loaded model');
  if (device.type !== 'cpu') fail(`/status device.type is ${JSON.stringify(device.type)}, expected "cpu"`);
  if (values.device === 'cpu' && device.requested !== 'cpu') fail(`/status device.requested is ${JSON.stringify(device.requested)}, expected "cpu"`);
  if (values.device === 'fallback') {
    if (device.requested !== 'auto') fail(`/status device.requested is ${JSON.stringify(device.requested)}, expected "auto"`);
    if (!device.notice) fail('/status gives no notice that the server fell back to the CPU');
    if (!tail.concat().some((line) => line.includes(device.notice.slice(0, 40))) && !tail.some((line) => /cpu|cuda/i.test(line))) {
      fail('the server log does not mention the CPU fallback');
    }
  }

  const photo = await readFile(values.photo);
  const form = new FormData();
  form.append('file', new Blob([photo], { type: 'image/jpeg' }), path.basename(values.photo));
  form.append('size', String(size));
  const posted = Date.now();
  const response = await fetch(`${base}/api/v1/process/quick`, { method: 'POST', body: form, signal: AbortSignal.timeout(120000) });
  const body = Buffer.from(await response.arrayBuffer());
  result.quick_ms = Date.now() - posted;
  if (response.status !== 200) fail(`/api/v1/process/quick answered ${response.status}: ${body.toString('utf8', 0, 300)}`);
  if (response.headers.get('content-type') !== 'image/png') fail(`content-type ${response.headers.get('content-type')}, expected image/png`);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (body.length < 1000 || !body.subarray(0, 8).equals(signature)) fail(`the answer is not a PNG (${body.length} bytes)`);
  const width = body.readUInt32BE(16);
  const height = body.readUInt32BE(20);
  if (width !== size || height !== size) fail(`the PNG is ${width}×${height}, asked for ${size}×${size}`);
  result.png = { bytes: body.length, width, height };
}

let code = 0;
try {
  await main();
} catch (error) {
  code = 1;
  result.error = error.smoke ? error.message : String(error.stack ?? error);
  console.error(`smoke test FAILED: ${result.error}`);
  if (tail.length) console.error(`last lines of the server:\n  ${tail.join('\n  ')}`);
} finally {
  await stop();
}
if (code === 0) result.log_tail = tail.slice(-5);
console.log(JSON.stringify(result));
process.exit(code);
