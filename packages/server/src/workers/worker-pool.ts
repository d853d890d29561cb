import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deserializeError, guardInfo, isGuardedImage, type BackendFailure, type GuardedImage, type GuardInfo, type ModelRuntime, type PortraitOptionsInput, type PortraitReport, type SerializedError } from '@facecraft/core';
import { JobTimeoutError, WorkerCrashedError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ProcessRequest, WorkerMessage } from './worker-messages.js';

/**
 * A fixed number of worker threads, each with its own processor, fed from one FIFO queue.
 * Admission (how many may wait) is decided before `run` by the JobLimiter; the pool itself only
 * dispatches. A worker that dies is replaced and its job rejected with WorkerCrashedError, so no
 * request hangs on a dead thread. A worker that holds one job past `jobTimeoutMs` has that job
 * answered with JobTimeoutError and is retired: a fresh worker takes its slot, and the old one
 * exits when its job ends (see #retire for why it is not terminated).
 */
export interface WorkerPoolOptions {
  readonly size: number;
  readonly workerData: unknown;
  readonly logger: Logger;
  /** The worker script (default: portrait-worker.js next to this file). */
  readonly workerUrl?: URL;
  /** First delay before a crashed worker is replaced; doubled for crashes in quick succession, up to 30 s. */
  readonly respawnDelayMs?: number;
  /** Longest a job may run on its worker before it is answered with JobTimeoutError and the worker retired; 0 or absent: no limit. */
  readonly jobTimeoutMs?: number;
  /** After a job, the process's resident bytes above which the worker that ran it is replaced; 0 or absent: never. */
  readonly maxRssBytes?: number;
}

export interface PortraitJobResult {
  readonly png: Uint8Array;
  readonly jpeg: Uint8Array;
  readonly report: PortraitReport;
  /** Time spent on the worker, ms. */
  readonly ms: number;
}

export interface PoolRuntimeInfo {
  readonly backend: string;
  readonly device: string;
  readonly notice?: string;
  /** Every device that could not start before `device`, in the order they were tried. */
  readonly failures?: readonly BackendFailure[];
  /** onnxruntime intra-op threads per session in each worker. */
  readonly threads?: number;
  readonly runtimes: readonly ModelRuntime[];
  readonly loadMs: number;
}

interface Task {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly guard: GuardInfo | undefined;
  readonly options: PortraitOptionsInput;
  readonly resolve: (result: PortraitJobResult) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

interface Slot {
  readonly index: number;
  worker: Worker;
  state: 'loading' | 'idle' | 'busy' | 'retiring' | 'closing' | 'dead';
  task: Task | undefined;
  /** Retires the worker when its job runs past jobTimeoutMs. */
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * How long close() waits for a worker that is loading models or ending a timed-out job before it
 * cuts the thread off: a last resort, since a thread ended inside a native call aborts the process
 * (see #retire).
 */
const NATIVE_CALL_GRACE_MS = 60_000;


/** dist/workers/portrait-worker.js; when this module runs from src (vitest), the built one. */
function defaultWorkerUrl(): URL {
  const here = new URL('./portrait-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  const built = new URL('../../dist/workers/portrait-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return built;
  throw new Error('portrait-worker.js not found: build @facecraft/server first (pnpm --filter @facecraft/server build)');
}

/**
 * What the routes, the service and /status see of a pool: the local WorkerPool, or the job queue
 * standing in for it on an API replica (queue/queue-pool.ts).
 */
export type PoolView = Pick<WorkerPool, 'size' | 'ready' | 'isReady' | 'everReady' | 'readyWorkers' | 'running' | 'retiring' | 'recycled' | 'waiting' | 'info' | 'loadError' | 'run'>;

export class WorkerPool {
  readonly size: number;
  /** Resolves when every worker has loaded its models once; rejects when a worker cannot load them. */
  readonly ready: Promise<void>;
  readonly #options: WorkerPoolOptions;
  readonly #url: URL;
  readonly #slots: Slot[] = [];
  /** Workers taken off a slot after a time-out, until they exit. */
  readonly #retiring = new Set<Slot>();
  readonly #queue: Task[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  #info: PoolRuntimeInfo | undefined;
  #loadError: SerializedError | undefined;
  #nextId = 1;
  #recycled = 0;
  #closing = false;
  #crashTimes: number[] = [];
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #readySettled = false;
  #everReady = false;

  constructor(options: WorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`Expected a positive integer for size but received ${options.size}`);
    this.size = options.size;
    this.#options = options;
    this.#url = options.workerUrl ?? defaultWorkerUrl();
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // A rejection nobody awaited must not crash the process: /ready reports it.
    this.ready.catch(() => {});
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn(i));
  }

  /** Every worker slot has a worker with its models loaded. */
  get isReady(): boolean {
    return this.#slots.every((s) => s.state === 'idle' || s.state === 'busy');
  }

  /** Every worker had loaded its models at least once (a replacement may be loading now). */
  get everReady(): boolean {
    return this.#everReady;
  }

  get readyWorkers(): number {
    return this.#slots.filter((s) => s.state === 'idle' || s.state === 'busy').length;
  }

  get running(): number {
    return this.#slots.filter((s) => s.state === 'busy').length;
  }

  /** Workers that timed out and are finishing their last call before they exit. */
  get retiring(): number {
    return this.#retiring.size;
  }

  /** Workers replaced so far because memory stood above maxRssBytes after their job. */
  get recycled(): number {
    return this.#recycled;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** Backend, device and models, as the first worker reported them. */
  get info(): PoolRuntimeInfo | undefined {
    return this.#info;
  }

  /** Why the models could not be loaded, when they could not. */
  get loadError(): SerializedError | undefined {
    return this.#loadError;
  }

  /**
   * Processes one image on the next free worker. The bytes are transferred to the worker (and
   * detached here); a guard's header goes with them, so the worker does not read it again.
   */
  run(input: Uint8Array | GuardedImage, options: PortraitOptionsInput, signal?: AbortSignal): Promise<PortraitJobResult> {
    const guard = isGuardedImage(input) ? guardInfo(input) : undefined;
    const bytes = isGuardedImage(input) ? input.bytes : input;
    if (this.#closing) return Promise.reject(new Error('The worker pool is closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<PortraitJobResult>((resolve, reject) => {
      const task: Task = {
        id: this.#nextId++,
        bytes,
        guard,
        options,
        resolve,
        reject,
        signal,
        onAbort: () => {
          // Only a task still waiting can be dropped; one on a worker runs to its end.
          const at = this.#queue.indexOf(task);
          if (at >= 0) {
            this.#queue.splice(at, 1);
            reject(signal?.reason);
            this.#notifyIdle();
          }
        },
      };
      signal?.addEventListener('abort', task.onAbort, { once: true });
      this.#queue.push(task);
      this.#dispatch();
    });
  }

  /** Resolves once no job is running or waiting. */
  drain(): Promise<void> {
    if (this.#queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Rejects waiting jobs, lets each worker release its models, and ends the threads. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const task of this.#queue.splice(0)) task.reject(new Error('The server is shutting down'));
    this.#notifyIdle();
    if (!this.#readySettled) this.#settleReady(new Error('The worker pool was closed before its models were loaded'));
    const exitOf = (slot: Slot) => new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
    await Promise.all([
      ...this.#slots.map(async (slot) => {
        if (slot.state === 'dead' || slot.state === 'retiring') return;
        // One still loading is inside onnxruntime's session set-up: it closes once that is done.
        const grace = slot.state === 'loading' ? NATIVE_CALL_GRACE_MS : 5000;
        slot.state = 'closing';
        const exited = exitOf(slot);
        slot.worker.postMessage({ type: 'close' });
        const timer = setTimeout(() => void slot.worker.terminate(), grace);
        await exited;
        clearTimeout(timer);
      }),
      // Already told to close: each gets time to end its job (see #retire), then is cut off.
      ...[...this.#retiring].map(async (slot) => {
        const exited = exitOf(slot);
        const timer = setTimeout(() => void slot.worker.terminate(), NATIVE_CALL_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    ]);
  }

  #spawn(index: number): Slot {
    const worker = new Worker(this.#url, { workerData: this.#options.workerData, name: `facecraft-worker-${index}` });
    const slot: Slot = { index, worker, state: 'loading', task: undefined, timer: undefined };
    worker.on('message', (message: WorkerMessage) => this.#onMessage(slot, message));
    worker.on('error', (error) => {
      this.#options.logger.error('worker error', { worker: index, error: error.message, stack: error.stack });
    });
    worker.on('exit', (code) => this.#onExit(slot, worker, code));
    return slot;
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    switch (message.type) {
      case 'ready': {
        slot.state = 'idle';
        const { type: _type, ...info } = message;
        this.#info ??= info;
        this.#options.logger.info('worker ready', { worker: slot.index, device: message.device, load_ms: message.loadMs });
        if (this.isReady) {
          this.#everReady = true;
          this.#settleReady();
        }
        this.#dispatch();
        return;
      }
      case 'load-failed':
        this.#loadError = message.error;
        slot.state = 'dead';
        this.#options.logger.error('worker could not load the models', { worker: slot.index, error: message.error.message });
        this.#settleReady(deserializeError(message.error));
        // A replacement that cannot load leaves waiting jobs without a worker: fail them now.
        if (this.#slots.every((s) => s.state === 'dead')) {
          for (const task of this.#queue.splice(0)) task.reject(deserializeError(message.error));
          this.#notifyIdle();
        }
        return;
      case 'done': {
        const task = slot.task;
        if (!task || task.id !== message.id) return;
        slot.task = undefined;
        clearTimeout(slot.timer);
        if (slot.state === 'busy') slot.state = 'idle';
        task.signal?.removeEventListener('abort', task.onAbort);
        if (message.ok) task.resolve({ png: message.png, jpeg: message.jpeg, report: message.report, ms: message.ms });
        else task.reject(deserializeError(message.error));
        this.#recycleIfOverMemory(slot);
        this.#dispatch();
        this.#notifyIdle();
        return;
      }
    }
  }

  #onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return;
    const wasLoading = slot.state === 'loading';
    const task = slot.task;
    slot.task = undefined;
    clearTimeout(slot.timer);
    if (task) {
      task.signal?.removeEventListener('abort', task.onAbort);
      task.reject(new WorkerCrashedError(`Worker ${slot.index} exited with code ${code} while processing`));
    }
    if (slot.state === 'retiring') {
      this.#retiring.delete(slot);
      slot.state = 'dead';
      this.#options.logger.info('retired worker exited', { worker: slot.index, exit_code: code });
      // Its slot waited for it when too many were retiring at once: fill it now.
      if (this.#slots[slot.index] === slot && !this.#closing) this.#slots[slot.index] = this.#spawn(slot.index);
      this.#notifyIdle();
      return;
    }
    if (this.#closing || slot.state === 'closing' || this.#loadError) {
      slot.state = 'dead';
      this.#notifyIdle();
      return;
    }
    slot.state = 'dead';
    this.#notifyIdle();
    const now = Date.now();
    this.#crashTimes = [...this.#crashTimes.filter((t) => now - t < 60_000), now];
    if (wasLoading && !this.#readySettled && this.#crashTimes.length >= 3) {
      this.#settleReady(new Error(`Workers keep exiting while loading the models (exit code ${code})`));
      this.#loadError = { code: 'internal_error', name: 'Error', message: `Workers keep exiting while loading the models (exit code ${code})` };
      return;
    }
    const delay = Math.min(30_000, (this.#options.respawnDelayMs ?? 1000) * 2 ** (this.#crashTimes.length - 1));
    this.#options.logger.warn('worker exited; replacing it', { worker: slot.index, exit_code: code, had_job: Boolean(task), respawn_in_ms: delay });
    const timer = setTimeout(() => {
      if (this.#closing) return;
      const fresh = this.#spawn(slot.index);
      this.#slots[slot.index] = fresh;
    }, delay);
    timer.unref();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.state !== 'idle') continue;
      const task = this.#queue.shift() as Task;
      slot.state = 'busy';
      slot.task = task;
      const owned = task.bytes.byteOffset === 0 && task.bytes.byteLength === task.bytes.buffer.byteLength && task.bytes.buffer instanceof ArrayBuffer;
      const bytes = owned ? task.bytes : task.bytes.slice();
      const request: ProcessRequest = { type: 'process', id: task.id, bytes, options: task.options, ...(task.guard ? { guard: task.guard } : {}) };
      slot.worker.postMessage(request, [bytes.buffer as ArrayBuffer]);
      const timeoutMs = this.#options.jobTimeoutMs ?? 0;
      if (timeoutMs > 0) slot.timer = setTimeout(() => this.#onJobTimeout(slot, task, timeoutMs), timeoutMs).unref();
    }
  }

  /**
   * A job ran too long: answer it now and retire its worker. A fresh worker takes the slot at once
   * unless as many workers as the pool's size are already retiring (each holds its models'
   * memory until its job ends); then the slot is filled when the old worker exits.
   */
  #onJobTimeout(slot: Slot, task: Task, timeoutMs: number): void {
    if (slot.task !== task || this.#closing) return;
    slot.task = undefined;
    task.signal?.removeEventListener('abort', task.onAbort);
    task.reject(new JobTimeoutError(timeoutMs / 1000));
    this.#retire(slot);
    const replaceNow = this.#retiring.size <= this.size;
    this.#options.logger.warn('job ran past the time limit; retiring its worker', { worker: slot.index, job_timeout_ms: timeoutMs, retiring: this.#retiring.size, replaced_now: replaceNow });
    if (replaceNow) this.#slots[slot.index] = this.#spawn(slot.index);
    this.#notifyIdle();
  }

  /**
   * Between jobs: when the process stands above maxRssBytes, the worker that just finished (the
   * likeliest holder of what a large job left behind) is closed, and its slot gets a fresh worker
   * once it has exited. One at a time: while a replacement is under way the others keep serving.
   */
  #recycleIfOverMemory(slot: Slot): void {
    const limit = this.#options.maxRssBytes ?? 0;
    if (limit <= 0 || this.#closing || slot.state !== 'idle' || this.#retiring.size > 0 || this.#slots.some((s) => s.state === 'loading')) return;
    const rss = process.memoryUsage.rss();
    if (rss <= limit) return;
    this.#recycled++;
    this.#options.logger.info('replacing a worker to give memory back', { worker: slot.index, rss_mb: Math.round(rss / 1048576), limit_mb: Math.round(limit / 1048576) });
    this.#retire(slot);
  }

  /**
   * Asks a timed-out worker to exit once its job ends, instead of terminating it: onnxruntime-node
   * runs a model synchronously on the worker's thread, and a thread terminated inside that call
   * aborts the whole process when the call returns into the terminated environment.
   */
  #retire(slot: Slot): void {
    slot.state = 'retiring';
    this.#retiring.add(slot);
    slot.worker.postMessage({ type: 'close' });
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.running > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #settleReady(error?: Error): void {
    if (this.#readySettled) return;
    this.#readySettled = true;
    if (error) this.#rejectReady(error);
    else this.#resolveReady();
  }
}
