/**
 * @facecraft/core/web — the same pipeline in the browser: onnxruntime-web on WebGPU, else WASM;
 * canvas decoding and encoding; models fetched from the same origin and kept in Cache Storage.
 */
import type { WebDevice } from './backends/ort-web-backend.js';
import { createWebBackend } from './backends/web-backends.js';
import { createCanvasCodec } from './io/web-codec.js';
import { createFetchModelSource } from './models/fetch-model-source.js';
import type { WeightType } from './models/model-manifest.js';
import type { ModelLoadProgress } from './pipeline/load-models.js';
import { createPortraitProcessor, type PortraitProcessor } from './pipeline/portrait-processor.js';

export * from './index.js';
export { createOrtWebBackend, ORT_WEB_BACKENDS, type OrtWebBackendOptions, type WebDevice } from './backends/ort-web-backend.js';
export { createWebBackend, WEB_BACKENDS, type WebBackendOptions } from './backends/web-backends.js';
export { createCanvasCodec } from './io/web-codec.js';
export { createFetchModelSource, type FetchModelSourceOptions } from './models/fetch-model-source.js';

export interface WebPortraitProcessorOptions {
  /** URL of the folder holding manifest.json and the model files. */
  readonly modelsUrl: string;
  readonly device?: WebDevice;
  readonly wasmPaths?: string;
  readonly numThreads?: number;
  readonly onModelProgress?: (progress: ModelLoadProgress) => void;
  /** Run this variant of the segmentation model (default: the backend's preference, int8 on WASM). */
  readonly segmentationVariant?: WeightType;
}

export async function createWebPortraitProcessor(options: WebPortraitProcessorOptions): Promise<PortraitProcessor> {
  const backend = await createWebBackend({
    device: options.device ?? 'auto',
    ...(options.wasmPaths ? { wasmPaths: options.wasmPaths } : {}),
    ...(options.numThreads ? { numThreads: options.numThreads } : {}),
  });
  return createPortraitProcessor({
    backend,
    models: createFetchModelSource(options.modelsUrl),
    codec: createCanvasCodec(),
    ...(options.onModelProgress ? { onModelProgress: options.onModelProgress } : {}),
    ...(options.segmentationVariant ? { segmentationVariant: options.segmentationVariant } : {}),
  });
}
