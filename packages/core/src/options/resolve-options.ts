import { checkValue, invalidValue } from './check-value.js';
import { COLOR_CHANNELS } from './option-names.js';
import {
  COLOR_CHANNEL_SPEC,
  ENHANCE_STEP_TABLE,
  optionSpec,
  PORTRAIT_OPTION_KEYS,
  type EnhanceOptions,
  type PortraitOptionKey,
  type PortraitOptions,
} from './option-table.js';
import type { RgbColor } from '../image/composite.js';

export type PortraitOptionsInput = Partial<Omit<PortraitOptions, 'enhance' | 'background'>> & {
  readonly enhance?: boolean | Partial<EnhanceOptions>;
  readonly background?: RgbColor | readonly [number, number, number];
};

const ENHANCE_KEYS = Object.keys(ENHANCE_STEP_TABLE) as (keyof EnhanceOptions)[];

export const DEFAULT_ENHANCE_OPTIONS: EnhanceOptions = Object.freeze(Object.fromEntries(ENHANCE_KEYS.map((k) => [k, ENHANCE_STEP_TABLE[k].default])) as unknown as EnhanceOptions);

/** The table's defaults (the original service's, plus the new options). */
export const DEFAULT_PORTRAIT_OPTIONS: PortraitOptions = Object.freeze(
  Object.fromEntries(
    PORTRAIT_OPTION_KEYS.map((key) => {
      const spec = optionSpec(key);
      if (key === 'enhance') return [key, DEFAULT_ENHANCE_OPTIONS];
      return [key, spec.type === 'color' ? Object.freeze({ ...spec.default }) : spec.default];
    }),
  ) as unknown as PortraitOptions,
);

/** A colour given as {r, g, b} or [r, g, b], each channel checked as `<name>.r` …. */
export function resolveColor(name: string, value: unknown): RgbColor {
  const channels = Array.isArray(value) ? value : [(value as RgbColor | undefined)?.r, (value as RgbColor | undefined)?.g, (value as RgbColor | undefined)?.b];
  if (typeof value !== 'object' || value === null || channels.length !== 3) throw invalidValue(name, '{ r, g, b } or [r, g, b]', value);
  const [r, g, b] = COLOR_CHANNELS.map(([c], i) => checkValue(COLOR_CHANNEL_SPEC, `${name}.${c}`, channels[i]) as number);
  return Object.freeze({ r, g, b });
}

function resolveEnhance(value: unknown): false | EnhanceOptions {
  if (value === false) return false;
  if (value === true) return DEFAULT_ENHANCE_OPTIONS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidValue('enhance', 'a boolean or an object of enhancement steps', value);
  const steps = { ...DEFAULT_ENHANCE_OPTIONS, ...Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) } as Record<string, unknown>;
  return Object.freeze(Object.fromEntries(ENHANCE_KEYS.map((k) => [k, checkValue(ENHANCE_STEP_TABLE[k], `enhance.${k}`, steps[k])]))) as unknown as EnhanceOptions;
}

/** Fills the table's defaults and checks every value against the table, with the one message shape. */
export function resolvePortraitOptions(input: PortraitOptionsInput = {}): PortraitOptions {
  for (const key of Object.keys(input)) {
    if (!PORTRAIT_OPTION_KEYS.includes(key as PortraitOptionKey)) throw invalidValue(key, `one of the options ${PORTRAIT_OPTION_KEYS.join(', ')}`, key);
  }
  const given = input as Readonly<Record<string, unknown>>;
  const resolved = PORTRAIT_OPTION_KEYS.map((key) => {
    const value = given[key] ?? DEFAULT_PORTRAIT_OPTIONS[key];
    if (key === 'enhance') return [key, resolveEnhance(value)];
    const spec = optionSpec(key);
    return [key, spec.type === 'color' ? resolveColor(key, value) : checkValue(spec, key, value)];
  });
  return Object.freeze(Object.fromEntries(resolved)) as PortraitOptions;
}
