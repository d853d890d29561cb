import type { ModelEntry } from '../models/model-manifest.js';
import type { InferenceBackend } from './inference-backend.js';
import { createOrtSession, type OrtModule } from './ort-backend.js';
import { importOptionalPeer } from './optional-peer.js';
import { variantPreferenceFor } from './variant-preference.js';

export type WebDevice = 'auto' | 'webgpu' | 'wasm';

export interface OrtWebBackendOptions {
  /** 'auto' takes WebGPU when an adapter is there, else WASM. */
  device?: WebDevice;
  /** Where onnxruntime-web's .wasm/.mjs files are served (default: next to the bundle). */
  wasmPaths?: string;
  /** WASM threads; more than 1 needs a cross-origin-isolated page (COOP/COEP). */
  numThreads?: number;
}

interface GpuAdapterLike {
  readonly features?: { has(name: string): boolean };
}

async function requestWebGpuAdapter(): Promise<GpuAdapterLike | null> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu;
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter();
  } catch {
    return null;
  }
}

/**
 * onnxruntime-web: WebGPU when an adapter exists (and the WebGPU session actually compiles),
 * otherwise WASM — multi-threaded when the page is cross-origin isolated. Also runs in Node
 * (WASM only), which is how the browser path is tested without a browser.
 */
export async function createOrtWebBackend(options: OrtWebBackendOptions = {}): Promise<InferenceBackend> {
  const requested = options.device ?? 'auto';
  // An optional peer (a Node user of the library never installs it); bundlers still see the import.
  const ort = await importOptionalPeer('onnxruntime-web', () => import('onnxruntime-web'));
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  ort.env.wasm.numThreads = options.numThreads ?? (isolated || isNode ? Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2) : 1);

  let device: 'webgpu' | 'wasm' = 'wasm';
  let notice: string | undefined;
  let shaderF16 = false;
  if (requested !== 'wasm') {
    const adapter = await requestWebGpuAdapter();
    if (adapter) {
      device = 'webgpu';
      shaderF16 = adapter.features?.has('shader-f16') === true;
    } else notice = 'No WebGPU adapter is available; running on WASM';
  }
  const backend: InferenceBackend & { device: string; notice?: string } = {
    name: 'ort-web',
    device,
    // WASM: int8 (half the download, QLinearConv); WebGPU: float16 with 'shader-f16', else the
    // float32 variant (isnet-fp32), so that ISNet stays on the GPU instead of moving to WASM.
    variantPreference: variantPreferenceFor(device, shaderF16),
    ...(notice ? { notice } : {}),
    async load(model: ModelEntry, bytes: Uint8Array) {
      if (device === 'webgpu' && !shaderF16 && model.weightType === 'float16') {
        // Its session would compile, then fail at run time with invalid f16 shaders: use WASM.
        // (Reached only when no float32 variant is there, or `?variant=float16` asks for this one.)
        backend.notice = `${model.id} has float16 weights and this WebGPU adapter lacks 'shader-f16'; that model runs on WASM`;
      } else if (device === 'webgpu') {
        try {
          return await createOrtSession(ort as unknown as OrtModule, bytes, { executionProviders: ['webgpu'] }, { backend: 'ort-web', device: 'webgpu' });
        } catch (error) {
          // A model the WebGPU EP cannot compile still runs on WASM: say so, don't fail.
          backend.notice = `WebGPU could not run ${model.id} (${(error as Error).message.split('\n')[0]}); that model runs on WASM`;
        }
      }
      return createOrtSession(ort as unknown as OrtModule, bytes, { executionProviders: ['wasm'] }, { backend: 'ort-web', device: 'wasm' });
    },
  };
  return backend;
}
