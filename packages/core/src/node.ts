/**
 * @facecraft/core/node — the pipeline on onnxruntime-node (CPU, or CUDA when its provider is
 * installed) with sharp for decoding and encoding, and models read from a folder.
 */
import { createOrtNodeBackend, type NodeDevice } from './backends/ort-node-backend.js';
import { createSharpCodec } from './io/node-codec.js';
import { createFileModelSource } from './models/file-model-source.js';
import type { WeightType } from './models/model-manifest.js';
import type { ModelLoadProgress } from './pipeline/load-models.js';
import { createPortraitProcessor, type PortraitProcessor } from './pipeline/portrait-processor.js';

export * from './index.js';
export { createOrtNodeBackend, type NodeDevice, type OrtNodeBackendOptions } from './backends/ort-node-backend.js';
export { createSharpCodec } from './io/node-codec.js';
export { createFileModelSource } from './models/file-model-source.js';

export interface NodePortraitProcessorOptions {
  /** Folder holding manifest.json and the model files (`pnpm models` assembles it). */
  readonly modelsDir: string;
  readonly device?: NodeDevice;
  /** Intra-op threads per model (default: every available core; give a share when several run at once). */
  readonly threads?: number;
  readonly onModelProgress?: (progress: ModelLoadProgress) => void;
  /** Run this variant of the segmentation model (default: the backend's preference, int8 on the CPU when the models folder has it). */
  readonly segmentationVariant?: WeightType;
}

export async function createNodePortraitProcessor(options: NodePortraitProcessorOptions): Promise<PortraitProcessor> {
  const backend = await createOrtNodeBackend({ device: options.device ?? 'auto', ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  return createPortraitProcessor({
    backend,
    models: createFileModelSource(options.modelsDir),
    codec: createSharpCodec(),
    ...(options.onModelProgress ? { onModelProgress: options.onModelProgress } : {}),
    ...(options.segmentationVariant ? { segmentationVariant: options.segmentationVariant } : {}),
  });
}
