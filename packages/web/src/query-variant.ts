import { WEIGHT_TYPES, type WeightType } from '@facecraft/core';

/**
 * The playground's `?variant=int8|float16|float32`: the ISNet variant to run in the browser
 * instead of the device's preference, so a page can run the same model as a server set with
 * FACECRAFT_SEGMENTATION_VARIANT. Anything that is not one of the core's weight types is ignored.
 */
export function variantFromQuery(search: string): WeightType | undefined {
  const wanted = new URLSearchParams(search).get('variant')?.trim().toLowerCase();
  return WEIGHT_TYPES.find((type) => type === wanted);
}
