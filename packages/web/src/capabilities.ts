/** What this browser can do, found once at start-up. */
export interface Capabilities {
  /** WebAssembly with SIMD: what onnxruntime-web's WASM build needs. */
  readonly wasm: boolean;
  /** navigator.gpu gave an adapter. */
  readonly webgpu: boolean;
  /** That adapter has 'shader-f16' (float16 models run on WebGPU; without it a float32 one is wanted). */
  readonly webgpuF16: boolean;
  readonly worker: boolean;
  readonly crossOriginIsolated: boolean;
  readonly cacheStorage: boolean;
}

// The smallest module using a v128 instruction (the same probe onnxruntime-web makes).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 30, 1, 28, 0, 65, 0, 253, 15, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 253, 186, 1, 26, 11]);

function wasmSimd(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

async function webGpuAdapter(): Promise<{ features?: { has(name: string): boolean } } | null> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ features?: { has(name: string): boolean } } | null> } }).gpu;
  if (!gpu) return null;
  try {
    return await gpu.requestAdapter();
  } catch {
    return null;
  }
}

export async function detectCapabilities(): Promise<Capabilities> {
  const adapter = await webGpuAdapter();
  return Object.freeze({
    wasm: wasmSimd(),
    webgpu: adapter !== null,
    webgpuF16: adapter?.features?.has('shader-f16') === true,
    worker: typeof Worker === 'function',
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    cacheStorage: typeof caches === 'object',
  });
}
