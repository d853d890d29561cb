import { Readable } from 'node:stream';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { CodedError } from '@facecraft/core';
import type { S3Settings } from '../config.js';
import type { StorageError } from '../errors.js';
import { isJobId } from '../jobs/job-id.js';
import { apiPath } from '../routes/api-prefix.js';
import type { Logger } from '../logger.js';
import { JobNotFoundError, type BatchItemToStore, type Download, type DownloadFormat, type ResultStore, type StoredPortrait } from './result-store.js';

/**
 * Results and queued inputs in an S3-compatible bucket, the same layout as the fs store:
 *
 *   inputs/<job_id>                                          the uploaded photo while queued
 *   results/<job_id>/portrait.png, portrait.jpg, result.json (single image)
 *   results/<job_id>/batch.json + <index>/…                  (batch)
 *
 * Keys are fixed per job id, so a job that is retried (its worker died) overwrites its own
 * objects. result.json / batch.json are written last: a job whose JSON exists is whole.
 */
const FILES: Readonly<Record<DownloadFormat, { name: string; type: string }>> = {
  png: { name: 'portrait.png', type: 'image/png' },
  jpg: { name: 'portrait.jpg', type: 'image/jpeg' },
};
const MAX_BATCH_ITEMS = 10_000;
/** How long a presigned download URL is valid. */
const PRESIGNED_URL_S = 300;

function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** The bucket could not be reached or refused us: the server's trouble, retryable. */
function storageUnavailable(error: unknown): CodedError {
  if (error instanceof CodedError) return error;
  return new CodedError('storage_unavailable', `S3 store: ${(error as Error).name}: ${(error as Error).message}`, undefined, { cause: error });
}

export function s3ClientConfig(settings: S3Settings): S3ClientConfig {
  return {
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.accessKeyId && settings.secretAccessKey ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } } : {}),
    // The SDK retries throttling and 5xx itself; a few tries, then the job's own retry takes over.
    maxAttempts: 3,
  };
}

export class S3ResultStore implements ResultStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly #presigned: boolean;
  readonly #client: S3Client;
  readonly #logger: Logger;

  constructor(settings: S3Settings, logger: Logger, client?: S3Client) {
    this.bucket = settings.bucket;
    this.#presigned = settings.presignedDownloads;
    this.#client = client ?? new S3Client(s3ClientConfig(settings));
    this.#logger = logger;
  }

  /** Checks the bucket answers, so a wrong endpoint or key fails at start-up, not on the first job. */
  async init(): Promise<void> {
    try {
      await this.#client.send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1 }));
    } catch (error) {
      throw new Error(`FACECRAFT_S3_BUCKET: bucket ${JSON.stringify(this.bucket)} cannot be listed (${(error as Error).name}: ${(error as Error).message})`);
    }
  }

  close(): void {
    this.#client.destroy();
  }

  #prefix(id: string): string {
    if (!isJobId(id)) throw new JobNotFoundError();
    return `results/${id}/`;
  }

  #itemPrefix(id: string, index: number | undefined): string {
    const prefix = this.#prefix(id);
    if (index === undefined) return prefix;
    if (!Number.isInteger(index) || index < 0 || index >= MAX_BATCH_ITEMS) throw new JobNotFoundError('No such item in this job');
    return `${prefix}${index}/`;
  }

  async #put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    try {
      await this.#client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (error) {
      throw storageUnavailable(error);
    }
  }

  async #getText(key: string): Promise<string | undefined> {
    try {
      const answer = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await answer.Body!.transformToString('utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw storageUnavailable(error);
    }
  }

  async #exists(key: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw storageUnavailable(error);
    }
  }

  async #writePortrait(prefix: string, portrait: StoredPortrait): Promise<void> {
    await Promise.all([this.#put(`${prefix}${FILES.png.name}`, portrait.png, FILES.png.type), this.#put(`${prefix}${FILES.jpg.name}`, portrait.jpeg, FILES.jpg.type)]);
    await this.#put(`${prefix}result.json`, `${JSON.stringify(portrait.result, null, 2)}\n`, 'application/json');
  }

  async saveSingle(id: string, portrait: StoredPortrait): Promise<void> {
    await this.#writePortrait(this.#prefix(id), portrait);
  }

  async saveBatch(id: string, items: readonly BatchItemToStore[], summarize: (unsaved: ReadonlyMap<number, StorageError>) => unknown): Promise<ReadonlyMap<number, StorageError>> {
    if (items.length > MAX_BATCH_ITEMS) throw new RangeError(`A batch holds at most ${MAX_BATCH_ITEMS} items`);
    const prefix = this.#prefix(id);
    for (const [index, item] of items.entries()) {
      if (item.portrait) await this.#writePortrait(`${prefix}${index}/`, item.portrait);
      else await this.#put(`${prefix}${index}/result.json`, `${JSON.stringify(item.result, null, 2)}\n`, 'application/json');
    }
    const unsaved = new Map<number, StorageError>();
    await this.#put(`${prefix}batch.json`, `${JSON.stringify(summarize(unsaved), null, 2)}\n`, 'application/json');
    return unsaved;
  }

  async saveItem(id: string, index: number, item: BatchItemToStore): Promise<void> {
    const prefix = this.#itemPrefix(id, index);
    if (item.portrait) await this.#writePortrait(prefix, item.portrait);
    else await this.#put(`${prefix}result.json`, `${JSON.stringify(item.result, null, 2)}\n`, 'application/json');
  }

  async saveBatchSummary(id: string, summary: unknown): Promise<void> {
    await this.#put(`${this.#prefix(id)}batch.json`, `${JSON.stringify(summary, null, 2)}\n`, 'application/json');
  }

  async readResult(id: string, index?: number): Promise<unknown> {
    const prefix = this.#itemPrefix(id, index);
    const text = (index === undefined ? await this.#getText(`${prefix}batch.json`) : undefined) ?? (await this.#getText(`${prefix}result.json`));
    if (text === undefined) throw new JobNotFoundError();
    return JSON.parse(text);
  }

  async openDownload(id: string, format: DownloadFormat, index?: number): Promise<Download> {
    const prefix = this.#itemPrefix(id, index);
    if (index === undefined && (await this.#exists(`${prefix}batch.json`))) {
      throw new JobNotFoundError(`This is a batch job: download its items at ${apiPath('/download/{job_id}/{index}/{format}')}`);
    }
    try {
      const answer = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${prefix}${FILES[format].name}` }));
      const suffix = index === undefined ? '' : `-${index}`;
      return { stream: answer.Body as Readable, size: answer.ContentLength ?? 0, contentType: FILES[format].type, fileName: `portrait-${id}${suffix}.${format}` };
    } catch (error) {
      if (!isMissing(error)) throw storageUnavailable(error);
      if (index !== undefined && (await this.#exists(`${prefix}result.json`))) throw new JobNotFoundError(`Item ${index} of this job has no result (it failed)`);
      throw new JobNotFoundError();
    }
  }

  async presignedDownloadUrl(id: string, format: DownloadFormat, index?: number): Promise<string | undefined> {
    if (!this.#presigned) return undefined;
    const prefix = this.#itemPrefix(id, index);
    const key = `${prefix}${FILES[format].name}`;
    if (!(await this.#exists(key))) {
      // The same answers as a streamed download for what is not there (a batch, a failed item).
      (await this.openDownload(id, format, index)).stream.destroy();
      return undefined;
    }
    const suffix = index === undefined ? '' : `-${index}`;
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ResponseContentType: FILES[format].type,
      ResponseContentDisposition: `attachment; filename="portrait-${id}${suffix}.${format}"`,
    });
    try {
      return await getSignedUrl(this.#client, command, { expiresIn: PRESIGNED_URL_S });
    } catch (error) {
      throw storageUnavailable(error);
    }
  }

  /** Every key under a prefix with its age, page by page. */
  async *#list(prefix: string): AsyncGenerator<{ key: string; modified: number }> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      } catch (error) {
        throw storageUnavailable(error);
      }
      for (const object of page.Contents ?? []) if (object.Key) yield { key: object.Key, modified: object.LastModified?.getTime() ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async #deleteKeys(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      try {
        await this.#client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
      } catch (error) {
        throw storageUnavailable(error);
      }
    }
  }

  async delete(id: string): Promise<boolean> {
    const keys: string[] = [];
    for await (const { key } of this.#list(this.#prefix(id))) keys.push(key);
    if (keys.length === 0) return false;
    await this.#deleteKeys(keys);
    return true;
  }

  /** Jobs (and left-over inputs) whose newest object is older than maxAgeMs are deleted. */
  async cleanup(maxAgeMs: number, now = Date.now()): Promise<{ removed: string[]; skippedActive: string[] }> {
    const removed: string[] = [];
    if (maxAgeMs <= 0) return { removed, skippedActive: [] };
    const jobs = new Map<string, { keys: string[]; newest: number }>();
    for (const top of ['results/', 'inputs/']) {
      for await (const { key, modified } of this.#list(top)) {
        const id = key.slice(top.length).split('/')[0];
        if (!isJobId(id)) continue;
        const job = jobs.get(`${top}${id}`) ?? { keys: [], newest: 0 };
        job.keys.push(key);
        job.newest = Math.max(job.newest, modified);
        jobs.set(`${top}${id}`, job);
      }
    }
    const old = [...jobs].filter(([, job]) => now - job.newest > maxAgeMs);
    await this.#deleteKeys(old.flatMap(([, job]) => job.keys));
    for (const [name] of old) if (name.startsWith('results/')) removed.push(name.slice('results/'.length));
    if (old.length > 0) this.#logger.info('cleanup', { removed: removed.length, store: 's3' });
    return { removed, skippedActive: [] };
  }

  #inputKey(id: string): string {
    if (!isJobId(id)) throw new JobNotFoundError();
    return `inputs/${id}`;
  }

  async putInput(id: string, bytes: Uint8Array): Promise<void> {
    await this.#put(this.#inputKey(id), bytes, 'application/octet-stream');
  }

  async getInput(id: string): Promise<Uint8Array> {
    try {
      const answer = await this.#client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.#inputKey(id) }));
      return await answer.Body!.transformToByteArray();
    } catch (error) {
      if (isMissing(error)) throw new JobNotFoundError('The input of this job is gone');
      throw storageUnavailable(error);
    }
  }

  async deleteInput(id: string): Promise<void> {
    await this.#deleteKeys([this.#inputKey(id)]);
  }
}
