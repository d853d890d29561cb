import { setTimeout as sleep } from 'node:timers/promises';
import { CodedError, isGuardedImage, type GuardedImage, type PortraitOptionsInput } from '@facecraft/core';
import { FlowProducer, Job, Queue, type JobsOptions } from 'bullmq';
import type { ServerConfig } from '../config.js';
import { newJobId } from '../jobs/job-id.js';
import type { Logger } from '../logger.js';
import { readDownload, type ResultStore } from '../store/result-store.js';
import type { PortraitJobResult } from '../workers/worker-pool.js';
import { addBatchFlow, type BatchFile } from './batch-flow.js';
import { QUEUE_NAME, QUEUE_PREFIX, redisConnection } from './bullmq-connection.js';
import { decodeJobError, jobErrorOf, type JobQueue, type JobState, type JobStatus, type PortraitJobOutcome } from './job-queue.js';

/** What a queued job carries: the key of its input in the store and its options, never the image. */
export interface PortraitJobData {
  readonly input: string;
  readonly options: PortraitOptionsInput;
}

/** How long a waiting request tolerates Redis being unreachable before it answers 503 queue_unavailable. */
const WAIT_THROUGH_OUTAGE_MS = 30_000;

const STATES: Readonly<Record<string, JobState>> = {
  waiting: 'waiting',
  prioritized: 'waiting',
  // A try failed and the next waits out its backoff.
  delayed: 'waiting',
  'waiting-children': 'waiting',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

function queueUnavailable(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  return new CodedError('queue_unavailable', `Redis: ${(error as Error).message}`, undefined, { cause: error });
}

/**
 * FACECRAFT_QUEUE=bullmq, the producer side: jobs and their states on Redis. Used by the API
 * (POST/GET /api/v1/jobs) and, through `run`, by the synchronous endpoints, which queue a job
 * and wait for it like any client would.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = 'bullmq' as const;
  readonly #queue: Queue<PortraitJobData, PortraitJobOutcome>;
  readonly #store: ResultStore;
  readonly #config: ServerConfig;
  readonly #logger: Logger;
  #flows: FlowProducer | undefined;
  #connected = false;

  constructor(config: ServerConfig, store: ResultStore, logger: Logger) {
    this.#config = config;
    this.#store = store;
    this.#logger = logger;
    this.#queue = new Queue(QUEUE_NAME, { connection: redisConnection(config.redisUrl!, 'producer'), prefix: QUEUE_PREFIX });
    this.#queue.on('error', (error) => {
      if (this.#connected) logger.warn('job queue: Redis connection error', { error: error.message });
      this.#connected = false;
    });
  }

  /** Resolves once Redis answers; start-up fails with a clear message when it does not. */
  async init(): Promise<void> {
    try {
      await this.#queue.waitUntilReady();
      await this.#queue.getJobCounts('waiting');
      this.#connected = true;
    } catch (error) {
      throw new Error(`FACECRAFT_REDIS_URL: Redis cannot be reached (${(error as Error).message})`);
    }
  }

  /** Whether Redis answered the last time it was asked (for /ready). */
  async ping(): Promise<boolean> {
    try {
      await this.#queue.getJobCounts('waiting');
      this.#connected = true;
    } catch {
      this.#connected = false;
    }
    return this.#connected;
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Tries, backoff, and expiry with the results (FACECRAFT_CLEANUP_AGE_HOURS). */
  #jobOptions(): JobsOptions {
    const keepS = this.#config.cleanupAgeMs > 0 ? Math.ceil(this.#config.cleanupAgeMs / 1000) : undefined;
    return {
      attempts: this.#config.queueAttempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: keepS === undefined ? false : { age: keepS },
      removeOnFail: keepS === undefined ? false : { age: keepS },
    };
  }

  async submit(id: string, image: Uint8Array | GuardedImage, options: PortraitOptionsInput): Promise<void> {
    // Only the bytes are stored: the worker process that takes the job reads the header itself.
    await this.#store.putInput(id, isGuardedImage(image) ? image.bytes : image);
    try {
      await this.#queue.add('portrait', { input: id, options }, { ...this.#jobOptions(), jobId: id });
    } catch (error) {
      await this.#store.deleteInput(id).catch(() => {});
      throw queueUnavailable(error);
    }
  }

  async status(id: string): Promise<JobStatus | undefined> {
    let job: Job<PortraitJobData, PortraitJobOutcome> | undefined;
    let state: string;
    try {
      job = await Job.fromId<PortraitJobData, PortraitJobOutcome>(this.#queue, id);
      if (!job) return undefined;
      state = await job.getState();
    } catch (error) {
      throw queueUnavailable(error);
    }
    const mapped = STATES[state];
    if (!mapped) return undefined;
    const progress = typeof job.progress === 'number' ? job.progress : 0;
    // attemptsMade counts finished tries; the one running now is one more.
    const attempts = Math.max(1, job.attemptsMade + (mapped === 'active' ? 1 : 0));
    return {
      id,
      state: mapped,
      progress: mapped === 'completed' ? 100 : progress,
      attempts,
      ...(mapped === 'failed' ? { error: jobErrorOf(decodeJobError(job.failedReason)) } : {}),
      ...(mapped === 'completed' ? { outcome: job.returnvalue } : {}),
    };
  }

  /**
   * Polls until the job has completed or failed. Redis being away for a moment (a restart) is
   * waited out; longer than WAIT_THROUGH_OUTAGE_MS, and the wait ends with queue_unavailable.
   */
  async waitFor(id: string, signal?: AbortSignal): Promise<JobStatus> {
    let delay = 50;
    let unreachableSince: number | undefined;
    for (;;) {
      signal?.throwIfAborted();
      try {
        const status = await this.status(id);
        unreachableSince = undefined;
        if (!status) throw new CodedError('internal_error', `Job ${id} vanished from the queue`);
        if (status.state === 'completed' || status.state === 'failed') return status;
      } catch (error) {
        if (!(error instanceof CodedError) || error.code !== 'queue_unavailable') throw error;
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > WAIT_THROUGH_OUTAGE_MS) throw error;
      }
      await sleep(delay, undefined, signal ? { signal } : undefined).catch(() => {});
      delay = Math.min(delay * 2, 500);
    }
  }

  /**
   * One image through the queue and back, for the synchronous endpoints: queued under a new id,
   * waited on, its images read back from the store and the job's objects removed (the endpoint
   * stores its answer under its own job id, as it always has).
   */
  async run(bytes: Uint8Array, options: PortraitOptionsInput, signal?: AbortSignal): Promise<PortraitJobResult> {
    const id = newJobId();
    await this.submit(id, bytes, options);
    let status: JobStatus;
    try {
      status = await this.waitFor(id, signal);
    } catch (error) {
      // Nobody will read it: a job not started yet is dropped.
      if (signal?.aborted) await this.#queue.remove(id).catch(() => {});
      throw signal?.aborted ? signal.reason : error;
    }
    if (status.state === 'failed') {
      const job = await Job.fromId(this.#queue, id).catch(() => undefined);
      throw decodeJobError(job?.failedReason);
    }
    try {
      const [png, jpeg] = await Promise.all([readDownload(this.#store, id, 'png'), readDownload(this.#store, id, 'jpg')]);
      return { png, jpeg, report: status.outcome!.report, ms: status.outcome!.ms };
    } finally {
      void this.#store.delete(id).catch((error: Error) => this.#logger.warn('could not remove a synchronous job\'s objects', { job_id: id, error: error.message }));
      void this.#queue.remove(id).catch(() => {});
    }
  }

  /** A batch as a flow: one child job per image, the parent (id) writes batch.json when they have ended. */
  async submitBatch(id: string, files: readonly BatchFile[], options: PortraitOptionsInput): Promise<void> {
    this.#flows ??= new FlowProducer({ connection: redisConnection(this.#config.redisUrl!, 'producer'), prefix: QUEUE_PREFIX });
    try {
      await addBatchFlow(this.#flows, this.#store, id, files, options, this.#jobOptions());
    } catch (error) {
      throw queueUnavailable(error);
    }
  }

  /** A batch through the queue for the synchronous endpoint: its summary once batch.json is written. */
  async runBatch(id: string, files: readonly BatchFile[], options: PortraitOptionsInput, signal?: AbortSignal): Promise<unknown> {
    await this.submitBatch(id, files, options);
    const status = await this.waitFor(id, signal);
    if (status.state === 'failed') {
      const job = await Job.fromId(this.#queue, id).catch(() => undefined);
      throw decodeJobError(job?.failedReason);
    }
    return this.#store.readResult(id);
  }

  async counts(): Promise<{ waiting: number; active: number } | undefined> {
    try {
      const counts = await this.#queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
      return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0 };
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.#flows?.close();
    await this.#queue.close();
  }
}
