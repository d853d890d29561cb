import type { ModelEntry, WeightType } from '../models/model-manifest.js';

/**
 * Which model variant each runtime runs best, most preferred first: the one place this is
 * declared (in the spirit of onnxruntime's own backend registry, which orders backends).
 *
 * - CPU (onnxruntime-node): the calibrated int8 QDQ ISNet runs every Conv as a QLinearConv,
 *   about twice as fast as float (float16 is computed in float32 on the CPU anyway).
 * - CUDA: float16 (tensor cores); int8 QDQ would mostly fall back to the CPU provider.
 * - WebGPU: no QLinearConv, so a float model; float16 only with the 'shader-f16' feature.
 * - WASM: int8, for the same reason as the CPU, and half the download.
 */
export const VARIANT_PREFERENCE = {
  cpu: ['int8', 'float16', 'float32'],
  cuda: ['float16', 'float32', 'int8'],
  'webgpu-f16': ['float16', 'float32'],
  webgpu: ['float32', 'float16'],
  wasm: ['int8', 'float16', 'float32'],
} as const satisfies Record<string, readonly WeightType[]>;

export type VariantTarget = keyof typeof VARIANT_PREFERENCE;

/** The preference of a device ('cpu', 'cuda', 'wasm', 'webgpu'); WebGPU's depends on the adapter's 'shader-f16'. */
export function variantPreferenceFor(device: 'cpu' | 'cuda' | 'wasm' | 'webgpu', shaderF16 = false): readonly WeightType[] {
  return VARIANT_PREFERENCE[device === 'webgpu' && shaderF16 ? 'webgpu-f16' : device];
}

/** A variant as the manifest spells it: entries without a weightType are float32. */
export const weightTypeOf = (entry: ModelEntry): WeightType => entry.weightType ?? 'float32';

/**
 * Picks one entry among the variants of a model (the manifest entries that can fill one role).
 * An `override` must name a variant that is there; otherwise the first variant in the
 * preference order wins, and with none preferred (or no preference) the manifest's order does.
 */
export function chooseVariant(candidates: readonly ModelEntry[], preference: readonly WeightType[] = [], override?: WeightType): ModelEntry | undefined {
  if (override !== undefined) {
    const chosen = candidates.find((m) => weightTypeOf(m) === override);
    if (!chosen && candidates.length > 0) {
      throw new RangeError(`no ${override} variant of ${candidates[0].stage} model among ${candidates.map((m) => `${m.id} (${weightTypeOf(m)})`).join(', ')}`);
    }
    return chosen;
  }
  for (const type of preference) {
    const chosen = candidates.find((m) => weightTypeOf(m) === type);
    if (chosen) return chosen;
  }
  return candidates[0];
}
