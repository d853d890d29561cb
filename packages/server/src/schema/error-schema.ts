import { ERROR_CODES, ERROR_TABLE } from '@facecraft/core';
import { anyObject, boolean, object, string, type Schema } from './json-schema.js';

/**
 * The `code` of every error answer, from the core's error table: its codes as an enum (each
 * with its status in the description), and `http_<status>` for a client-error status of the
 * HTTP framework that the table has no code for.
 */
const errorCode: Schema<string> = {
  description: ERROR_CODES.map((code) => `\`${code}\` (${ERROR_TABLE[code].status}${ERROR_TABLE[code].retryable ? ', with Retry-After' : ''}): ${ERROR_TABLE[code].description}`).join('\n\n'),
  anyOf: [
    { type: 'string', enum: [...ERROR_CODES] },
    { type: 'string', pattern: '^http_4[0-9]{2}$', description: 'Another client-error status of the HTTP framework' },
  ],
};

/** `{ code, message, details? }`: a whole answer's error, and a failed batch item's. */
export const ERROR_BODY = object({ code: errorCode, message: string(), details: anyObject() }, ['code', 'message']);

/** Every error answer: `{ "error": { "code", "message" } }`. */
export const ERROR_RESPONSE = object({ success: boolean({ enum: [false] }), error: ERROR_BODY }, ['error']);
