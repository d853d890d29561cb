import { BackendRegistry } from './backend-registry.js';
import { ORT_NODE_BACKENDS, type OrtNodeBackendOptions } from './ort-node-backend.js';

/** Options every Node backend is started with. */
export type NodeBackendOptions = OrtNodeBackendOptions;

/**
 * The Node backends, best first by their priority. A new backend (say tfjs-node-gpu on CUDA)
 * is its own module plus one line here; FACECRAFT_DEVICE, /status and the CLI follow.
 */
export const NODE_BACKENDS = new BackendRegistry<NodeBackendOptions>('node', [...ORT_NODE_BACKENDS]);

/** The best Node backend the requested device allows; every device that failed is in its `failures`. */
export function createNodeBackend(options: NodeBackendOptions = {}) {
  return NODE_BACKENDS.resolve(options.device ?? 'auto', options);
}
