import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { createLogger } from './logger.js';
import { startQueueWorker } from './queue/queue-worker.js';
import { readManifest } from './start-server.js';
import { createResultStore } from './store/create-result-store.js';
import { S3ResultStore } from './store/s3-result-store.js';
import { createInferencePool, threadsPerWorker } from './workers/create-inference-pool.js';
import type { PoolRuntimeInfo } from './workers/worker-pool.js';

export interface StartWorkerOptions {
  /** The FACECRAFT_* variables (default: process.env); FACECRAFT_ROLE is taken as worker. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: (line: string) => void;
}

export interface RunningWorker {
  readonly config: ServerConfig;
  /** Resolves once the models are loaded and jobs are being taken. */
  readonly ready: Promise<void>;
  readonly runtime: () => PoolRuntimeInfo | undefined;
  /** Jobs this worker finished so far. */
  readonly completed: () => number;
  /** Stops taking jobs, finishes those in hand, ends the inference threads. */
  close(): Promise<void>;
}

/**
 * FACECRAFT_ROLE=worker (`facecraft worker`): no HTTP port, only the inference pool taking jobs
 * from the bullmq queue and writing results to the s3 store. Refuses the memory queue and the
 * fs store (ConfigError): nobody else could hand it jobs or read what it wrote.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const env = { ...(options.env ?? process.env) };
  const role = env.FACECRAFT_ROLE?.trim().toLowerCase();
  if (role && role !== 'worker') throw new ConfigError([`FACECRAFT_ROLE: \`facecraft worker\` runs the worker role, but FACECRAFT_ROLE=${role}; unset it or run \`facecraft serve\``]);
  env.FACECRAFT_ROLE = 'worker';
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel, options.log);
  for (const warning of config.warnings) logger.warn(warning);
  await readManifest(config.modelsDir);
  const store = createResultStore(config, logger);
  try {
    await store.init();
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
  const pool = createInferencePool(config, logger);
  const worker = startQueueWorker({ config, pool, store, logger });
  logger.info('worker started', { workers: config.workers, threads_per_worker: threadsPerWorker(config), redis: config.redisUrl?.replace(/\/\/[^@/]*@/, '//…@') });
  const ready = pool.ready.then(() => {
    const info = pool.info;
    logger.info('ready', { device: info?.device, backend: info?.backend, load_ms: info?.loadMs });
  });
  ready.catch((error: Error) => logger.error('the models could not be loaded; this worker takes no jobs', { error: error.message }));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      logger.info('worker stopping: finishing the jobs in hand');
      await worker.close();
      await pool.drain();
      await pool.close();
      if (store instanceof S3ResultStore) store.close();
      logger.info('stopped');
    })());
  return { config, ready, runtime: () => pool.info, completed: worker.completed, close };
}
