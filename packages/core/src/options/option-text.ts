import type { OptionSpec } from './option-table.js';

/** An option's range or choices in words, the same in CLI help, the environment table and the README. */
export function rangeText(spec: OptionSpec): string {
  switch (spec.type) {
    case 'integer':
      return `${spec.minimum} to ${spec.maximum}${spec.multipleOf ? `, a multiple of ${spec.multipleOf}` : ''}`;
    case 'number':
      return `${spec.minimum} to ${spec.maximum}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return spec.enum.join(' | ');
    case 'color':
      return 'R,G,B, each 0 to 255';
  }
}

/** An option's default as a text surface writes it: 648, 0.3, true, largest, 240,240,240. */
export function defaultText(spec: OptionSpec): string {
  return spec.type === 'color' ? `${spec.default.r},${spec.default.g},${spec.default.b}` : String(spec.default);
}
