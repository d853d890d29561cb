import { ERROR_TABLE, isErrorCode, type ErrorCode, type FacecraftErrorCode } from './error-table.js';
import { CodedError, FacecraftError } from './errors.js';

/**
 * An error as it crosses a thread (the server's workers, the playground's worker): the one
 * shape both use. `name` and `stack` are for the log; clients see the code and message.
 */
export interface SerializedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly name?: string;
  readonly details?: Record<string, unknown>;
  readonly stack?: string;
}

/** Any thrown value → SerializedError; an error without a table code becomes `internal_error`. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof CodedError) {
    return { code: error.code, name: error.name, message: error.message, ...(error.details ? { details: error.details } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { code: 'internal_error', name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
}

const isFacecraftCode = (code: ErrorCode): code is FacecraftErrorCode => ERROR_TABLE[code].kind === 'pipeline';

/**
 * Back into an error: pipeline codes as FacecraftError (so `instanceof FacecraftError` holds
 * after the hop), every other table code as CodedError; a code the table lacks (a sender built
 * from other sources) becomes `internal_error`.
 */
export function deserializeError(serialized: SerializedError): CodedError {
  const code: ErrorCode = isErrorCode(serialized.code) ? serialized.code : 'internal_error';
  const error = isFacecraftCode(code) ? new FacecraftError(code, serialized.message, serialized.details) : new CodedError(code, serialized.message, serialized.details);
  if (serialized.name) error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  return error;
}
