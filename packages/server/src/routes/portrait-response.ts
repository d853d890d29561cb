import type { PortraitReport } from '@facecraft/core';
import { mapError } from '../errors.js';
import { apiPath } from './api-prefix.js';
import type { PortraitJobResult } from '../workers/worker-pool.js';

/** camelCase keys → snake_case, all the way down (the API keeps the original's snake_case). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)]));
}

export const downloadUrl = (jobId: string, format: 'png' | 'jpg', index?: number) =>
  apiPath(index === undefined ? `/download/${jobId}/${format}` : `/download/${jobId}/${index}/${format}`);

/**
 * Everything a client may want to know about one portrait, in snake_case: the original service's
 * `result` block (face_detected, face_count, face_position, output_size, file_size_bytes) and the
 * full report of the new pipeline beside it (faces, landmarks, metrics, jpeg, timings, backend…).
 */
export function portraitFields(report: PortraitReport, jobResultMs: number) {
  const subject = report.faces[report.subjectIndex];
  const { options, ...rest } = report;
  return {
    result: {
      face_detected: report.faceCount > 0,
      face_count: report.faceCount,
      face_position: subject
        ? { x: Math.round(subject.box.x), y: Math.round(subject.box.y), width: Math.round(subject.box.width), height: Math.round(subject.box.height) }
        : null,
      output_size: { width: report.width, height: report.height },
      file_size_bytes: report.jpeg.bytes,
    },
    jpeg_quality: report.jpeg.quality,
    jpeg_size_kb: Math.round((report.jpeg.bytes / 1024) * 10) / 10,
    worker_ms: jobResultMs,
    ...(snakeKeys(rest) as Record<string, unknown>),
    // Stage names are keys, not fields: leave them as the pipeline names them.
    timings: report.timings,
    options: snakeKeys(options),
  };
}

export function singleResponse(jobId: string, job: PortraitJobResult, started: number, returnBase64: boolean) {
  const png_url = downloadUrl(jobId, 'png');
  const jpg_url = downloadUrl(jobId, 'jpg');
  return {
    success: true as const,
    job_id: jobId,
    message: 'Portrait processed',
    processing_time_ms: Math.round(performance.now() - started),
    png_url,
    jpg_url,
    download_url: png_url,
    ...(returnBase64 ? { png_base64: Buffer.from(job.png).toString('base64'), jpg_base64: Buffer.from(job.jpeg).toString('base64') } : {}),
    ...portraitFields(job.report, job.ms),
  };
}

/** An item that failed: its own error, in the same shape as a whole request's error. */
export function itemError(error: unknown) {
  const mapped = mapError(error);
  return { status: mapped.status, error: { code: mapped.code, message: mapped.message }, error_message: mapped.message };
}

/** A JSON copy without the base64 images, for result.json. */
export function withoutBase64<T extends Record<string, unknown>>(body: T): Omit<T, 'png_base64' | 'jpg_base64'> {
  const { png_base64: _p, jpg_base64: _j, ...rest } = body;
  return rest;
}

/** One item of a batch as it ended: made (its report and time, the images when at hand) or failed. */
export interface BatchItemOutcome {
  readonly index: number;
  readonly filename: string;
  readonly job?: { readonly report: PortraitReport; readonly ms: number; readonly png?: Uint8Array; readonly jpeg?: Uint8Array };
  readonly error?: unknown;
}

/** A batch item's entry in the answer (and in batch.json without base64), wherever the batch ran. */
export function batchItemResult(jobId: string, item: BatchItemOutcome, returnBase64: boolean) {
  if (!item.job) return { index: item.index, filename: item.filename, success: false as const, ...itemError(item.error) };
  return {
    index: item.index,
    filename: item.filename,
    success: true as const,
    png_url: downloadUrl(jobId, 'png', item.index),
    jpg_url: downloadUrl(jobId, 'jpg', item.index),
    download_url: downloadUrl(jobId, 'png', item.index),
    ...(returnBase64 && item.job.png && item.job.jpeg
      ? { png_base64: Buffer.from(item.job.png).toString('base64'), jpg_base64: Buffer.from(item.job.jpeg).toString('base64') }
      : {}),
    ...portraitFields(item.job.report, item.job.ms),
  };
}

/** The batch answer around its items' entries. */
export function batchSummary<R extends { readonly success: boolean }>(jobId: string, results: readonly R[], processingMs: number) {
  const successful = results.filter((r) => r.success).length;
  return {
    success: successful === results.length,
    job_id: jobId,
    total: results.length,
    successful,
    failed: results.length - successful,
    processing_time_ms: Math.round(processingMs),
    results,
  };
}
