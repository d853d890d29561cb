import { ALL_DEVICES, CUTOUT_MODES, describePortraitWarnings, PORTRAIT_WARNINGS, WEIGHT_TYPES, type PortraitReport } from '@facecraft/core';
import { mapError } from '../errors.js';
import { ERROR_BODY } from '../schema/error-schema.js';
import { anyObject, array, boolean, checked, integer, nullable, number, object, oneOf, record, ref, string, type Schema } from '../schema/json-schema.js';
import { apiPath } from './api-prefix.js';
import type { PortraitJobResult } from '../workers/worker-pool.js';

/** `faceCount` → `face_count`, as a type (what snakeKeys does to keys at run time). */
type Snake<S extends string> = S extends `${infer C}${infer Rest}` ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${Snake<Rest>}` : S;
export type SnakeKeys<T> = T extends readonly (infer U)[]
  ? SnakeKeys<U>[]
  : T extends ArrayBufferView
    ? T
    : T extends object
      ? { [K in keyof T as K extends string ? Snake<K> : K]: SnakeKeys<T[K]> }
      : T;

/** camelCase keys → snake_case, all the way down (the API keeps the original's snake_case). */
export function snakeKeys<T>(value: T): SnakeKeys<T> {
  if (Array.isArray(value)) return value.map(snakeKeys) as SnakeKeys<T>;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value as SnakeKeys<T>;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(v)])) as SnakeKeys<T>;
}

/*
 * The answers' schemas. Each builder below is declared to return the value of its schema, so
 * the compiler holds the two together; /openapi.json publishes these very objects.
 */
const box = object({ x: number(), y: number(), width: number(), height: number() });
const point = object({ x: number(), y: number() });
const modelRuntime = object({
  model: string(),
  stage: string(),
  backend: string(),
  device: string({ enum: [...ALL_DEVICES] }),
  variant: oneOf(WEIGHT_TYPES, { description: 'The model variant that ran (its weight type)' }),
});
/** Backend, device and variant of each model: in every result and in /status. */
export const MODEL_RUNTIMES = array(modelRuntime);

/** The fields every portrait answer has: the original's `result` block and the full report beside it. */
export const PORTRAIT_PROPERTIES = {
  result: object(
    {
      face_detected: boolean(),
      face_count: integer(),
      face_position: nullable(box, { description: 'The portrayed face in the photo, pixels' }),
      output_size: object({ width: integer(), height: integer() }),
      file_size_bytes: integer({ description: 'Size of the JPEG' }),
    },
    [],
    { description: 'The original service\'s summary' },
  ),
  width: integer(),
  height: integer(),
  input: object({ format: string(), width: integer(), height: integer(), orientation: integer() }),
  face_count: integer(),
  subject_index: integer({ description: 'Which of `faces` is portrayed' }),
  faces: array(object({ box, score: number(), keypoints: array(point) })),
  landmarks: array(point, { description: 'The subject\'s 68 landmarks in the photo (dlib layout)' }),
  window: object({ center_x: number(), center_y: number(), width: number(), height: number(), angle_degrees: number() }),
  metrics: object({
    head_height_ratio: number(),
    crown_source: oneOf(['mask', 'landmarks']),
    eye_line_from_top_ratio: number(),
    eye_line_from_bottom_ratio: number(),
    eye_center_offset_ratio: number(),
    roll_before_degrees: number(),
    roll_after_degrees: number(),
    face_count: integer(),
  }),
  jpeg: object({ bytes: integer(), quality: integer(), fits_limit: boolean(), max_kb: number() }),
  jpeg_quality: integer(),
  jpeg_size_kb: number(),
  png: object({ bytes: integer() }),
  enhancement: nullable(anyObject()),
  restoration: oneOf(['applied', 'disabled', 'no-model']),
  timings: record(number(), { description: 'Milliseconds per pipeline stage' }),
  cutout: nullable(oneOf(CUTOUT_MODES), { description: 'The cut-out that ran (null when remove_background=false)' }),
  framing: object(
    { margin_used: number(), adjusted: boolean() },
    [],
    { description: 'The margin the framing really gives; adjusted = the window was moved or shrunk to stay inside the photo' },
  ),
  warnings: array(
    object(
      { code: oneOf(Object.keys(PORTRAIT_WARNINGS)), message: string(), share: number(), margin_used: number(), enlargement: number() },
      ['code', 'message'],
    ),
    { description: `Things to know about a portrait that was still made. ${describePortraitWarnings()}.` },
  ),
  worker_ms: number({ description: 'Time on the worker thread' }),
  backend: MODEL_RUNTIMES,
  options: anyObject({ description: 'The options as the pipeline resolved them' }),
} as const satisfies Record<string, Schema>;
const PORTRAIT_REQUIRED = ['result', 'width', 'height', 'face_count', 'faces', 'subject_index', 'metrics', 'jpeg', 'jpeg_quality', 'timings', 'warnings', 'backend'] as const;
export const PORTRAIT_FIELDS = object(PORTRAIT_PROPERTIES, PORTRAIT_REQUIRED);

const base64 = { png_base64: string({ description: 'With return_base64=true' }), jpg_base64: string({ description: 'With return_base64=true' }) };

export const PROCESS_RESPONSE = object(
  {
    success: boolean(),
    job_id: string({ format: 'uuid' }),
    message: string(),
    processing_time_ms: integer(),
    png_url: string(),
    jpg_url: string(),
    download_url: string({ description: 'Same as png_url (the original\'s field)' }),
    ...base64,
    ...PORTRAIT_PROPERTIES,
  },
  ['success', 'job_id', 'png_url', 'jpg_url', 'processing_time_ms', ...PORTRAIT_REQUIRED],
);

export const BATCH_ITEM = object(
  {
    index: integer(),
    filename: string({ description: 'The client\'s file name (display only)' }),
    success: boolean(),
    png_url: string(),
    jpg_url: string(),
    download_url: string(),
    png_base64: string(),
    jpg_base64: string(),
    status: integer({ description: 'On failure: the HTTP status this error has on its own' }),
    error: ERROR_BODY,
    error_message: string(),
    ...PORTRAIT_PROPERTIES,
  },
  ['index', 'filename', 'success'],
);

const BATCH_TOTALS = {
  success: boolean({ description: 'True when every item succeeded' }),
  job_id: string({ format: 'uuid' }),
  total: integer(),
  successful: integer(),
  failed: integer(),
  processing_time_ms: integer(),
};
const BATCH_REQUIRED = ['success', 'job_id', 'total', 'successful', 'failed', 'processing_time_ms', 'results'] as const;
export const BATCH_RESPONSE = object({ ...BATCH_TOTALS, results: array(ref('BatchItem', BATCH_ITEM)) }, BATCH_REQUIRED);
/** The same answer for items of any shape: what batchSummary is checked against (its items are checked as BATCH_ITEM). */
const BATCH_SUMMARY = object({ ...BATCH_TOTALS, results: array(anyObject()) }, BATCH_REQUIRED);

export const downloadUrl = (jobId: string, format: 'png' | 'jpg', index?: number) =>
  apiPath(index === undefined ? `/download/${jobId}/${format}` : `/download/${jobId}/${index}/${format}`);

/**
 * Everything a client may want to know about one portrait, in snake_case: the original service's
 * `result` block (face_detected, face_count, face_position, output_size, file_size_bytes) and the
 * full report of the new pipeline beside it (faces, landmarks, metrics, jpeg, timings, backend…).
 */
export function portraitFields(report: PortraitReport, jobResultMs: number) {
  return checked(PORTRAIT_FIELDS, portraitFieldsOf(report, jobResultMs));
}

function portraitFieldsOf(report: PortraitReport, jobResultMs: number) {
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
    ...snakeKeys(rest),
    // Stage names are keys, not fields: leave them as the pipeline names them.
    timings: report.timings,
    options: snakeKeys(options),
  };
}

export function singleResponse(jobId: string, job: PortraitJobResult, started: number, returnBase64: boolean) {
  const png_url = downloadUrl(jobId, 'png');
  const jpg_url = downloadUrl(jobId, 'jpg');
  return checked(PROCESS_RESPONSE, {
    success: true as const,
    job_id: jobId,
    message: 'Portrait processed',
    processing_time_ms: Math.round(performance.now() - started),
    png_url,
    jpg_url,
    download_url: png_url,
    ...(returnBase64 ? { png_base64: Buffer.from(job.png).toString('base64'), jpg_base64: Buffer.from(job.jpeg).toString('base64') } : {}),
    ...portraitFields(job.report, job.ms),
  });
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
  if (!item.job) return checked(BATCH_ITEM, { index: item.index, filename: item.filename, success: false as const, ...itemError(item.error) });
  return checked(BATCH_ITEM, {
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
  });
}

/** The batch answer around its items' entries. */
export function batchSummary<R extends { readonly success: boolean }>(jobId: string, results: readonly R[], processingMs: number) {
  const successful = results.filter((r) => r.success).length;
  return checked(BATCH_SUMMARY, {
    success: successful === results.length,
    job_id: jobId,
    total: results.length,
    successful,
    failed: results.length - successful,
    processing_time_ms: Math.round(processingMs),
    results,
  });
}
