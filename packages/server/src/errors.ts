import { FacecraftError, type FacecraftErrorCode } from '@facecraft/core';

/**
 * Errors the HTTP layer raises itself. Each carries its status and a stable code; the error
 * mapper turns it (and every FacecraftError) into `{ "error": { "code", "message" } }`.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, options: { headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = options.headers ?? {};
    this.details = options.details;
  }
}

export const badRequest = (code: string, message: string, details?: Record<string, unknown>) => new HttpError(400, code, message, { details });
export const notFound = (code: string, message: string) => new HttpError(404, code, message);

/** 503 with Retry-After: the queue is full, the models are still loading, or the server is stopping. */
export function unavailable(code: 'server_busy' | 'not_ready' | 'shutting_down', message: string, retryAfterSeconds: number): HttpError {
  return new HttpError(503, code, message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
}

/** A worker died while it had this job; the worker is replaced. */
export class WorkerCrashedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

/** A job ran on its worker for longer than FACECRAFT_JOB_TIMEOUT_S; the worker was ended and replaced. */
export class JobTimeoutError extends Error {
  readonly seconds: number;

  constructor(seconds: number) {
    super(`Processing took longer than ${seconds} s`);
    this.name = 'JobTimeoutError';
    this.seconds = seconds;
  }
}

/** errno codes that mean the disk is full, and those that mean it cannot be written at all. */
const STORAGE_FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);
const STORAGE_DOWN_CODES: ReadonlySet<string> = new Set(['EROFS', 'EIO', 'EACCES', 'EPERM', 'EMFILE', 'ENFILE']);

/** A file-system error of the server's own storage (uploads or results), never the client's fault. */
export function isStorageError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && (STORAGE_FULL_CODES.has(code) || STORAGE_DOWN_CODES.has(code));
}

/** The server could not write where it keeps uploads or results. */
export class StorageError extends Error {
  readonly where: 'uploads' | 'results';
  readonly errno: string;

  constructor(where: 'uploads' | 'results', cause: NodeJS.ErrnoException) {
    super(`Could not write ${where}: ${cause.code}: ${cause.message}`, { cause });
    this.name = 'StorageError';
    this.where = where;
    this.errno = String(cause.code);
  }

  get full(): boolean {
    return STORAGE_FULL_CODES.has(this.errno);
  }
}

const STATUS_OF_CODE: Readonly<Record<FacecraftErrorCode, number>> = {
  invalid_option: 400,
  invalid_image: 415,
  image_too_large: 413,
  no_face: 422,
  multiple_faces: 422,
  model_load_failed: 503,
};

export interface MappedError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly details?: Record<string, unknown>;
  /** True for errors we did not expect: logged with their stack, answered without internals. */
  readonly unexpected: boolean;
}

/** The one place where an error becomes an HTTP status, code and client-safe message. */
export function mapError(error: unknown): MappedError {
  if (error instanceof HttpError) {
    return { status: error.status, code: error.code, message: error.message, headers: error.headers, details: error.details, unexpected: false };
  }
  if (error instanceof FacecraftError) {
    const status = STATUS_OF_CODE[error.code] ?? 500;
    // Messages of FacecraftErrors are written for users; the details never hold paths.
    const message = error.code === 'model_load_failed' ? 'The models are not available' : error.message.split('\n')[0];
    return { status, code: error.code, message, headers: {}, details: error.details, unexpected: status >= 500 };
  }
  if (error instanceof StorageError || isStorageError(error)) {
    const storage = error instanceof StorageError ? error : new StorageError('results', error);
    const what = storage.where === 'uploads' ? 'the upload' : 'the result';
    // The server's disk, not the client's request: 507 when full, 503 when it cannot be written; logged at error level.
    return storage.full
      ? { status: 507, code: 'storage_full', message: `The server's storage is full, so ${what} could not be kept; try again later`, headers: { 'Retry-After': '60' }, unexpected: true }
      : { status: 503, code: 'storage_unavailable', message: `The server's storage cannot be written, so ${what} could not be kept; try again later`, headers: { 'Retry-After': '60' }, unexpected: true };
  }
  if (error instanceof WorkerCrashedError) {
    return { status: 500, code: 'worker_crashed', message: 'The worker processing this image stopped unexpectedly; it has been replaced. Try again.', headers: {}, unexpected: true };
  }
  if (error instanceof JobTimeoutError) {
    return { status: 504, code: 'processing_timeout', message: `Processing this image took longer than ${error.seconds} s and was stopped; the worker has been replaced.`, headers: {}, unexpected: true };
  }
  // Koa's own errors (ctx.throw, body parsers): trust only client-error statuses and their text.
  const status = (error as { status?: unknown })?.status;
  // 501 is @koa/router's allowedMethods() answer to an HTTP method it does not know (PROPFIND, …).
  if (status === 501) return { status, code: 'not_implemented', message: 'This method is not implemented', headers: {}, unexpected: false };
  if (typeof status === 'number' && status >= 400 && status < 500 && (error as { expose?: unknown }).expose !== false) {
    return { status, code: httpCode(status), message: (error as Error).message, headers: {}, unexpected: false };
  }
  return { status: 500, code: 'internal_error', message: 'Internal server error', headers: {}, unexpected: true };
}

function httpCode(status: number): string {
  switch (status) {
    case 400: return 'bad_request';
    case 401: return 'unauthorized';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    default: return `http_${status}`;
  }
}
