/**
 * @facecraft/core/node — the pipeline on onnxruntime-node (CPU, or CUDA when its provider is
 * installed) with sharp for decoding and encoding, and models read from a folder.
 */
import { createNodeBackend } from './backends/node-backends.js';
import type { NodeDevice } from './backends/ort-node-backend.js';
import { loadSharp } from './io/load-sharp.js';
import { createSharpCodec } from './io/node-codec.js';
import { createFileModelSource } from './models/file-model-source.js';
import { userModelsDir } from './models/user-models-dir.js';
import type { WeightType } from './models/model-manifest.js';
import type { ModelLoadProgress } from './pipeline/load-models.js';
import { createPortraitProcessor, type PortraitProcessor } from './pipeline/portrait-processor.js';

export * from './index.js';
export { createOrtNodeBackend, ORT_NODE_BACKENDS, type NodeDevice, type OrtNodeBackendOptions } from './backends/ort-node-backend.js';
export { createNodeBackend, NODE_BACKENDS, type NodeBackendOptions } from './backends/node-backends.js';
export { createSharpCodec } from './io/node-codec.js';
export { createFileModelSource } from './models/file-model-source.js';
export { installModels, type InstallModelsOptions, type InstallModelsResult } from './models/install-models.js';
export { userModelsDir } from './models/user-models-dir.js';
export { OPTIONAL_PEERS, peerInstallCommand, type OptionalPeer } from './backends/optional-peer.js';

export interface NodePortraitProcessorOptions {
  /**
   * Folder holding manifest.json and the model files. Default: userModelsDir() —
   * $FACECRAFT_MODELS_DIR, else ~/.cache/facecraft/models, where installModels() (or
   * `facecraft models`) assembles them; in a clone, `pnpm models` assembles models/.
   */
  readonly modelsDir?: string;
  readonly device?: NodeDevice;
  /** Intra-op threads per model (default: every available core; give a share when several run at once). */
  readonly threads?: number;
  readonly onModelProgress?: (progress: ModelLoadProgress) => void;
  /** Run this variant of the segmentation model (default: the backend's preference, int8 on the CPU when the models folder has it). */
  readonly segmentationVariant?: WeightType;
}

export async function createNodePortraitProcessor(options: NodePortraitProcessorOptions = {}): Promise<PortraitProcessor> {
  // Both optional peers are checked here, so a missing one fails now and by name, not at the first photo.
  await loadSharp();
  const backend = await createNodeBackend({ device: options.device ?? 'auto', ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  return createPortraitProcessor({
    backend,
    models: createFileModelSource(options.modelsDir ?? userModelsDir()),
    codec: createSharpCodec(),
    ...(options.onModelProgress ? { onModelProgress: options.onModelProgress } : {}),
    ...(options.segmentationVariant ? { segmentationVariant: options.segmentationVariant } : {}),
  });
}
