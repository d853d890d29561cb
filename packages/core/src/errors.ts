import { ERROR_TABLE, type ErrorCode, type ErrorSpec, type FacecraftErrorCode } from './error-table.js';

/**
 * An error with a code from the error table: what the server maps to an HTTP status, what
 * crosses the worker-thread hop, what clients switch on. `details` carries machine-readable
 * context (never file paths).
 */
export class CodedError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** The HTTP status the table gives this code (the server answers with it). */
  get status(): number {
    return ERROR_TABLE[this.code].status;
  }

  /** What a client reads: the table's fixed text where the message is for the log, else its first line. */
  get clientMessage(): string {
    const spec: ErrorSpec = ERROR_TABLE[this.code];
    return spec.clientMessage ?? this.message.split('\n')[0];
  }
}

/** Typed pipeline errors: a verdict on the photo or the options, with a `pipeline` code of the table. */
export class FacecraftError extends CodedError {
  declare readonly code: FacecraftErrorCode;

  constructor(code: FacecraftErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(code, message, details, options);
  }
}

/** The bytes are not an image we can read: unknown format, truncated, corrupt. */
export class InvalidImageError extends FacecraftError {
  constructor(message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super('invalid_image', message, details, options);
  }
}

/** The image declares more pixels (or bytes) than allowed; raised from the header, before decoding. */
export class ImageTooLargeError extends FacecraftError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('image_too_large', message, details);
  }
}

/**
 * No face to portray. `details.reason` says why when a face was found but could not be used:
 * `landmarks_unreliable` (its landmarks disagree with the detection, see `checkLandmarks`) or
 * `impossible_window` (its crop window would have no area).
 */
export class NoFaceError extends FacecraftError {
  constructor(message = 'No face was found in the image', details?: Record<string, unknown>) {
    super('no_face', message, details);
  }
}

/**
 * A crop window with a non-finite or non-positive size (or a non-finite place or angle). Every
 * window in the pipeline comes from a detected face and its landmarks, so such a window means
 * the face could not be placed: it is a `no_face` error (422 in the server) with
 * `details.reason = 'impossible_window'`, never a plain RangeError.
 */
export class ImpossibleWindowError extends NoFaceError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { reason: 'impossible_window', ...details });
  }
}

/** Raised under the `single` subject policy when more than one clear face is present. */
export class MultipleFacesError extends FacecraftError {
  constructor(count: number) {
    super('multiple_faces', `Expected exactly one face but found ${count}`, { count });
  }
}

export class ModelLoadError extends FacecraftError {
  constructor(message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super('model_load_failed', message, details, options);
  }
}

/** An option has the wrong type or is out of range. */
export class InvalidOptionError extends FacecraftError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('invalid_option', message, details);
  }
}

/**
 * A platform package of the library (an optional peer dependency: onnxruntime-node, sharp or
 * onnxruntime-web) is not installed. The message names the package and the command that
 * installs it; `details.package` names it for programs.
 */
export class RuntimeMissingError extends FacecraftError {
  constructor(message: string, details: { package: string }, options?: ErrorOptions) {
    super('runtime_missing', message, details, options);
  }
}

/**
 * No registered inference backend could start on any device the request allowed.
 * `details.failures` lists each backend, device and reason, in the order they were tried.
 */
export class NoBackendError extends FacecraftError {
  constructor(message: string, details: { requested: string; failures: readonly unknown[] }, options?: ErrorOptions) {
    super('no_backend', message, details, options);
  }
}
