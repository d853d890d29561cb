import { CodedError, deserializeError, serializeError, type PortraitOptionsInput, type SerializedError } from '@facecraft/core';
import type { FlowProducer, Job, JobsOptions } from 'bullmq';
import { newJobId } from '../jobs/job-id.js';
import { batchItemResult, batchSummary, withoutBase64 } from '../routes/portrait-response.js';
import type { ResultStore } from '../store/result-store.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './bullmq-connection.js';
import { decodeJobError, type PortraitJobOutcome } from './job-queue.js';
import type { RunPortrait } from './portrait-job.js';

/**
 * A batch on the bullmq queue is a BullMQ flow: a parent job (the batch's id) with one child per
 * image. Children run on any worker and store their item under results/<batch>/<index>/; when
 * the last one has completed or finally failed, a worker runs the parent, which writes batch.json.
 */
export interface BatchItemJobData {
  /** The store key of the child's input. */
  readonly input: string;
  readonly options: PortraitOptionsInput;
  readonly batch: { readonly id: string; readonly index: number; readonly filename: string };
}

export interface BatchParentData {
  readonly kind: 'batch';
  readonly filenames: readonly string[];
  /** Child job id per index; undefined where the API refused the file before queueing it. */
  readonly children: readonly (string | undefined)[];
  /** Errors of the files refused by the API (not images), by index. */
  readonly refused: Readonly<Record<number, SerializedError>>;
}

export interface BatchFile {
  readonly filename: string;
  /** Reads and checks the upload; what it throws (not an image, too large) becomes the item's error. */
  readonly load: () => Promise<Uint8Array>;
}

/**
 * Puts the inputs in the store one at a time (a batch never holds more than one image in
 * memory) and adds the flow; resolves once it is safely on Redis.
 */
export async function addBatchFlow(flows: FlowProducer, store: ResultStore, id: string, files: readonly BatchFile[], options: PortraitOptionsInput, jobOptions: JobsOptions): Promise<void> {
  const children: (string | undefined)[] = [];
  const refused: Record<number, SerializedError> = {};
  for (const [index, file] of files.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = await file.load();
    } catch (error) {
      refused[index] = serializeError(error);
      children.push(undefined);
      continue;
    }
    const child = newJobId();
    await store.putInput(child, bytes);
    children.push(child);
  }
  const parent: BatchParentData = { kind: 'batch', filenames: files.map((f) => f.filename), children, refused };
  await flows.add({
    name: 'batch',
    queueName: QUEUE_NAME,
    prefix: QUEUE_PREFIX,
    data: parent,
    opts: { ...jobOptions, jobId: id },
    children: files.flatMap((file, index) => {
      const child = children[index];
      if (!child) return [];
      const data: BatchItemJobData = { input: child, options, batch: { id, index, filename: file.filename } };
      // A child that fails for good leaves its error to the parent instead of failing it.
      return [{ name: 'portrait', queueName: QUEUE_NAME, prefix: QUEUE_PREFIX, data, opts: { ...jobOptions, jobId: child, ignoreDependencyOnFailure: true } }];
    }),
  });
}

/** A child: the image made and stored as its batch's item (its fixed place: a retry overwrites). */
export async function makeBatchItem(run: RunPortrait, store: ResultStore, data: BatchItemJobData, bytes: Uint8Array, progress: (percent: number) => Promise<void>): Promise<PortraitJobOutcome> {
  await progress(20);
  const job = await run(bytes, data.options);
  await progress(90);
  const result = withoutBase64(batchItemResult(data.batch.id, { index: data.batch.index, filename: data.batch.filename, job }, false));
  await store.saveItem(data.batch.id, data.batch.index, { portrait: { png: job.png, jpeg: job.jpeg, result }, result });
  await progress(100);
  return { report: job.report, ms: job.ms };
}

/** The parent, once every child has ended: failed items' result.json, then batch.json. */
export async function finishBatch(job: Job<BatchParentData>, store: ResultStore): Promise<unknown> {
  const id = job.id!;
  const idOfKey = (key: string) => key.slice(key.lastIndexOf(':') + 1);
  const values = new Map(Object.entries(await job.getChildrenValues<PortraitJobOutcome>()).map(([key, value]) => [idOfKey(key), value]));
  const failures = new Map(Object.entries(await job.getIgnoredChildrenFailures()).map(([key, reason]) => [idOfKey(key), reason]));
  const results = [];
  for (const [index, filename] of job.data.filenames.entries()) {
    const child = job.data.children[index];
    const refused = job.data.refused[index];
    const outcome = child ? values.get(child) : undefined;
    const error = refused ? deserializeError(refused) : child && failures.has(child) ? decodeJobError(failures.get(child)) : outcome ? undefined : new CodedError('internal_error', `Batch item ${index} ended without a result`);
    const result = withoutBase64(batchItemResult(id, { index, filename, ...(outcome ? { job: outcome } : { error }) }, false));
    if (!outcome) await store.saveItem(id, index, { result });
    results.push(result);
  }
  const summary = batchSummary(id, results, Date.now() - job.timestamp);
  await store.saveBatchSummary(id, summary);
  return summary;
}
