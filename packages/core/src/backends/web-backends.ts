import { BackendRegistry } from './backend-registry.js';
import { ORT_WEB_BACKENDS, type OrtWebBackendOptions } from './ort-web-backend.js';

/** Options every browser backend is started with. */
export type WebBackendOptions = OrtWebBackendOptions;

/**
 * The browser backends, best first by their priority. A new backend (say tfjs on WebGPU) is its
 * own module plus one line here; the playground's runtime card and notices follow.
 */
export const WEB_BACKENDS = new BackendRegistry<WebBackendOptions>('web', [...ORT_WEB_BACKENDS]);

/** The best browser backend the requested device allows; every failure on the way is in its `failures`. */
export function createWebBackend(options: WebBackendOptions = {}) {
  return WEB_BACKENDS.resolve(options.device ?? 'auto', options);
}
