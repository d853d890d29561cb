/**
 * Every error code Facecraft answers with, once. The core's error classes, the server's HTTP
 * mapping, the worker-thread hop, the playground's messages and the OpenAPI `code` enum are all
 * derived from this table, so a code added here shows up everywhere and a code missing here
 * fails the error-table test.
 */
export interface ErrorSpec {
  /**
   * Who raises it. `pipeline`: a FacecraftError of the core (a verdict on the photo or options).
   * `request`: the HTTP service refusing a request. `failure`: the server's own trouble, never
   * the client's fault, logged with its stack.
   */
  readonly kind: 'pipeline' | 'request' | 'failure';
  readonly status: number;
  /** The same request may succeed later: the answer carries Retry-After. */
  readonly retryable: boolean;
  /** Retry-After seconds when the raiser does not compute its own. */
  readonly retryAfterS?: number;
  /** The code for a bare HTTP status of this value (Koa's own errors, the router's 404/405/501). */
  readonly forBareStatus?: boolean;
  /** What clients read instead of the error's own message, which is written for the log. */
  readonly clientMessage?: string;
  readonly description: string;
}

export const ERROR_TABLE = {
  invalid_option: { kind: 'pipeline', status: 400, retryable: false, description: 'An option has the wrong type or is out of range; details.field names it' },
  invalid_image: { kind: 'pipeline', status: 415, retryable: false, description: 'The bytes are not an image we can read: unknown format, truncated or corrupt' },
  image_too_large: { kind: 'pipeline', status: 413, retryable: false, description: 'The image declares more pixels or bytes than allowed (read from its header)' },
  no_face: { kind: 'pipeline', status: 422, retryable: false, description: 'No usable face; details.reason says why when one was found but could not be used' },
  multiple_faces: { kind: 'pipeline', status: 422, retryable: false, description: 'More than one clear face under the `single` subject policy; details.count' },
  model_load_failed: {
    kind: 'pipeline',
    status: 503,
    retryable: false,
    clientMessage: 'The models are not available',
    description: 'The models could not be loaded (the message sent names no paths)',
  },
  runtime_missing: {
    kind: 'pipeline',
    status: 503,
    retryable: false,
    clientMessage: 'The inference runtime is not installed',
    description: 'An optional peer package the library needs for this (onnxruntime-node, sharp, onnxruntime-web, or onnx-proto to assemble models) is not installed; details.package names it',
  },
  no_backend: {
    kind: 'pipeline',
    status: 503,
    retryable: false,
    clientMessage: 'No inference backend could start',
    description: 'No registered inference backend could start on any device allowed; details.failures lists each backend, device and reason',
  },

  bad_request: { kind: 'request', status: 400, retryable: false, forBareStatus: true, description: 'The HTTP framework refused the request' },
  invalid_parameter: { kind: 'request', status: 400, retryable: false, description: 'A path or query parameter does not have its documented form' },
  expected_multipart: { kind: 'request', status: 400, retryable: false, description: 'The body is not multipart/form-data' },
  malformed_multipart: { kind: 'request', status: 400, retryable: false, description: 'The multipart body could not be read, or has too many or too large fields' },
  missing_file: { kind: 'request', status: 400, retryable: false, description: 'No image was uploaded in the expected field' },
  too_many_files: { kind: 'request', status: 400, retryable: false, description: 'More files than allowed per request' },
  unexpected_file_field: { kind: 'request', status: 400, retryable: false, description: 'A file came in a field other than the expected one' },
  unauthorized: { kind: 'request', status: 401, retryable: false, forBareStatus: true, description: 'An API key is required, or the one sent is not valid' },
  not_found: { kind: 'request', status: 404, retryable: false, forBareStatus: true, description: 'No such route or file' },
  job_not_found: { kind: 'request', status: 404, retryable: false, description: 'No job with this id (never made, deleted or expired)' },
  playground_not_built: { kind: 'request', status: 404, retryable: false, description: 'The web playground has not been built on this server' },
  method_not_allowed: { kind: 'request', status: 405, retryable: false, forBareStatus: true, description: 'The route exists but not for this HTTP method' },
  file_too_large: { kind: 'request', status: 413, retryable: false, description: 'An uploaded file is larger than the per-file limit' },
  payload_too_large: { kind: 'request', status: 413, retryable: false, forBareStatus: true, description: 'The HTTP framework found the body too large' },
  unsupported_media_type: { kind: 'request', status: 415, retryable: false, forBareStatus: true, description: 'The HTTP framework cannot read this content type' },
  client_closed: { kind: 'request', status: 499, retryable: false, description: 'The client closed the connection before the answer (never sent; seen in the log)' },
  not_implemented: { kind: 'request', status: 501, retryable: false, forBareStatus: true, clientMessage: 'This method is not implemented', description: 'The HTTP method is not one the server knows' },
  server_busy: { kind: 'request', status: 503, retryable: true, description: 'Every processing slot and queue place is taken' },
  not_ready: { kind: 'request', status: 503, retryable: true, description: 'The models are still loading, or could not be loaded' },
  shutting_down: { kind: 'request', status: 503, retryable: true, description: 'The server is stopping and takes no new work' },

  internal_error: { kind: 'failure', status: 500, retryable: false, clientMessage: 'Internal server error', description: 'An error nobody expected; logged with its stack, answered without internals' },
  worker_crashed: {
    kind: 'failure',
    status: 500,
    retryable: false,
    clientMessage: 'The worker processing this image stopped unexpectedly; it has been replaced. Try again.',
    description: 'The worker thread died while it had this job; it was replaced',
  },
  queue_unavailable: {
    kind: 'failure',
    status: 503,
    retryable: true,
    retryAfterS: 5,
    clientMessage: 'The job queue cannot be reached right now; try again in a moment',
    description: 'The job queue (Redis at FACECRAFT_REDIS_URL) cannot be reached: the job was not taken, or its state cannot be read now',
  },
  storage_unavailable: { kind: 'failure', status: 503, retryable: true, retryAfterS: 60, description: "The server's storage for uploads or results cannot be written" },
  processing_timeout: { kind: 'failure', status: 504, retryable: false, description: 'The job ran longer than FACECRAFT_JOB_TIMEOUT_S; its worker was replaced' },
  storage_full: { kind: 'failure', status: 507, retryable: true, retryAfterS: 60, description: "The server's storage for uploads or results is full" },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_TABLE;

/** The codes the core's own error classes carry. */
export type FacecraftErrorCode = { [C in ErrorCode]: (typeof ERROR_TABLE)[C]['kind'] extends 'pipeline' ? C : never }[ErrorCode];

/** The codes that carry Retry-After. */
export type RetryableErrorCode = { [C in ErrorCode]: (typeof ERROR_TABLE)[C]['retryable'] extends true ? C : never }[ErrorCode];

export const ERROR_CODES: readonly ErrorCode[] = Object.keys(ERROR_TABLE) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_TABLE, code);
}

export function errorSpec(code: ErrorCode): ErrorSpec {
  return ERROR_TABLE[code];
}

/** The code of a bare HTTP status, if the table has one for it. */
export function codeOfBareStatus(status: number): ErrorCode | undefined {
  return ERROR_CODES.find((code) => {
    const spec: ErrorSpec = ERROR_TABLE[code];
    return spec.forBareStatus === true && spec.status === status;
  });
}
