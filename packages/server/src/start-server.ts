import { readFile, readdir, rm, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseModelManifest, type ModelManifest } from '@facecraft/core';
import { createApp } from './app.js';
import { describeDeviceFallback } from './device-fallback.js';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { JobLimiter } from './jobs/job-limiter.js';
import { scheduleCleanup } from './jobs/job-store.js';
import { PortraitService } from './jobs/portrait-service.js';
import { Statistics } from './jobs/statistics.js';
import { createLogger, type Logger } from './logger.js';
import { EXPECTS_CONTINUE } from './middleware/multipart.js';
import { SERVER_VERSION } from './version.js';
import { BullMqJobQueue } from './queue/bullmq-job-queue.js';
import type { JobQueue } from './queue/job-queue.js';
import { MemoryJobQueue } from './queue/memory-job-queue.js';
import { QueuePool } from './queue/queue-pool.js';
import { startQueueWorker } from './queue/queue-worker.js';
import { createResultStore } from './store/create-result-store.js';
import { S3ResultStore } from './store/s3-result-store.js';
import { createInferencePool, threadsPerWorker } from './workers/create-inference-pool.js';
import type { PoolRuntimeInfo, PoolView } from './workers/worker-pool.js';

export interface StartServerOptions {
  /** The FACECRAFT_* variables (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Override FACECRAFT_HOST. */
  readonly host?: string;
  /** Override FACECRAFT_PORT; 0 picks a free port. */
  readonly port?: number;
  /** Where log lines go (default: stdout). */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** http://host:port, with 127.0.0.1 / [::1] for a wildcard host. */
  readonly url: string;
  readonly port: number;
  /** Resolves when every worker has loaded its models (/ready turns 200); rejects when they cannot be loaded. */
  readonly ready: Promise<void>;
  /** Backend and device once the first worker is up (undefined before). */
  readonly runtime: () => PoolRuntimeInfo | undefined;
  readonly config: ServerConfig;
  /** Jobs this process's own queue worker finished (role all with FACECRAFT_QUEUE=bullmq). */
  readonly completedByQueueWorker: () => number;
  /**
   * Graceful stop: refuse new work (503), stop accepting connections, let requests in flight
   * (and their jobs) finish, then end the workers. Safe to call more than once.
   */
  close(): Promise<void>;
}

/** How long close() waits for requests in flight before cutting connections. */
const SHUTDOWN_GRACE_MS = 120_000;

export async function readManifest(modelsDir: string): Promise<ModelManifest> {
  try {
    return parseModelManifest(JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8')));
  } catch (error) {
    throw new ConfigError([`FACECRAFT_MODELS_DIR: ${path.join(modelsDir, 'manifest.json')} is not a valid model manifest (${(error as Error).message})`]);
  }
}

/** Uploads are per-request folders that are always removed; any left belong to a crashed run. */
async function emptyUploadDir(dir: string, logger: Logger): Promise<void> {
  await mkdir(dir, { recursive: true });
  const leftovers = await readdir(dir);
  await Promise.all(leftovers.map((name) => rm(path.join(dir, name), { recursive: true, force: true })));
  if (leftovers.length > 0) logger.info('removed leftover uploads', { count: leftovers.length });
}

function urlFor(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A port that cannot be opened is a configuration problem: say which variable chooses it. */
function portError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `port ${port} on ${host || 'every interface'}`;
  if (error.code === 'EADDRINUSE') return new ConfigError([`FACECRAFT_PORT: ${where} is already in use (is another server running?); stop it, or set FACECRAFT_PORT (or --port) to a free port, 0 for any`]);
  if (error.code === 'EACCES') return new ConfigError([`FACECRAFT_PORT: ${where} needs privileges this user lacks; set FACECRAFT_PORT (or --port) to 1024 or above`]);
  if (error.code === 'EADDRNOTAVAIL') return new ConfigError([`FACECRAFT_HOST: ${host} is not an address of this machine`]);
  return error;
}

/** Until the app exists, early requests (only possible while start-up awaits) get a 503. */
function notYetReady(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
  res.end(JSON.stringify({ error: { code: 'not_ready', message: 'The server is starting' } }));
}

/**
 * Starts the service: validates the configuration (ConfigError naming each bad variable),
 * prepares the folders, starts the workers (models load in the background: `ready`), and
 * listens. Resolves once the port is open; /health answers from then on.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const env = { ...(options.env ?? process.env) };
  if (options.host !== undefined) env.FACECRAFT_HOST = options.host;
  if (options.port !== undefined) env.FACECRAFT_PORT = String(options.port);
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, options.log);
  for (const warning of config.warnings) logger.warn(warning);
  const manifest = await readManifest(config.modelsDir);

  // The port first: a busy port must fail in a moment, before models load or another
  // instance's uploads are emptied.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = notYetReady;
  const server = createServer({ requestTimeout: 300_000, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => handler(req, res));
  try {
    await listen(server, config.port, config.host);
  } catch (error) {
    throw portError(error as NodeJS.ErrnoException, config.host, config.port);
  }
  try {
    return await startService(server, config, manifest, logger, (appHandler) => (handler = appHandler));
  } catch (error) {
    server.close();
    throw error;
  }
}

/** Everything behind the open port: folders, workers (models load in the background), the app. */
async function startService(server: Server, config: ServerConfig, manifest: ModelManifest, logger: Logger, setHandler: (handler: (req: IncomingMessage, res: ServerResponse) => void) => void): Promise<RunningServer> {
  // Upload buffers are the only files an API replica writes locally.
  await emptyUploadDir(config.uploadDir, logger);
  const store = createResultStore(config, logger);
  await store.init();
  // Half-written jobs of a process that died (kill -9) have no writer any more: gone at once.
  await store.cleanup(0, Date.now(), { tempAgeMs: -1 });
  const stopCleanup = scheduleCleanup(store, config.cleanupAgeMs, logger);

  // An API replica loads no models: its jobs run on the workers behind the queue.
  const localPool = config.role === 'api' ? undefined : createInferencePool(config, logger);
  const bullmq = config.queue === 'bullmq' ? new BullMqJobQueue(config, store, logger) : undefined;
  if (bullmq) {
    try {
      await bullmq.init();
    } catch (error) {
      await localPool?.close();
      throw new ConfigError([(error as Error).message]);
    }
  }
  const pool: PoolView = bullmq ? new QueuePool(bullmq, localPool) : localPool!;
  const queueWorker = bullmq && localPool ? startQueueWorker({ config, pool: localPool, store, logger }) : undefined;
  // An API replica's requests wait on the shared queue, not on local workers: only the
  // number of them waiting at once is limited here.
  const limiter = new JobLimiter(localPool ? Math.min(config.maxConcurrentJobs, config.workers + config.queueSize) : config.maxConcurrentJobs);
  if (limiter.capacity < config.workers) {
    logger.warn(`only ${limiter.capacity} images are admitted at once (FACECRAFT_MAX_CONCURRENT_JOBS) but FACECRAFT_WORKERS=${config.workers}: some workers will stay idle`);
  }
  const stats = new Statistics();
  const service = new PortraitService({ pool, limiter, stats, logger });
  const queue: JobQueue = bullmq ?? new MemoryJobQueue({ run: (bytes, options) => service.process(bytes, options), store, logger, beforeSubmit: () => service.assertAccepting() });
  const app = createApp({ config, logger, pool, limiter, service, store, queue, stats, manifest, version: SERVER_VERSION, startedAt: Date.now() });

  const handler = app.callback();
  setHandler((req, res) => void handler(req, res));
  // Answer `Expect: 100-continue` only when the upload is actually wanted (multipart.ts).
  server.on('checkContinue', (req: IncomingMessage & { [EXPECTS_CONTINUE]?: boolean }, res) => {
    req[EXPECTS_CONTINUE] = true;
    void handler(req, res);
  });
  const port = (server.address() as AddressInfo).port;
  const url = urlFor(config.host, port);
  logger.info('listening', { url, version: SERVER_VERSION, role: config.role, queue: config.queue, store: config.store, workers: localPool ? config.workers : 0, threads_per_worker: localPool ? threadsPerWorker(config) : 0, capacity: limiter.capacity });

  const ready = pool.ready.then(() => {
    const info = pool.info;
    const segmentation = info?.runtimes.find((r) => r.stage === 'segmentation');
    logger.info('ready', { device: info?.device, backend: info?.backend, segmentation: segmentation ? `${segmentation.model} (${segmentation.variant})` : undefined, load_ms: info?.loadMs });
    const fallback = describeDeviceFallback(config.device, info?.device ?? 'unknown', info?.notice);
    if (fallback) {
      logger[fallback.level](fallback.message);
      if (fallback.detail !== fallback.message) logger.debug('device fallback reason', { reason: fallback.detail });
    }
  });
  ready.catch((error: Error) => logger.error('the models could not be loaded; /ready stays 503', { error: error.message }));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('shutting down: finishing requests in flight');
      service.stop();
      stopCleanup();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections that go idle are closed as soon as they do.
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const grace = new Promise<'timeout'>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS, 'timeout').unref());
      if ((await Promise.race([closed, grace])) === 'timeout') {
        logger.warn('requests still open after the grace period; closing their connections');
        server.closeAllConnections();
        await closed;
      }
      clearInterval(idle);
      await queueWorker?.close();
      await queue.close();
      if (pool instanceof QueuePool) pool.close();
      await localPool?.drain();
      await localPool?.close();
      if (store instanceof S3ResultStore) store.close();
      logger.info('stopped');
    })());

  return { url, port, ready, runtime: () => pool.info, config, close, completedByQueueWorker: () => queueWorker?.completed() ?? 0 };
}
