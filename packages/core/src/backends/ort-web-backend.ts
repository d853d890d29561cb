import type { ModelEntry } from '../models/model-manifest.js';
import { firstLine, withFailures, type FailureLog } from './backend-failures.js';
import { BackendRegistry, type BackendRegistration } from './backend-registry.js';
import type { DeviceRequest } from './devices.js';
import type { InferenceBackend } from './inference-backend.js';
import { createOrtSession, type OrtModule } from './ort-backend.js';
import { importOptionalPeer } from './optional-peer.js';
import { variantPreferenceFor } from './variant-preference.js';

export type WebDevice = DeviceRequest<'web'>;

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

type OrtWeb = typeof import('onnxruntime-web');

const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/**
 * onnxruntime-web's build for a device. WebGPU needs the default entry (its WebGPU-capable
 * runtime, ort-wasm-simd-threaded.jsep.*, 28 MB); WASM alone takes `onnxruntime-web/wasm`, the
 * plain runtime (ort-wasm-simd-threaded.*, 14 MB), which compiles and starts in about half the
 * time and runs the same kernels at the same speed. In Node the package's default entry is that
 * plain WASM build already (and its `/wasm` entry cannot load there).
 */
function importOrtWeb(build: 'webgpu' | 'wasm'): Promise<OrtWeb> {
  // Both are literal imports of an optional peer (a Node user of the library never installs it), so bundlers see them.
  if (build === 'webgpu' || isNode) return importOptionalPeer('onnxruntime-web', () => import('onnxruntime-web'));
  return importOptionalPeer('onnxruntime-web', () => import('onnxruntime-web/wasm'));
}

/** onnxruntime-web, loaded and set up once per backend start: where its .wasm files are, how many threads. */
async function loadOrtWeb(build: 'webgpu' | 'wasm', options: OrtWebBackendOptions): Promise<OrtWeb> {
  const ort = await importOrtWeb(build);
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  ort.env.wasm.numThreads = options.numThreads ?? (isolated || isNode ? Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2) : 1);
  return ort;
}

/** The WASM threads onnxruntime-web runs: once started, it writes back 1 where the page is not cross-origin isolated. */
const wasmThreads = (ort: OrtWeb) => (typeof ort.env.wasm.numThreads === 'number' ? ort.env.wasm.numThreads : undefined);

const wasmSession = (ort: OrtWeb, bytes: Uint8Array) =>
  createOrtSession(ort as unknown as OrtModule, bytes, { executionProviders: ['wasm'] }, { backend: 'ort-web', device: 'wasm' });

/**
 * WebGPU: runs where an adapter exists. A model its session cannot compile (or a float16 model
 * on an adapter without 'shader-f16') runs on WASM instead, and each such move is kept.
 */
async function initWebGpu(options: OrtWebBackendOptions, failures: FailureLog): Promise<InferenceBackend> {
  // In a browser the adapter comes first, so that without one the WebGPU-capable runtime is never
  // downloaded; in Node (one runtime for both devices) a missing package is still reported first.
  const early = isNode ? await loadOrtWeb('webgpu', options) : undefined;
  const adapter = await requestWebGpuAdapter();
  if (!adapter) throw new Error('No WebGPU adapter is available');
  const ort = early ?? (await loadOrtWeb('webgpu', options));
  const shaderF16 = adapter.features?.has('shader-f16') === true;
  const movedToWasm = (model: ModelEntry, reason: string) => failures.add({ backend: 'ort-web', device: 'webgpu', model: model.id, movedTo: 'wasm', reason });
  return withFailures({
    name: 'ort-web',
    device: 'webgpu',
    get threads() {
      return wasmThreads(ort);
    },
    // Float16 with 'shader-f16', else the float32 variant (isnet-fp32), so that ISNet stays on the GPU.
    variantPreference: variantPreferenceFor('webgpu', shaderF16),
    async load(model: ModelEntry, bytes: Uint8Array) {
      if (!shaderF16 && model.weightType === 'float16') {
        // Its session would compile, then fail at run time with invalid f16 shaders: use WASM.
        // (Reached only when no float32 variant is there, or `?variant=float16` asks for this one.)
        movedToWasm(model, `${model.id} has float16 weights and this WebGPU adapter lacks 'shader-f16'`);
        return wasmSession(ort, bytes);
      }
      try {
        return await createOrtSession(ort as unknown as OrtModule, bytes, { executionProviders: ['webgpu'] }, { backend: 'ort-web', device: 'webgpu' });
      } catch (error) {
        // A model the WebGPU EP cannot compile still runs on WASM: say so, don't fail.
        movedToWasm(model, `WebGPU could not run ${model.id} (${firstLine(error)})`);
        return wasmSession(ort, bytes);
      }
    },
  }, failures);
}

/** WASM: runs everywhere WebAssembly does, multi-threaded when the page is cross-origin isolated (and in Node). */
async function initWasm(options: OrtWebBackendOptions, failures: FailureLog): Promise<InferenceBackend> {
  const ort = await loadOrtWeb('wasm', options);
  return withFailures({
    name: 'ort-web',
    device: 'wasm',
    get threads() {
      return wasmThreads(ort);
    },
    // Int8: half the download, and QLinearConv.
    variantPreference: variantPreferenceFor('wasm'),
    load: (_model: ModelEntry, bytes: Uint8Array) => wasmSession(ort, bytes),
  }, failures);
}

/** onnxruntime-web's registrations; it also runs in Node (WASM only), which is how the browser path is tested. */
export const ORT_WEB_BACKENDS: readonly BackendRegistration<OrtWebBackendOptions>[] = [
  { name: 'ort-web', device: 'webgpu', priority: 100, init: initWebGpu },
  { name: 'ort-web', device: 'wasm', priority: 10, init: initWasm },
];

/** onnxruntime-web on the best device `options.device` allows: WebGPU when an adapter is there, else WASM. */
export function createOrtWebBackend(options: OrtWebBackendOptions = {}): Promise<InferenceBackend> {
  return new BackendRegistry('web', ORT_WEB_BACKENDS).resolve(options.device ?? 'auto', options);
}
