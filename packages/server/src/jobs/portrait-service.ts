import { readFile } from 'node:fs/promises';
import { DEFAULT_PORTRAIT_OPTIONS, FacecraftError, guardImage, InvalidImageError, sniffImageFormat, type GuardedImage, type ImageFormat, type PortraitOptionsInput } from '@facecraft/core';
import { HttpError, unavailable } from '../errors.js';
import type { Logger } from '../logger.js';
import type { UploadedFile } from '../middleware/multipart.js';
import type { PortraitJobResult, PoolView } from '../workers/worker-pool.js';
import type { JobLimiter } from './job-limiter.js';
import type { Statistics } from './statistics.js';

/** Formats the pipeline decodes here (sharp: no HEVC, so no HEIC; BMP by the core's own decoder). */
const SUPPORTED_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'webp', 'bmp', 'gif', 'tiff', 'avif']);
const DEFAULT_JOB_MS = 3000;

export interface InspectedImage {
  readonly bytes: Uint8Array;
  /** The decode guard made here: hand it to `process` so that the header is not read again. */
  readonly guard: GuardedImage;
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

/**
 * Between the routes and the worker pool: readiness, admission (503 with Retry-After when the
 * service is full), the cheap checks on the main thread (magic bytes → 415, declared pixels →
 * 413, before any decoder runs) and the statistics.
 */
export class PortraitService {
  readonly #pool: PoolView;
  readonly #limiter: JobLimiter;
  readonly #stats: Statistics;
  readonly #logger: Logger;
  #stopping = false;

  constructor(deps: { pool: PoolView; limiter: JobLimiter; stats: Statistics; logger: Logger }) {
    this.#pool = deps.pool;
    this.#limiter = deps.limiter;
    this.#stats = deps.stats;
    this.#logger = deps.logger;
  }

  get stopping(): boolean {
    return this.#stopping;
  }

  /** From now on new work is refused with 503 (graceful shutdown); work already admitted finishes. */
  stop(): void {
    this.#stopping = true;
  }

  /** Seconds until a place is likely to free up: the mean job time × the jobs ahead per worker. */
  retryAfterSeconds(): number {
    const jobMs = this.#stats.recentAverageMs ?? DEFAULT_JOB_MS;
    return Math.max(1, Math.ceil((jobMs * Math.ceil((this.#limiter.inUse + 1) / this.#pool.size)) / 1000));
  }

  /** Before reading an upload: refuse at once when not ready, stopping or full. */
  assertAccepting(): void {
    if (this.#stopping) throw unavailable('shutting_down', 'The server is shutting down', 5);
    // Before the first load completes there is nothing to wait for; after it, a job waits in the
    // queue while a crashed worker is replaced.
    if (!this.#pool.everReady || (this.#pool.loadError && this.#pool.readyWorkers === 0)) {
      if (this.#pool.loadError) throw unavailable('not_ready', 'The models could not be loaded; see the server log', 60);
      throw unavailable('not_ready', 'The models are still loading', 5);
    }
    if (this.#limiter.available === 0) {
      this.#stats.recordRejection();
      throw this.#busy();
    }
  }

  #busy(): HttpError {
    return unavailable('server_busy', `The server is busy (${this.#limiter.capacity} images in progress); retry later`, this.retryAfterSeconds());
  }

  /** Reads an uploaded file and checks it is an image we can decode and not too large. */
  async readImage(file: UploadedFile): Promise<InspectedImage> {
    // A view, not a copy: readFile's buffer is the file's own, so the pool can transfer it.
    const buffer = await readFile(file.path);
    return this.inspect(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength));
  }

  inspect(bytes: Uint8Array): InspectedImage {
    if (bytes.length === 0) throw new InvalidImageError('The file is empty (0 bytes)');
    const format = sniffImageFormat(bytes);
    if (format === null || !SUPPORTED_FORMATS.has(format)) {
      throw new InvalidImageError(
        format === null
          ? 'Not a supported image: the file does not start like a JPEG, PNG, WebP, BMP, TIFF, GIF or AVIF'
          : `${format.toUpperCase()} images cannot be decoded by this server; send JPEG, PNG, WebP, BMP, TIFF, GIF or AVIF`,
        format === null ? undefined : { format },
      );
    }
    // The decode guard, with the format sniffed above: the header is read and the limit checked here, once in this thread.
    const guard = guardImage(bytes, { maxPixels: DEFAULT_PORTRAIT_OPTIONS.maxPixels }, format);
    return { bytes, guard, format, width: guard.header.displaySize.width, height: guard.header.displaySize.height };
  }

  /** Counts an image that failed before it reached a worker (bad bytes). */
  recordRefusedImage(): void {
    this.#stats.recordFailure();
  }

  /** One image on a worker, inside one admission place. */
  async process(bytes: Uint8Array | GuardedImage, options: PortraitOptionsInput, signal?: AbortSignal): Promise<PortraitJobResult> {
    if (this.#stopping) throw unavailable('shutting_down', 'The server is shutting down', 5);
    if (!this.#limiter.tryAcquire()) {
      this.#stats.recordRejection();
      throw this.#busy();
    }
    try {
      return await this.#run(bytes, options, signal);
    } finally {
      this.#limiter.release();
    }
  }

  /**
   * Several images through as many admission places as are free now (at least one, else 503):
   * each item resolves to its result or its own error, in input order.
   */
  async processMany<T>(items: readonly T[], work: (item: T, run: (bytes: Uint8Array | GuardedImage, options: PortraitOptionsInput) => Promise<PortraitJobResult>) => Promise<void>): Promise<void> {
    if (items.length === 0) return;
    if (this.#stopping) throw unavailable('shutting_down', 'The server is shutting down', 5);
    const lanes = this.#limiter.tryAcquireUpTo(items.length);
    if (lanes === 0) {
      this.#stats.recordRejection();
      throw this.#busy();
    }
    let next = 0;
    const run = (bytes: Uint8Array | GuardedImage, options: PortraitOptionsInput) => this.#run(bytes, options);
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        try {
          while (next < items.length) await work(items[next++], run);
        } finally {
          this.#limiter.release();
        }
      }),
    );
  }

  async #run(bytes: Uint8Array | GuardedImage, options: PortraitOptionsInput, signal?: AbortSignal): Promise<PortraitJobResult> {
    try {
      const result = await this.#pool.run(bytes, options, signal);
      this.#stats.recordSuccess(result.ms);
      return result;
    } catch (error) {
      if (!signal?.aborted) this.#stats.recordFailure();
      if (!(error instanceof FacecraftError)) this.#logger.debug('job failed', { error: (error as Error).message });
      throw error;
    }
  }
}
