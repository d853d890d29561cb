import { optionNames, optionSpec, PORTRAIT_OPTION_KEYS, type OptionSpec, type PortraitOptionKey, type RgbColor } from '@facecraft/core';

/** One playground control, derived from the core's option table: its element id, label, range, default. */
export interface OptionControl {
  readonly key: PortraitOptionKey;
  /** The element's id: face-margin, segmentation-size. */
  readonly id: string;
  readonly label: string;
  readonly spec: OptionSpec;
  /** The control's starting value as the element writes it ("0.3", "#f0f0f0", "true"). */
  readonly initial: string;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

export function colorToHex({ r, g, b }: RgbColor): string {
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

/** #rrggbb → a colour; anything else → undefined. */
export function hexToColor(text: string): RgbColor | undefined {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(text);
  return m ? { r: parseInt(m[1], 16), g: parseInt(m[2], 16), b: parseInt(m[3], 16) } : undefined;
}

/** Every exposed option as a playground control, in table order. */
export function optionControls(): OptionControl[] {
  return PORTRAIT_OPTION_KEYS.filter((key) => optionSpec(key).exposed).map((key) => {
    const spec = optionSpec(key);
    const initial = spec.type === 'color' ? colorToHex(spec.default) : String(spec.default);
    return { key, id: optionNames(key).controlId, label: spec.label, spec, initial };
  });
}

/**
 * A control's text → the option's value, kept in range: a number is clamped (and rounded, and
 * put on its multiple, for integers); text that is no value at all gives the default.
 */
export function controlValue(control: OptionControl, text: string): number | boolean | string | RgbColor {
  const { spec } = control;
  switch (spec.type) {
    case 'boolean':
      return text === 'true';
    case 'string':
      return spec.enum.includes(text) ? text : spec.default;
    case 'color':
      return hexToColor(text) ?? spec.default;
    case 'integer':
    case 'number': {
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n)) return spec.default;
      const step = spec.type === 'integer' ? (spec.multipleOf ?? 1) : 0;
      const snapped = step ? Math.round(n / step) * step : n;
      return Math.min(spec.maximum - (step ? spec.maximum % step : 0), Math.max(spec.minimum, snapped));
    }
  }
}
