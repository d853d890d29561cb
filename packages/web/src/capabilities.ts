/** What this browser can do, found once at start-up. */
export interface Capabilities {
  /** WebAssembly with SIMD: what onnxruntime-web's WASM build needs. */
  readonly wasm: boolean;
  /** navigator.gpu gave an adapter. */
  readonly webgpu: boolean;
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

async function webGpuAdapter(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}

export async function detectCapabilities(): Promise<Capabilities> {
  return Object.freeze({
    wasm: wasmSimd(),
    webgpu: await webGpuAdapter(),
    worker: typeof Worker === 'function',
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    cacheStorage: typeof caches === 'object',
  });
}
