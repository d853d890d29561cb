export interface FriendlyError {
  readonly title: string;
  readonly hint: string;
}

/** What a person should read for each error code (the engine's own message follows the hint). */
export function describeError(code: string): FriendlyError {
  switch (code) {
    case 'no_face':
      return { title: 'No face found', hint: 'Try a photo where one face is clearly visible, looking at the camera, and not too small.' };
    case 'multiple_faces':
      return { title: 'More than one face', hint: '“Exactly one face” is selected. Pick “Largest face” or “Face nearest the centre”, or crop the photo.' };
    case 'invalid_image':
    case 'unsupported_media_type':
    case 'http_415':
      return { title: 'This file is not an image we can read', hint: 'Choose a JPEG, PNG, WebP or BMP photo.' };
    case 'image_too_large':
    case 'file_too_large':
    case 'payload_too_large':
    case 'http_413':
      return { title: 'This image is too large', hint: 'Scale it down or choose a smaller photo.' };
    case 'invalid_option':
    case 'http_400':
      return { title: 'An option is out of range', hint: 'Check the size, margin and JPEG limit.' };
    case 'model_load_failed':
      return { title: 'The models could not be loaded', hint: 'Processing moves to the server.' };
    case 'server_unreachable':
      return { title: 'The server cannot be reached', hint: 'Switch to in-browser processing, or start the Facecraft server.' };
    case 'http_429':
    case 'http_503':
      return { title: 'The server is busy', hint: 'Try again in a moment.' };
    case 'no_file':
      return { title: 'No photo chosen', hint: 'Drop a photo on the page or choose one.' };
    default:
      return { title: 'Something went wrong', hint: 'The page is still usable: try again, or switch where the photo is processed.' };
  }
}
