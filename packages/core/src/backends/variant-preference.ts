import type { ModelEntry, WeightType } from '../models/model-manifest.js';
import { ALL_DEVICES, DEVICES, type Device } from './devices.js';

/**
 * Which model variant each device runs best, most preferred first, as DEVICES declares it
 * (devices.ts); the reasons:
 *
 * - CPU (onnxruntime-node): the calibrated int8 QDQ ISNet runs every Conv as a QLinearConv,
 *   about twice as fast as float (float16 is computed in float32 on the CPU anyway).
 * - CUDA: float16 (tensor cores); int8 QDQ would mostly fall back to the CPU provider.
 * - WebGPU: no QLinearConv, so a float model; float16 only with the 'shader-f16' feature.
 * - WASM: int8, for the same reason as the CPU, and half the download.
 */
export type VariantTarget = Device | 'webgpu-f16';

export const VARIANT_PREFERENCE: Readonly<Record<VariantTarget, readonly WeightType[]>> = {
  ...(Object.fromEntries(ALL_DEVICES.map((device) => [device, DEVICES[device].variants])) as unknown as Record<Device, readonly WeightType[]>),
  // The one preference an adapter changes: float16 first when it has 'shader-f16'.
  'webgpu-f16': ['float16', 'float32'],
};

/** The preference of a device; WebGPU's depends on the adapter's 'shader-f16'. */
export function variantPreferenceFor(device: Device, shaderF16 = false): readonly WeightType[] {
  return device === 'webgpu' && shaderF16 ? VARIANT_PREFERENCE['webgpu-f16'] : DEVICES[device].variants;
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
