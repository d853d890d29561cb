import * as ort from 'onnxruntime-web';
import type { ModelEntry } from '../models/model-manifest.js';
import type { InferenceBackend } from './inference-backend.js';
import { createOrtSession, type OrtModule } from './ort-backend.js';

export type WebDevice = 'auto' | 'webgpu' | 'wasm';

export interface OrtWebBackendOptions {
  /** 'auto' takes WebGPU when an adapter is there, else WASM. */
  device?: WebDevice;
  /** Where onnxruntime-web's .wasm/.mjs files are served (default: next to the bundle). */
  wasmPaths?: string;
  /** WASM threads; more than 1 needs a cross-origin-isolated page (COOP/COEP). */
  numThreads?: number;
}

async function webGpuAdapterAvailable(): Promise<boolean> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

/**
 * onnxruntime-web: WebGPU when an adapter exists (and the WebGPU session actually compiles),
 * otherwise WASM — multi-threaded when the page is cross-origin isolated. Also runs in Node
 * (WASM only), which is how the browser path is tested without a browser.
 */
export async function createOrtWebBackend(options: OrtWebBackendOptions = {}): Promise<InferenceBackend> {
  const requested = options.device ?? 'auto';
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  ort.env.wasm.numThreads = options.numThreads ?? (isolated || isNode ? Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2) : 1);

  let device: 'webgpu' | 'wasm' = 'wasm';
  let notice: string | undefined;
  if (requested !== 'wasm') {
    if (await webGpuAdapterAvailable()) device = 'webgpu';
    else notice = 'No WebGPU adapter is available; running on WASM';
  }
  const backend: InferenceBackend & { device: string; notice?: string } = {
    name: 'ort-web',
    device,
    ...(notice ? { notice } : {}),
    async load(_model: ModelEntry, bytes: Uint8Array) {
      if (device === 'webgpu') {
        try {
          return await createOrtSession(ort as unknown as OrtModule, bytes, { executionProviders: ['webgpu'] }, { backend: 'ort-web', device: 'webgpu' });
        } catch (error) {
          // A model the WebGPU EP cannot compile still runs on WASM: say so, don't fail.
          backend.notice = `WebGPU could not run ${_model.id} (${(error as Error).message.split('\n')[0]}); that model runs on WASM`;
        }
      }
      return createOrtSession(ort as unknown as OrtModule, bytes, { executionProviders: ['wasm'] }, { backend: 'ort-web', device: 'wasm' });
    },
  };
  return backend;
}
