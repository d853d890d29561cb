import { CodedError, type GuardedImage, type PortraitOptionsInput } from '@facecraft/core';
import { mapError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ResultStore } from '../store/result-store.js';
import { jobErrorOf, type JobQueue, type JobStatus } from './job-queue.js';
import { makeAndStorePortrait, type RunPortrait } from './portrait-job.js';

/** Finished jobs' states are kept this long (the results themselves stay in the store). */
const KEEP_FINISHED_MS = 3_600_000;

/**
 * FACECRAFT_QUEUE=memory: POST /api/v1/jobs in this process, on the same admission and worker
 * pool as the synchronous endpoints. States live in memory; a restart forgets jobs still
 * waiting (that is what the bullmq queue is for), while finished ones remain in the store.
 */
export class MemoryJobQueue implements JobQueue {
  readonly kind = 'memory' as const;
  readonly #jobs = new Map<string, { status: JobStatus; finishedAt?: number }>();
  readonly #running = new Set<Promise<void>>();
  readonly #deps: { readonly run: RunPortrait; readonly store: ResultStore; readonly logger: Logger; readonly beforeSubmit: () => void };

  /** beforeSubmit refuses a job at once (503) when the service is full or stopping. */
  constructor(deps: { readonly run: RunPortrait; readonly store: ResultStore; readonly logger: Logger; readonly beforeSubmit: () => void }) {
    this.#deps = deps;
  }

  async submit(id: string, image: Uint8Array | GuardedImage, options: PortraitOptionsInput): Promise<void> {
    this.#deps.beforeSubmit();
    this.#forgetOld();
    this.#set(id, { state: 'waiting', progress: 0, attempts: 1 });
    const done = makeAndStorePortrait(this.#deps, id, image, options, (progress) => this.#set(id, { state: progress < 100 ? 'active' : 'completed', progress, attempts: 1 })).then(
      () => this.#finish(id, { state: 'completed', progress: 100, attempts: 1 }),
      (error: unknown) => {
        if (mapError(error).unexpected) this.#deps.logger.error('job failed', { job_id: id, error: (error as Error).message });
        const coded = error instanceof CodedError ? error : new CodedError('internal_error', (error as Error).message);
        this.#finish(id, { state: 'failed', progress: this.#jobs.get(id)?.status.progress ?? 0, attempts: 1, error: jobErrorOf(coded) });
      },
    );
    this.#running.add(done);
    void done.finally(() => this.#running.delete(done));
  }

  async status(id: string): Promise<JobStatus | undefined> {
    return this.#jobs.get(id)?.status;
  }

  /** Waits for the jobs in flight (graceful shutdown). */
  async close(): Promise<void> {
    await Promise.all(this.#running);
  }

  #set(id: string, status: Omit<JobStatus, 'id'>): void {
    this.#jobs.set(id, { status: { id, ...status } });
  }

  #finish(id: string, status: Omit<JobStatus, 'id'>): void {
    this.#jobs.set(id, { status: { id, ...status }, finishedAt: Date.now() });
  }

  #forgetOld(): void {
    const now = Date.now();
    for (const [id, job] of this.#jobs) if (job.finishedAt !== undefined && now - job.finishedAt > KEEP_FINISHED_MS) this.#jobs.delete(id);
  }
}
