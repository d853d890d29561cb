import { COLOR_CHANNELS, optionNames } from './option-names.js';
import { COLOR_CHANNEL_SPEC, optionSpec, PORTRAIT_OPTION_KEYS, valueRule, type PortraitOptionKey, type PortraitOptions } from './option-table.js';
import type { RgbColor } from '../image/composite.js';
import type { PortraitOptionsInput } from './resolve-options.js';
import type { ValueSpec } from './value-spec.js';

/** One form field of the HTTP API, derived from the option table (a colour gives three). */
export interface OptionFormField {
  readonly key: PortraitOptionKey;
  /** The field's name: face_margin, background_r, use_oval_mask. */
  readonly field: string;
  readonly spec: ValueSpec;
  /** For a colour option's fields: which channel. */
  readonly channel?: 'r' | 'g' | 'b';
  readonly description: string;
}

/** The exposed options as HTTP form fields, in table order. */
export function optionFormFields(): OptionFormField[] {
  return PORTRAIT_OPTION_KEYS.flatMap((key): OptionFormField[] => {
    const spec = optionSpec(key);
    if (!spec.exposed) return [];
    const { field } = optionNames(key);
    if (spec.type === 'color') {
      return COLOR_CHANNELS.map(([channel, word]) => ({
        key,
        field: `${field}_${channel}`,
        spec: COLOR_CHANNEL_SPEC,
        channel,
        description: `${spec.label} ${word} (0–255). ${spec.description}`,
      }));
    }
    return [{ key, field, spec: valueRule(spec), description: spec.description }];
  });
}

/** A field's default, taken from a full set of option values (the table's or the server's). */
export function formFieldDefault(field: OptionFormField, defaults: Pick<PortraitOptions, PortraitOptionKey>): number | boolean | string {
  const value = defaults[field.key];
  if (field.channel) return (value as RgbColor)[field.channel];
  if (field.key === 'enhance') return value !== false;
  return value as number | boolean | string;
}

/** Parsed form values (by field name) → library options. Fields absent from `values` stay unset. */
export function formValuesToOptions(values: Readonly<Record<string, unknown>>): PortraitOptionsInput {
  const options: Record<string, unknown> = {};
  const colors: Record<string, Record<string, unknown>> = {};
  for (const f of optionFormFields()) {
    if (values[f.field] === undefined) continue;
    if (f.channel) (colors[f.key] ??= {})[f.channel] = values[f.field];
    else options[f.key] = values[f.field];
  }
  for (const [key, color] of Object.entries(colors)) options[key] = color;
  return options as PortraitOptionsInput;
}

/** Library options → the form entries a client sends (the playground's server mode); unset options are left out. */
export function optionsToFormEntries(options: PortraitOptionsInput): [string, string][] {
  const given = options as Readonly<Record<string, unknown>>;
  return optionFormFields().flatMap((f): [string, string][] => {
    const value = given[f.key];
    if (value === undefined) return [];
    if (f.channel) {
      const channels = Array.isArray(value) ? value : [(value as RgbColor).r, (value as RgbColor).g, (value as RgbColor).b];
      return [[f.field, String(channels[COLOR_CHANNELS.findIndex(([c]) => c === f.channel)])]];
    }
    // The library's object of enhancement steps has no form spelling: any steps on = enhance.
    if (f.key === 'enhance') return [[f.field, String(value !== false)]];
    return [[f.field, String(value)]];
  });
}
