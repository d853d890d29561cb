import { ModelLoadError } from '../errors.js';
import type { ModelEntry, ModelManifest } from './model-manifest.js';
import { sha256Hex } from './sha256.js';

/**
 * Where model bytes come from: a folder on disk (Node) or the server's origin with Cache
 * Storage in front (browser). The pipeline only sees this interface.
 */
export interface ModelSource {
  readonly description: string;
  manifest(): Promise<ModelManifest>;
  /** The raw bytes of one model file; `onProgress` reports bytes as they arrive. */
  read(entry: ModelEntry, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array>;
}

/** Reads a model and refuses it unless size and sha256 match the manifest. */
export async function readVerifiedModel(
  source: ModelSource,
  entry: ModelEntry,
  onProgress?: (loaded: number, total: number) => void,
): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await source.read(entry, onProgress);
  } catch (error) {
    throw new ModelLoadError(`Could not read model ${entry.id} (${entry.file}) from ${source.description}: ${(error as Error).message}`, { model: entry.id }, { cause: error });
  }
  if (bytes.length !== entry.bytes) {
    throw new ModelLoadError(`Model ${entry.id} (${entry.file}) has ${bytes.length} bytes but the manifest says ${entry.bytes}; run \`pnpm models\``, { model: entry.id });
  }
  const digest = await sha256Hex(bytes);
  if (digest !== entry.sha256) {
    throw new ModelLoadError(`Model ${entry.id} (${entry.file}) fails its sha256 check (expected ${entry.sha256}, found ${digest}); run \`pnpm models\``, { model: entry.id });
  }
  return bytes;
}
