import { isGuardedImage, type GuardedImage, type PortraitOptionsInput } from '@facecraft/core';
import type { PoolView, PortraitJobResult, WorkerPool } from '../workers/worker-pool.js';
import type { BullMqJobQueue } from './bullmq-job-queue.js';

/** How often an API replica checks that Redis answers, for /ready. */
const PING_EVERY_MS = 2000;

/**
 * The pool as the synchronous endpoints see it when jobs go through Redis: `run` queues the
 * image and waits for whichever worker takes it. Readiness is the local pool's (role all) or,
 * on an API replica with no models, whether Redis answers.
 */
export class QueuePool implements PoolView {
  readonly ready: Promise<void>;
  readonly #queue: BullMqJobQueue;
  readonly #local: WorkerPool | undefined;
  readonly #timer: ReturnType<typeof setInterval>;
  #connectedOnce = false;

  constructor(queue: BullMqJobQueue, local: WorkerPool | undefined) {
    this.#queue = queue;
    this.#local = local;
    this.ready = local ? local.ready : queue.ping().then(() => undefined);
    this.#timer = setInterval(() => void queue.ping().then((ok) => (this.#connectedOnce ||= ok)), PING_EVERY_MS);
    this.#timer.unref();
    void queue.ping().then((ok) => (this.#connectedOnce ||= ok));
  }

  get size(): number {
    return this.#local?.size ?? 1;
  }
  get isReady(): boolean {
    return (this.#local ? this.#local.isReady : true) && this.#queue.connected;
  }
  get everReady(): boolean {
    return this.#local ? this.#local.everReady : this.#connectedOnce || this.#queue.connected;
  }
  get readyWorkers(): number {
    return this.#local ? this.#local.readyWorkers : this.#queue.connected ? 1 : 0;
  }
  get running(): number {
    return this.#local?.running ?? 0;
  }
  get retiring(): number {
    return this.#local?.retiring ?? 0;
  }
  get recycled(): number {
    return this.#local?.recycled ?? 0;
  }
  get waiting(): number {
    return this.#local?.waiting ?? 0;
  }
  get info(): WorkerPool['info'] {
    return this.#local?.info;
  }
  get loadError(): WorkerPool['loadError'] {
    return this.#local?.loadError;
  }

  run(input: Uint8Array | GuardedImage, options: PortraitOptionsInput, signal?: AbortSignal): Promise<PortraitJobResult> {
    // Only the bytes go through Redis: the worker process reads the header itself.
    return this.#queue.run(isGuardedImage(input) ? input.bytes : input, options, signal);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
