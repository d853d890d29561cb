import {
  COLOR_CHANNEL_SPEC,
  COLOR_CHANNELS,
  DEFAULT_ENHANCE_OPTIONS,
  DEFAULT_PORTRAIT_OPTIONS,
  InvalidOptionError,
  optionNames,
  optionSpec,
  parseValueText,
  PORTRAIT_OPTION_KEYS,
  rangeText,
  valueRule,
  type PortraitOptionKey,
  type PortraitOptions,
  type ValueSpec,
} from '@facecraft/core';

/** One FACECRAFT_DEFAULT_* variable, derived from the option table (a colour gives three). */
export interface OptionVariable {
  readonly name: string;
  readonly key: PortraitOptionKey;
  readonly channel?: 'r' | 'g' | 'b';
  readonly spec: ValueSpec;
  /** The table's default, as it would be written in the environment. */
  readonly default: string;
  readonly description: string;
}

/** Every option the server may take its default from the environment for, in table order. */
export const OPTION_VARIABLES: readonly OptionVariable[] = Object.freeze(
  PORTRAIT_OPTION_KEYS.flatMap((key): OptionVariable[] => {
    const spec = optionSpec(key);
    if (!spec.exposed || !spec.envDefault) return [];
    const { env, field } = optionNames(key);
    if (spec.type === 'color') {
      return COLOR_CHANNELS.map(([channel, word]) => ({
        name: `${env}_${channel.toUpperCase()}`,
        key,
        channel,
        spec: COLOR_CHANNEL_SPEC,
        default: String(spec.default[channel]),
        description: `Default ${field}_${channel} (${word}, ${COLOR_CHANNEL_SPEC.minimum} to ${COLOR_CHANNEL_SPEC.maximum}) when a request gives none. ${spec.description}`,
      }));
    }
    const accepts = spec.type === 'boolean' ? 'true/false/1/0/yes/no' : rangeText(spec);
    return [{ name: env, key, spec: valueRule(spec), default: String(spec.default), description: `Default ${field} (${accepts}) when a request gives none. ${spec.description}` }];
  }),
);

export interface OptionDefaults {
  /** The table's defaults with the environment's values over them. */
  readonly defaults: PortraitOptions;
  /** The options whose default the environment set (a ceiling may lower the others). */
  readonly set: ReadonlySet<PortraitOptionKey>;
  /** One message per invalid variable, the option table's message shape. */
  readonly problems: readonly string[];
}

/** Reads the FACECRAFT_DEFAULT_* variables with the same checker and message as the form fields and flags. */
export function readOptionDefaults(raw: (name: string) => string | undefined): OptionDefaults {
  const values: Record<string, unknown> = { ...DEFAULT_PORTRAIT_OPTIONS };
  const set = new Set<PortraitOptionKey>();
  const problems: string[] = [];
  for (const variable of OPTION_VARIABLES) {
    const text = raw(variable.name);
    if (text === undefined) continue;
    let value: unknown;
    try {
      value = parseValueText(variable.spec, variable.name, text);
    } catch (error) {
      if (!(error instanceof InvalidOptionError)) throw error;
      problems.push(error.message);
      continue;
    }
    set.add(variable.key);
    if (variable.channel) values[variable.key] = { ...(values[variable.key] as object), [variable.channel]: value };
    else if (variable.key === 'enhance') values.enhance = value === false ? false : DEFAULT_ENHANCE_OPTIONS;
    else values[variable.key] = value;
  }
  return { defaults: Object.freeze(values) as unknown as PortraitOptions, set, problems };
}

/**
 * The defaults checked against the server's ceilings: a width or height default above
 * FACECRAFT_MAX_CANVAS is refused; the segmentation default, when not set, comes down to
 * FACECRAFT_MAX_SEGMENTATION_SIZE (set above it, it is refused).
 */
export function defaultsUnderCeilings(read: OptionDefaults, ceilings: { readonly maxCanvas: number; readonly maxSegmentationSize: number }, problems: string[]): PortraitOptions {
  const defaults = { ...read.defaults } as { -readonly [K in keyof PortraitOptions]: PortraitOptions[K] };
  for (const key of ['width', 'height'] as const) {
    if (defaults[key] > ceilings.maxCanvas) problems.push(`${optionNames(key).env}: ${defaults[key]} is above FACECRAFT_MAX_CANVAS (${ceilings.maxCanvas})`);
  }
  if (defaults.segmentationSize > ceilings.maxSegmentationSize) {
    const name = optionNames('segmentationSize').env;
    if (read.set.has('segmentationSize')) problems.push(`${name}: ${defaults.segmentationSize} is above FACECRAFT_MAX_SEGMENTATION_SIZE (${ceilings.maxSegmentationSize})`);
    else defaults.segmentationSize = ceilings.maxSegmentationSize;
  }
  return Object.freeze(defaults);
}
