import os from 'node:os';
import { intraOpThreads } from '@facecraft/core';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { PortraitWorkerData } from './worker-messages.js';
import { WorkerPool } from './worker-pool.js';

/** The inference worker threads as configured (FACECRAFT_WORKERS × FACECRAFT_THREADS): the same for `serve` and `worker`. */
export function createInferencePool(config: ServerConfig, logger: Logger): WorkerPool {
  const cores = os.availableParallelism();
  const threads = intraOpThreads({ cores, workers: config.workers, ...(config.threads !== undefined ? { override: config.threads } : {}) });
  if (threads * config.workers > cores) {
    logger.warn(`${config.workers} worker(s) × ${threads} onnxruntime threads is more than the ${cores} cores available: jobs running together will slow each other down`);
  }
  const workerData: PortraitWorkerData = {
    modelsDir: config.modelsDir,
    device: config.device,
    threads,
    ...(config.segmentationVariant !== 'auto' ? { segmentationVariant: config.segmentationVariant } : {}),
  };
  return new WorkerPool({ size: config.workers, workerData, logger, jobTimeoutMs: config.jobTimeoutMs, maxRssBytes: config.maxRssBytes });
}

/** The threads each worker of a pool made by createInferencePool runs with. */
export function threadsPerWorker(config: ServerConfig): number {
  return intraOpThreads({ cores: os.availableParallelism(), workers: config.workers, ...(config.threads !== undefined ? { override: config.threads } : {}) });
}
