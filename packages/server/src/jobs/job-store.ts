import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiPath } from '../routes/api-prefix.js';
import { isStorageError, StorageError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ResultStore } from '../store/result-store.js';
import { isJobId } from './job-id.js';

/**
 * Results on disk, so that they survive a restart and downloads never depend on memory:
 *
 *   <output>/<job_id>/portrait.png, portrait.jpg, result.json          (single image)
 *   <output>/<job_id>/batch.json + <index>/portrait.png, … per item    (batch)
 *
 * A job is written into a hidden temporary folder and renamed into place, so a reader sees a
 * whole job or none. Paths are built only from validated ids, item numbers and fixed names.
 */
export type DownloadFormat = 'png' | 'jpg';

export interface StoredPortrait {
  readonly png: Uint8Array;
  readonly jpeg: Uint8Array;
  /** What result.json holds (the JSON the API answered, without base64 images). */
  readonly result: unknown;
}

export interface BatchItemToStore {
  /** Absent for a failed item: its folder then holds only result.json with the error. */
  readonly portrait?: StoredPortrait;
  readonly result: unknown;
}

export interface Download {
  readonly stream: Readable;
  readonly size: number;
  readonly contentType: string;
  /** A safe file name for Content-Disposition. */
  readonly fileName: string;
}

export class JobNotFoundError extends Error {
  constructor(message = 'No job with this id') {
    super(message);
    this.name = 'JobNotFoundError';
  }
}

const FILES: Readonly<Record<DownloadFormat, { name: string; type: string }>> = {
  png: { name: 'portrait.png', type: 'image/png' },
  jpg: { name: 'portrait.jpg', type: 'image/jpeg' },
};
const TEMP_PREFIX = '.tmp-';
/** Inputs of queued jobs (FACECRAFT_QUEUE=bullmq on one machine); not a job id, so cleanup's listing skips it. */
const INPUTS_DIR = '.inputs';
const MAX_BATCH_ITEMS = 10_000;

export class JobStore {
  readonly kind = 'fs' as const;
  readonly dir: string;
  readonly #logger: Logger;
  /** Downloads streaming now, per job: cleanup leaves these jobs alone. */
  readonly #active = new Map<string, number>();
  /** Jobs being deleted: new downloads of them are refused. */
  readonly #deleting = new Set<string>();

  constructor(dir: string, logger: Logger) {
    this.dir = path.resolve(dir);
    this.#logger = logger;
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  #jobDir(id: string): string {
    if (!isJobId(id)) throw new JobNotFoundError();
    return path.join(this.dir, id);
  }

  async #writeAtomically(id: string, fill: (dir: string) => Promise<void>): Promise<void> {
    const target = this.#jobDir(id);
    const temp = path.join(this.dir, `${TEMP_PREFIX}${id}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(temp, { recursive: true });
      await fill(temp);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw isStorageError(error) ? new StorageError('results', error) : error;
    }
  }

  static async #writePortrait(dir: string, portrait: StoredPortrait): Promise<void> {
    await Promise.all([
      writeFile(path.join(dir, FILES.png.name), portrait.png),
      writeFile(path.join(dir, FILES.jpg.name), portrait.jpeg),
      writeFile(path.join(dir, 'result.json'), `${JSON.stringify(portrait.result, null, 2)}\n`),
    ]);
  }

  async saveSingle(id: string, portrait: StoredPortrait): Promise<void> {
    await this.#writeAtomically(id, (dir) => JobStore.#writePortrait(dir, portrait));
  }

  /**
   * Stores a batch item by item: an item whose files cannot be written (a full disk) is left out
   * and reported in the returned map, the others are kept. `summarize` gets those failures and
   * returns batch.json's content, written last; if even that cannot be written the batch is lost
   * and a StorageError is thrown.
   */
  async saveBatch(id: string, items: readonly BatchItemToStore[], summarize: (unsaved: ReadonlyMap<number, StorageError>) => unknown): Promise<ReadonlyMap<number, StorageError>> {
    if (items.length > MAX_BATCH_ITEMS) throw new RangeError(`A batch holds at most ${MAX_BATCH_ITEMS} items`);
    const unsaved = new Map<number, StorageError>();
    await this.#writeAtomically(id, async (dir) => {
      // One after another: on a filling disk the earlier items get the room.
      for (const [index, item] of items.entries()) {
        const itemDir = path.join(dir, String(index));
        try {
          await mkdir(itemDir);
          if (item.portrait) await JobStore.#writePortrait(itemDir, item.portrait);
          else await writeFile(path.join(itemDir, 'result.json'), `${JSON.stringify(item.result, null, 2)}\n`);
        } catch (error) {
          if (!isStorageError(error)) throw error;
          unsaved.set(index, new StorageError('results', error));
          await rm(itemDir, { recursive: true, force: true });
        }
      }
      await writeFile(path.join(dir, 'batch.json'), `${JSON.stringify(summarize(unsaved), null, 2)}\n`);
    });
    return unsaved;
  }

  /**
   * One item of a batch made item by item (the bullmq queue's flow): written into a temporary
   * folder inside the job's and renamed into place, replacing an earlier try.
   */
  async saveItem(id: string, index: number, item: BatchItemToStore): Promise<void> {
    const target = this.#itemDir(id, index);
    const temp = path.join(this.#jobDir(id), `${TEMP_PREFIX}${index}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(temp, { recursive: true });
      if (item.portrait) await JobStore.#writePortrait(temp, item.portrait);
      else await writeFile(path.join(temp, 'result.json'), `${JSON.stringify(item.result, null, 2)}\n`);
      await rm(target, { recursive: true, force: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw isStorageError(error) ? new StorageError('results', error) : error;
    }
  }

  /** batch.json of a batch made item by item, renamed into place whole. */
  async saveBatchSummary(id: string, summary: unknown): Promise<void> {
    const dir = this.#jobDir(id);
    const temp = path.join(dir, `${TEMP_PREFIX}batch-${randomBytes(4).toString('hex')}.json`);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(temp, `${JSON.stringify(summary, null, 2)}\n`);
      await rename(temp, path.join(dir, 'batch.json'));
    } catch (error) {
      await rm(temp, { force: true });
      throw isStorageError(error) ? new StorageError('results', error) : error;
    }
  }

  /** The stored result.json of a job (or of one batch item). */
  async readResult(id: string, index?: number): Promise<unknown> {
    const dir = this.#itemDir(id, index);
    try {
      return JSON.parse(await readFile(path.join(dir, index === undefined && (await this.isBatch(id)) ? 'batch.json' : 'result.json'), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new JobNotFoundError();
      throw error;
    }
  }

  async isBatch(id: string): Promise<boolean> {
    return stat(path.join(this.#jobDir(id), 'batch.json')).then(
      () => true,
      () => false,
    );
  }

  #itemDir(id: string, index: number | undefined): string {
    const dir = this.#jobDir(id);
    if (index === undefined) return dir;
    if (!Number.isInteger(index) || index < 0 || index >= MAX_BATCH_ITEMS) throw new JobNotFoundError('No such item in this job');
    return path.join(dir, String(index));
  }

  /**
   * Opens a result for streaming. The job counts as being downloaded from before the file is
   * opened until the stream closes, so cleanup cannot remove it mid-download.
   */
  async openDownload(id: string, format: DownloadFormat, index?: number): Promise<Download> {
    const dir = this.#itemDir(id, index);
    if (this.#deleting.has(id)) throw new JobNotFoundError();
    this.#active.set(id, (this.#active.get(id) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.#active.get(id) ?? 1) - 1;
      if (left > 0) this.#active.set(id, left);
      else this.#active.delete(id);
    };
    try {
      if (index === undefined && (await this.isBatch(id))) {
        throw new JobNotFoundError(`This is a batch job: download its items at ${apiPath('/download/{job_id}/{index}/{format}')}`);
      }
      const handle = await open(path.join(dir, FILES[format].name), 'r').catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        const exists = await stat(dir).then(() => true, () => false);
        if (exists) throw new JobNotFoundError(index !== undefined ? `Item ${index} of this job has no result (it failed)` : 'This job has no such file');
        // The job is there but not this item: say so, rather than that the job does not exist.
        if (index !== undefined && (await stat(this.#jobDir(id)).then(() => true, () => false))) {
          throw new JobNotFoundError((await this.isBatch(id)) ? `This batch job has no item ${index}` : `This job is not a batch job: download it at ${apiPath('/download/{job_id}/{format}')}`);
        }
        throw new JobNotFoundError();
      });
      const { size } = await handle.stat().catch(async (error) => {
        await handle.close();
        throw error;
      });
      const stream = handle.createReadStream();
      stream.once('close', release);
      const suffix = index === undefined ? '' : `-${index}`;
      return { stream, size, contentType: FILES[format].type, fileName: `portrait-${id}${suffix}.${format}` };
    } catch (error) {
      release();
      throw error;
    }
  }

  async putInput(id: string, bytes: Uint8Array): Promise<void> {
    const dir = path.join(this.dir, INPUTS_DIR);
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, path.basename(this.#jobDir(id))), bytes);
    } catch (error) {
      throw isStorageError(error) ? new StorageError('uploads', error) : error;
    }
  }

  async getInput(id: string): Promise<Uint8Array> {
    const buffer = await readFile(path.join(this.dir, INPUTS_DIR, path.basename(this.#jobDir(id)))).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new JobNotFoundError('The input of this job is gone') : error;
    });
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  async deleteInput(id: string): Promise<void> {
    await rm(path.join(this.dir, INPUTS_DIR, path.basename(this.#jobDir(id))), { force: true });
  }

  isDownloading(id: string): boolean {
    return this.#active.has(id);
  }

  /** Deletes a job; false when there is none. A download already streaming keeps its open file. */
  async delete(id: string): Promise<boolean> {
    const dir = this.#jobDir(id);
    if (this.#deleting.has(id)) return false;
    // Marked before the first await: a download that starts from now on is refused.
    this.#deleting.add(id);
    try {
      const exists = await stat(dir).then((s) => s.isDirectory(), () => false);
      if (!exists) return false;
      await rm(dir, { recursive: true, force: true });
      return true;
    } finally {
      this.#deleting.delete(id);
    }
  }

  /**
   * Removes jobs whose folder was last modified more than `maxAgeMs` ago, except those being
   * downloaded, plus temporary folders left by a crash (after an hour). Anything else in the folder is left alone.
   */
  async cleanup(maxAgeMs: number, now = Date.now(), options: { tempAgeMs?: number } = {}): Promise<{ removed: string[]; skippedActive: string[] }> {
    const removed: string[] = [];
    const skippedActive: string[] = [];
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { removed, skippedActive };
      throw error;
    }
    for (const name of names) {
      const isTemp = name.startsWith(TEMP_PREFIX) && isJobId(name.slice(TEMP_PREFIX.length, TEMP_PREFIX.length + 36));
      if (!isJobId(name) && !isTemp) continue;
      const full = path.join(this.dir, name);
      const info = await stat(full).catch(() => undefined);
      // A temporary folder older than an hour is a write that died with its process.
      const limit = isTemp ? (options.tempAgeMs ?? Math.min(maxAgeMs, 3_600_000)) : maxAgeMs;
      if (!info?.isDirectory() || (!isTemp && maxAgeMs <= 0) || now - info.mtimeMs <= limit) continue;
      if (isTemp) {
        await rm(full, { recursive: true, force: true });
        continue;
      }
      // Checked and marked in the same turn of the event loop as the decision, so a download
      // cannot start in between: it either registered before (skip) or sees #deleting (404).
      if (this.#active.has(name)) {
        skippedActive.push(name);
        continue;
      }
      if (this.#deleting.has(name)) continue;
      this.#deleting.add(name);
      try {
        await rm(full, { recursive: true, force: true });
        removed.push(name);
      } catch (error) {
        this.#logger.warn('could not remove an old job', { job_id: name, error: (error as Error).message });
      } finally {
        this.#deleting.delete(name);
      }
    }
    if (removed.length > 0 || skippedActive.length > 0) this.#logger.info('cleanup', { removed: removed.length, kept_downloading: skippedActive.length });
    return { removed, skippedActive };
  }
}

/**
 * Runs cleanup at start-up and then periodically: every quarter of the age limit, between one
 * minute and one hour. Returns a function that stops it.
 */
export function scheduleCleanup(store: Pick<ResultStore, 'cleanup'>, maxAgeMs: number, logger: Logger): () => void {
  if (maxAgeMs <= 0) return () => {};
  const run = () =>
    store.cleanup(maxAgeMs).catch((error: Error) => {
      logger.warn('cleanup failed', { error: error.message });
    });
  void run();
  const every = Math.min(3_600_000, Math.max(60_000, maxAgeMs / 4));
  const timer = setInterval(run, every);
  timer.unref();
  return () => clearInterval(timer);
}
