import { PlaygroundError } from './engine-types.js';

export interface HttpAnswer {
  readonly status: number;
  /** The body parsed as JSON; undefined when it is not JSON. */
  readonly body: unknown;
}

export interface UploadProgress {
  /** Bytes of the request body sent so far, of `total`. */
  onProgress(loaded: number, total: number): void;
  /** The whole body has been sent; the server is working on it now. */
  onSent(): void;
}

/**
 * POST a form and report how much of it has gone up. fetch() cannot report upload progress in
 * Chromium, Firefox or Safari, so this uses XMLHttpRequest; a big photo on a slow link would
 * otherwise show nothing for many seconds.
 */
export function postWithUploadProgress(url: URL, form: FormData, progress: UploadProgress): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let sent = false;
    const markSent = () => {
      if (sent) return;
      sent = true;
      progress.onSent();
    };
    xhr.open('POST', url);
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) progress.onProgress(event.loaded, event.total);
    });
    xhr.upload.addEventListener('load', markSent);
    xhr.addEventListener('load', () => {
      markSent(); // some browsers skip upload events for small bodies
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    });
    const unreachable = () => reject(new PlaygroundError('server_unreachable', 'The server could not be reached. Is @facecraft/server running?'));
    xhr.addEventListener('error', unreachable);
    xhr.addEventListener('abort', unreachable);
    xhr.addEventListener('timeout', unreachable);
    xhr.send(form);
  });
}
