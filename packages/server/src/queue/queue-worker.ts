import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { CodedError, FacecraftError, errorSpec } from '@facecraft/core';
import type { ServerConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { ResultStore } from '../store/result-store.js';
import type { WorkerPool } from '../workers/worker-pool.js';
import { QUEUE_NAME, QUEUE_PREFIX, redisConnection } from './bullmq-connection.js';
import type { PortraitJobData } from './bullmq-job-queue.js';
import { encodeJobError } from './job-queue.js';
import { finishBatch, makeBatchItem, type BatchItemJobData, type BatchParentData } from './batch-flow.js';
import { makeAndStorePortrait, type RunPortrait } from './portrait-job.js';

export interface QueueWorker {
  /** Stops taking jobs, lets the ones in hand finish, disconnects. */
  close(): Promise<void>;
  /** Jobs this process has finished (for logs and tests). */
  readonly completed: () => number;
}

/**
 * The worker side of FACECRAFT_QUEUE=bullmq: takes as many jobs at once as the inference pool
 * has workers, reads each input from the store, runs it on the pool and stores the result. Its
 * lock is renewed from this (main) thread while inference runs on worker threads; if this
 * process dies, the lock lapses after FACECRAFT_QUEUE_LOCK_S and another worker takes the job.
 * A verdict on the photo (kind `pipeline`, not retryable) fails at once; anything else is
 * retried up to FACECRAFT_QUEUE_ATTEMPTS times with backoff.
 */
export function startQueueWorker(deps: { config: ServerConfig; pool: WorkerPool; store: ResultStore; logger: Logger }): QueueWorker {
  const { config, pool, store, logger } = deps;
  let completed = 0;
  const run: RunPortrait = (bytes, options) => pool.run(bytes, options);
  const processJob = async (job: Job<PortraitJobData | BatchItemJobData | BatchParentData, unknown>): Promise<unknown> => {
    try {
      // A batch's parent: its children have all ended; it writes batch.json.
      if (job.name === 'batch') {
        const summary = await finishBatch(job as Job<BatchParentData>, store);
        logger.info('batch done', { job_id: job.id });
        return summary;
      }
      const data = job.data as PortraitJobData | BatchItemJobData;
      logger.info('job started', { job_id: job.id, attempt: job.attemptsStarted });
      await job.updateProgress(0);
      const bytes = await store.getInput(data.input);
      await job.updateProgress(10);
      const progress = (percent: number) => job.updateProgress(percent);
      const outcome = 'batch' in data ? await makeBatchItem(run, store, data, bytes, progress) : await makeAndStorePortrait({ run, store }, job.id!, bytes, data.options, progress);
      logger.info('job done', { job_id: job.id, worker_ms: outcome.ms });
      return outcome;
    } catch (error) {
      const final = error instanceof FacecraftError && !errorSpec(error.code).retryable;
      const coded = error instanceof CodedError ? error : undefined;
      if (!coded || errorSpec(coded.code).kind === 'failure') logger.warn('job try failed', { job_id: job.id, attempt: job.attemptsMade + 1, error: (error as Error).message });
      const encoded = encodeJobError(error);
      throw final ? new UnrecoverableError(encoded) : new Error(encoded);
    }
  };
  const worker = new Worker<PortraitJobData | BatchItemJobData | BatchParentData, unknown>(QUEUE_NAME, processJob, {
    connection: redisConnection(config.redisUrl!, 'worker'),
    prefix: QUEUE_PREFIX,
    concurrency: pool.size,
    lockDuration: config.queueLockMs,
    stalledInterval: Math.max(500, Math.floor(config.queueLockMs / 2)),
    // A job whose worker died is taken over; one that kills a second worker too is failed.
    maxStalledCount: 2,
    // The inference pool loads its models first; jobs are taken once it is ready.
    autorun: false,
  });
  worker.on('error', (error) => logger.warn('queue worker: Redis connection error', { error: error.message }));
  const inputOf = (job: Job<PortraitJobData | BatchItemJobData | BatchParentData>) => ('input' in job.data ? job.data.input : undefined);
  worker.on('completed', (job) => {
    completed++;
    // Queue-confirmed: a try whose lock was lost meanwhile is 'job done' but never 'job completed'.
    logger.info('job completed', { job_id: job.id });
    const input = inputOf(job);
    if (input) void store.deleteInput(input).catch(() => {});
  });
  worker.on('failed', (job, error) => {
    const input = job ? inputOf(job) : undefined;
    if (job && input && (error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1))) void store.deleteInput(input).catch(() => {});
    if (job) logger.debug('job failed', { job_id: job.id, attempts: job.attemptsMade, error: error.message });
  });
  void pool.ready.then(
    () => {
      logger.info('queue worker taking jobs', { concurrency: pool.size, lock_s: config.queueLockMs / 1000 });
      void worker.run().catch((error: Error) => logger.error('queue worker stopped', { error: error.message }));
    },
    () => {
      // Without models there is nothing to run: the jobs stay queued for other workers.
    },
  );
  return {
    close: () => worker.close(),
    completed: () => completed,
  };
}
