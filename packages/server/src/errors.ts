import { CodedError, codeOfBareStatus, ERROR_TABLE, type ErrorCode, type ErrorSpec, type RetryableErrorCode } from '@facecraft/core';

/** Codes the HTTP layer raises itself (kind `request` in the core's error table). */
export type RequestErrorCode = { [C in ErrorCode]: (typeof ERROR_TABLE)[C]['kind'] extends 'request' ? C : never }[ErrorCode];
type RequestCodeWithStatus<S extends number> = { [C in RequestErrorCode]: (typeof ERROR_TABLE)[C]['status'] extends S ? C : never }[RequestErrorCode];

/**
 * Errors the HTTP layer raises itself. The status comes from the error table; the error mapper
 * turns it (and every CodedError) into `{ "error": { "code", "message" } }`.
 */
export class HttpError extends CodedError {
  declare readonly code: RequestErrorCode;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: RequestErrorCode, message: string, options: { headers?: Record<string, string>; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(code, message, options.details, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HttpError';
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (code: RequestCodeWithStatus<400>, message: string, details?: Record<string, unknown>) => new HttpError(code, message, { details });
export const notFound = (code: RequestCodeWithStatus<404>, message: string) => new HttpError(code, message);

/** 503 with Retry-After: the queue is full, the models are still loading, or the server is stopping. */
export function unavailable(code: Extract<RetryableErrorCode, RequestErrorCode>, message: string, retryAfterSeconds: number): HttpError {
  return new HttpError(code, message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
}

/** A worker died while it had this job; the worker is replaced. */
export class WorkerCrashedError extends CodedError {
  constructor(message: string) {
    super('worker_crashed', message);
  }
}

/** A job ran on its worker for longer than FACECRAFT_JOB_TIMEOUT_S; the worker was ended and replaced. */
export class JobTimeoutError extends CodedError {
  readonly seconds: number;

  constructor(seconds: number) {
    super('processing_timeout', `Processing took longer than ${seconds} s`);
    this.seconds = seconds;
  }

  override get clientMessage(): string {
    return `Processing this image took longer than ${this.seconds} s and was stopped; the worker has been replaced.`;
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

/** The server could not write where it keeps uploads or results: 507 when full, 503 when it cannot be written. */
export class StorageError extends CodedError {
  readonly where: 'uploads' | 'results';
  readonly errno: string;

  constructor(where: 'uploads' | 'results', cause: NodeJS.ErrnoException) {
    super(STORAGE_FULL_CODES.has(String(cause.code)) ? 'storage_full' : 'storage_unavailable', `Could not write ${where}: ${cause.code}: ${cause.message}`, undefined, { cause });
    this.where = where;
    this.errno = String(cause.code);
  }

  get full(): boolean {
    return this.code === 'storage_full';
  }

  override get clientMessage(): string {
    const what = this.where === 'uploads' ? 'the upload' : 'the result';
    return this.full
      ? `The server's storage is full, so ${what} could not be kept; try again later`
      : `The server's storage cannot be written, so ${what} could not be kept; try again later`;
  }
}

/** A code of the table, or `http_<status>` for a client-error status of the HTTP framework the table has no code for. */
export type AnsweredErrorCode = ErrorCode | `http_${number}`;

export interface MappedError {
  readonly status: number;
  readonly code: AnsweredErrorCode;
  readonly message: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly details?: Record<string, unknown>;
  /** True for errors we did not expect: logged with their stack, answered without internals. */
  readonly unexpected: boolean;
}

/** The one place where an error becomes an HTTP status, code and client-safe message, all from the error table. */
export function mapError(error: unknown): MappedError {
  const coded = error instanceof CodedError ? error : isStorageError(error) ? new StorageError('results', error) : undefined;
  if (coded) {
    const spec: ErrorSpec = ERROR_TABLE[coded.code];
    const headers = { ...(coded instanceof HttpError ? coded.headers : {}) };
    if (spec.retryable && headers['Retry-After'] === undefined) headers['Retry-After'] = String(spec.retryAfterS ?? 1);
    // A pipeline error past 500 (models missing) and every server failure are logged at error level.
    const unexpected = spec.kind === 'failure' || (spec.kind === 'pipeline' && spec.status >= 500);
    return { status: coded.status, code: coded.code, message: coded.clientMessage, headers, details: coded.details, unexpected };
  }
  // Koa's own errors (body parsers) and bare statuses (no route, the router's 405/501).
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number') {
    const code = codeOfBareStatus(status);
    const fixed = code === undefined ? undefined : (ERROR_TABLE[code] as ErrorSpec).clientMessage;
    // 501 is @koa/router's allowedMethods() answer to an HTTP method it does not know (PROPFIND, …).
    if (code && fixed) return { status, code, message: fixed, headers: {}, unexpected: false };
    // Trust only client-error statuses and their text.
    if (status >= 400 && status < 500 && (error as { expose?: unknown }).expose !== false) {
      return { status, code: code ?? `http_${status}`, message: (error as Error).message, headers: {}, unexpected: false };
    }
  }
  const internal = ERROR_TABLE.internal_error;
  return { status: internal.status, code: 'internal_error', message: internal.clientMessage, headers: {}, unexpected: true };
}
