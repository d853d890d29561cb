import { optionSpec, type PortraitOptionKey } from './option-table.js';

/** Every spelling of one option, derived from its snake_case name (overridden only where an original client needs it). */
export interface OptionNames {
  /** The library's key: faceMargin. */
  readonly key: PortraitOptionKey;
  /** The snake_case name: face_margin (also the JSON/README spelling). */
  readonly name: string;
  /** The HTTP form field: face_margin (use_oval_mask for oval_mask, the original's name). */
  readonly field: string;
  /** The command-line flag: --face-margin. */
  readonly flag: string;
  /** Older flags that keep working: --margin. */
  readonly legacyFlags: readonly string[];
  /** The server's default from the environment: FACECRAFT_DEFAULT_FACE_MARGIN. */
  readonly env: string;
  /** The playground control's element id: face-margin. */
  readonly controlId: string;
}

const snakeCase = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const kebabCase = (camel: string) => snakeCase(camel).replace(/_/g, '-');

export function optionNames(key: PortraitOptionKey): OptionNames {
  const spec = optionSpec(key);
  const name = spec.name ?? snakeCase(key);
  return {
    key,
    name,
    field: spec.httpField ?? name,
    flag: `--${name.replace(/_/g, '-')}`,
    legacyFlags: spec.legacyFlags ?? [],
    env: `FACECRAFT_DEFAULT_${name.toUpperCase()}`,
    controlId: kebabCase(key),
  };
}

/** The three channel spellings of a colour option on text surfaces: background_r, background_g, background_b. */
export const COLOR_CHANNELS = [
  ['r', 'red'],
  ['g', 'green'],
  ['b', 'blue'],
] as const;
