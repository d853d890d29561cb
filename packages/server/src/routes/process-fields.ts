import { formFieldDefault, formValuesToOptions, optionFormFields, optionSpec, type OptionFormField, type PortraitOptionKey, type PortraitOptionsInput } from '@facecraft/core';
import type { ServerConfig } from '../config.js';
import type { BooleanField, FieldSpec, FieldSpecs, IntegerField, ParsedFields } from './route-spec.js';

type FieldConfig = Pick<ServerConfig, 'defaults' | 'maxCanvas' | 'maxSegmentationSize'>;

/** The server's own ceilings on some options (memory per job grows with them). */
function serverMaximum(key: PortraitOptionKey, config: FieldConfig): { readonly maximum: number; readonly variable: string } | undefined {
  if (key === 'width' || key === 'height') return { maximum: config.maxCanvas, variable: 'FACECRAFT_MAX_CANVAS' };
  if (key === 'segmentationSize') return { maximum: config.maxSegmentationSize, variable: 'FACECRAFT_MAX_SEGMENTATION_SIZE' };
  return undefined;
}

/** One option's form field: the table's rule and words, the server's default and ceiling. */
function optionField(field: OptionFormField, config: FieldConfig): FieldSpec {
  const limit = serverMaximum(field.key, config);
  const rule = limit && 'maximum' in field.spec ? { ...field.spec, maximum: Math.min(field.spec.maximum, limit.maximum) } : field.spec;
  const description = limit ? `${field.description} At most ${limit.variable}.` : field.description;
  return { ...rule, default: formFieldDefault(field, config.defaults), description } as FieldSpec;
}

/**
 * The form fields of the processing routes, derived from the core's option table: the original
 * service's names and meanings, the server's configured defaults and ceilings, the new options
 * beside them, and return_base64 (about the answer, not the portrait).
 */
export function processFields(config: FieldConfig) {
  const fields = optionFormFields();
  const entries = (list: typeof fields) => list.map((field) => [field.field, optionField(field, config)] as const);
  const returnBase64: BooleanField = { type: 'boolean', default: false, description: 'Also return both images base64-encoded in the JSON (png_base64, jpg_base64).' };
  // The original service's fields in its order, then return_base64 as it had it, then the new ones.
  const original = fields.filter((field) => optionSpec(field.key).original);
  const added = fields.filter((field) => !optionSpec(field.key).original);
  return Object.fromEntries([...entries(original), ['return_base64', returnBase64], ...entries(added)]) as FieldSpecs & { readonly return_base64: BooleanField };
}

export type ProcessFields = ReturnType<typeof processFields>;

export function quickFields(config: FieldConfig) {
  const width = optionField(optionFormFields().find((f) => f.key === 'width')!, config) as IntegerField;
  return {
    size: { ...width, description: 'Width and height of the square portrait (default FACECRAFT_DEFAULT_WIDTH, at most FACECRAFT_MAX_CANVAS). The other options take the server defaults.' } satisfies IntegerField,
  } as const;
}

/** Parsed form values → the pipeline's options (the field names mapped back through the table). */
export function toPortraitOptions(fields: ParsedFields<ProcessFields>): PortraitOptionsInput {
  return formValuesToOptions(fields);
}

/** The quick route: a square of `size`, everything else from the server's defaults and ceilings. */
export function quickPortraitOptions(size: number, config: FieldConfig): PortraitOptionsInput {
  const defaults = Object.fromEntries(Object.entries(processFields(config)).map(([name, spec]) => [name, spec.default]));
  return { ...formValuesToOptions(defaults), width: size, height: size };
}
