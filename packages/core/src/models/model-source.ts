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

/** Digests already computed, so bytes checked by their source (before caching) are not hashed twice. */
const knownDigests = new WeakMap<Uint8Array, string>();

/**
 * Why `bytes` are not the model `entry` describes (wrong size, wrong sha256), or undefined when
 * they are. Sources call it before they cache anything; readVerifiedModel calls it on every read.
 */
export async function modelBytesProblem(entry: ModelEntry, bytes: Uint8Array): Promise<string | undefined> {
  if (bytes.length !== entry.bytes) return `has ${bytes.length} bytes but the manifest says ${entry.bytes}`;
  let digest = knownDigests.get(bytes);
  if (digest === undefined) {
    digest = await sha256Hex(bytes);
    knownDigests.set(bytes, digest);
  }
  return digest === entry.sha256 ? undefined : `fails its sha256 check (expected ${entry.sha256}, found ${digest})`;
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
    // A browser-only model is not assembled by `facecraft models` unless named (e.g. asked for with a variant override).
    const hint = entry.browserOnly ? `; it is assembled only where the playground is served: \`facecraft models --only ${entry.id}\` or \`pnpm models\` in a clone` : '';
    throw new ModelLoadError(`Could not read model ${entry.id} (${entry.file}) from ${source.description}: ${(error as Error).message}${hint}`, { model: entry.id }, { cause: error });
  }
  const problem = await modelBytesProblem(entry, bytes);
  // Both assemblers rebuild a file that fails its check: `pnpm models` in a clone, `facecraft models` / installModels() elsewhere.
  if (problem) throw new ModelLoadError(`Model ${entry.id} (${entry.file}) ${problem}; run \`pnpm models\` (in a clone) or \`facecraft models\``, { model: entry.id });
  return bytes;
}
