import type { BatchFile } from './batch-flow.js';
import { CodedError, deserializeError, errorSpec, isErrorCode, serializeError, type GuardedImage, type PortraitOptionsInput, type PortraitReport, type SerializedError } from '@facecraft/core';

/**
 * The jobs behind POST /api/v1/jobs: taken now, made by a worker, their state readable from any
 * API replica. `memory` keeps them in this process (today's single machine); `bullmq` keeps
 * them on Redis, where workers on other machines take them.
 */
export type JobState = 'waiting' | 'active' | 'completed' | 'failed';

export interface JobError {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

export interface JobStatus {
  readonly id: string;
  readonly state: JobState;
  /** 0 to 100: 10 input read, 20 on an inference worker, 90 made, 100 stored. */
  readonly progress: number;
  /** Tries so far (a retried job has more than one). */
  readonly attempts: number;
  readonly error?: JobError;
  /** What the worker returned; present once completed. */
  readonly outcome?: PortraitJobOutcome;
}

/** What a finished job hands back through the queue; its images are in the store. */
export interface PortraitJobOutcome {
  readonly report: PortraitReport;
  readonly ms: number;
}

export interface JobQueue {
  readonly kind: 'memory' | 'bullmq';
  /**
   * Takes a job: on return it is safely queued (or refused with a coded error). A guard's header
   * goes on with the bytes where the job stays in this process (the in-process queue).
   */
  submit(id: string, image: Uint8Array | GuardedImage, options: PortraitOptionsInput): Promise<void>;
  /** undefined: no such job in the queue (maybe finished long ago: the store may still hold it). */
  status(id: string): Promise<JobStatus | undefined>;
  /**
   * A batch as one parent job with a child per image, waited on; resolves to its batch.json.
   * Absent on the memory queue, where the batch endpoint runs its items on the local pool.
   */
  runBatch?(id: string, files: readonly BatchFile[], options: PortraitOptionsInput, signal?: AbortSignal): Promise<unknown>;
  close(): Promise<void>;
}

/** A job's error as it travels through the queue (BullMQ keeps only a string: JSON of the serialised error). */
export function encodeJobError(error: unknown): string {
  const { stack: _stack, ...serialized } = serializeError(error);
  return JSON.stringify(serialized);
}

export function decodeJobError(text: string | undefined): CodedError {
  try {
    const parsed = JSON.parse(text ?? '') as SerializedError;
    if (isErrorCode(parsed?.code)) return deserializeError(parsed);
  } catch {
    // not ours: a BullMQ message (a stalled job given up, a lost lock)
  }
  return new CodedError('worker_crashed', text ?? 'The job failed');
}

export function jobErrorOf(error: CodedError): JobError {
  return { code: error.code, message: error.clientMessage, retryable: errorSpec(error.code).retryable };
}
