import type { StorageError } from '../errors.js';
import type { BatchItemToStore, Download, DownloadFormat, StoredPortrait } from '../jobs/job-store.js';

export type { BatchItemToStore, Download, DownloadFormat, StoredPortrait } from '../jobs/job-store.js';
export { JobNotFoundError } from '../jobs/job-store.js';

/**
 * Where jobs' inputs and results live: the local folder (fs, JobStore) or an S3 bucket. Every
 * role reads and writes through this, so API replicas and workers on other machines see the
 * same jobs. Results go to fixed names per job id: a job run twice overwrites, never duplicates.
 */
export interface ResultStore {
  readonly kind: 'fs' | 's3';
  init(): Promise<void>;
  saveSingle(id: string, portrait: StoredPortrait): Promise<void>;
  saveBatch(id: string, items: readonly BatchItemToStore[], summarize: (unsaved: ReadonlyMap<number, StorageError>) => unknown): Promise<ReadonlyMap<number, StorageError>>;
  /** One item of a batch whose items are made apart (a BullMQ flow): written to the item's fixed place, replacing a try before. */
  saveItem(id: string, index: number, item: BatchItemToStore): Promise<void>;
  /** batch.json of such a batch, written once its items are: the batch is whole from then on. */
  saveBatchSummary(id: string, summary: unknown): Promise<void>;
  /** result.json of a job or item (batch.json for a whole batch); JobNotFoundError when absent. */
  readResult(id: string, index?: number): Promise<unknown>;
  openDownload(id: string, format: DownloadFormat, index?: number): Promise<Download>;
  delete(id: string): Promise<boolean>;
  cleanup(maxAgeMs: number, now?: number, options?: { tempAgeMs?: number }): Promise<{ removed: string[]; skippedActive: string[] }>;
  /** The uploaded photo of a queued job: the queue message carries only its key. */
  putInput(id: string, bytes: Uint8Array): Promise<void>;
  getInput(id: string): Promise<Uint8Array>;
  deleteInput(id: string): Promise<void>;
  /**
   * A URL the client may fetch the file from directly (a presigned S3 URL), when the store is set
   * to hand those out; undefined: stream it with openDownload. JobNotFoundError when absent.
   */
  presignedDownloadUrl?(id: string, format: DownloadFormat, index?: number): Promise<string | undefined>;
}

/** Reads a download into memory (the sync endpoints hand a remote job's images back this way). */
export async function readDownload(store: ResultStore, id: string, format: DownloadFormat, index?: number): Promise<Uint8Array> {
  const download = await store.openDownload(id, format, index);
  const chunks: Buffer[] = [];
  for await (const chunk of download.stream) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}
