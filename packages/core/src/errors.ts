/**
 * Typed pipeline errors. Each has a stable `code` that the server maps to an HTTP status and
 * clients can switch on; `details` carries machine-readable context (never file paths).
 */
export type FacecraftErrorCode =
  | 'invalid_image'
  | 'image_too_large'
  | 'no_face'
  | 'multiple_faces'
  | 'model_load_failed'
  | 'invalid_option';

export class FacecraftError extends Error {
  readonly code: FacecraftErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: FacecraftErrorCode, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
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
