import { isErrorCode, type ErrorCode } from '@facecraft/core';
import { acceptedFormatsText } from './accepted-formats.js';

export interface FriendlyError {
  readonly title: string;
  readonly hint: string;
}

/** Codes only the playground raises: the server cannot be reached, or no photo was chosen. */
export type PlaygroundOnlyCode = 'server_unreachable' | 'no_file';

const NOT_AN_IMAGE: FriendlyError = { title: 'This file is not an image we can read', hint: `Choose a ${acceptedFormatsText()} photo.` };
const TOO_LARGE: FriendlyError = { title: 'This image is too large', hint: 'Scale it down or choose a smaller photo.' };
const OUT_OF_RANGE: FriendlyError = { title: 'An option is out of range', hint: 'Check the size, margin and JPEG limit.' };
const BUSY: FriendlyError = { title: 'The server is busy', hint: 'Try again in a moment.' };
const GENERIC: FriendlyError = { title: 'Something went wrong', hint: 'The page is still usable: try again, or switch where the photo is processed.' };

/**
 * What a person should read for each code of the core's error table (the engine's own message
 * follows the hint). A Record over ErrorCode: a code added to the table does not compile here
 * until it has its words.
 */
export const ERROR_MESSAGES: Readonly<Record<ErrorCode | PlaygroundOnlyCode, FriendlyError>> = {
  no_face: { title: 'No face found', hint: 'Try a photo where one face is clearly visible, looking at the camera, and not too small.' },
  multiple_faces: { title: 'More than one face', hint: '“Exactly one face” is selected. Pick “Largest face” or “Face nearest the centre”, or crop the photo.' },
  invalid_image: NOT_AN_IMAGE,
  unsupported_media_type: NOT_AN_IMAGE,
  image_too_large: TOO_LARGE,
  file_too_large: TOO_LARGE,
  payload_too_large: TOO_LARGE,
  invalid_option: OUT_OF_RANGE,
  model_load_failed: { title: 'The models could not be loaded', hint: 'Processing moves to the server.' },
  runtime_missing: { title: 'The in-browser runtime is missing', hint: 'Processing moves to the server.' },
  no_backend: { title: 'No in-browser runtime could start', hint: 'Processing moves to the server.' },
  server_unreachable: { title: 'The server cannot be reached', hint: 'Switch to in-browser processing, or start the Facecraft server.' },
  server_busy: BUSY,
  queue_unavailable: BUSY,
  no_file: { title: 'No photo chosen', hint: 'Drop a photo on the page or choose one.' },
  // The playground sends well-formed requests: these mean a server or page out of step with it.
  bad_request: GENERIC,
  invalid_parameter: GENERIC,
  expected_multipart: GENERIC,
  malformed_multipart: GENERIC,
  missing_file: GENERIC,
  too_many_files: GENERIC,
  unexpected_file_field: GENERIC,
  unauthorized: { title: 'The server wants an API key', hint: 'This server is secured; switch to in-browser processing.' },
  not_found: GENERIC,
  job_not_found: GENERIC,
  playground_not_built: GENERIC,
  method_not_allowed: GENERIC,
  client_closed: GENERIC,
  not_implemented: GENERIC,
  not_ready: { title: 'The server is starting', hint: 'Its models are still loading; try again in a moment.' },
  shutting_down: { title: 'The server is stopping', hint: 'Try again in a moment, or switch to in-browser processing.' },
  internal_error: GENERIC,
  worker_crashed: GENERIC,
  storage_unavailable: BUSY,
  processing_timeout: { title: 'This photo took too long', hint: 'Try a smaller photo, or switch where the photo is processed.' },
  storage_full: BUSY,
};

/** A response without the server's error body (a proxy, an older server): words by its status. */
const BY_STATUS: Readonly<Record<string, FriendlyError>> = {
  http_400: OUT_OF_RANGE,
  http_413: TOO_LARGE,
  http_415: NOT_AN_IMAGE,
  http_429: BUSY,
  http_503: BUSY,
};

export function describeError(code: string): FriendlyError {
  if (isErrorCode(code) || code === 'server_unreachable' || code === 'no_file') return ERROR_MESSAGES[code];
  return BY_STATUS[code] ?? GENERIC;
}
