import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  COLOR_CHANNEL_SPEC,
  defaultText,
  describeExpected,
  deviceChoicesText,
  InvalidOptionError,
  invalidValue,
  isDeviceRequest,
  optionNames,
  optionSpec,
  parseValueText,
  PORTRAIT_OPTION_KEYS,
  rangeText,
  valueRule,
  type PortraitOptionKey,
  type PortraitOptionsInput,
} from '@facecraft/core';
import type { NodeDevice } from '@facecraft/core/node';
import { defaultModelsDir } from '../models-dir.js';

/** A mistake in the command line: the command prints it with its help and exits 2. */
export class CliUsageError extends Error {
  /** The error table's code when the mistake is a bad option value (invalid_option). */
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.code = code;
  }
}

/** How much the command writes: `json` puts one JSON document on stdout and nothing else there. */
export type OutputMode = 'normal' | 'quiet' | 'verbose' | 'json';

export interface ProcessArgs {
  readonly help: false;
  /** Files, folders and glob patterns as given. */
  readonly inputs: readonly string[];
  readonly outDir: string;
  readonly options: PortraitOptionsInput;
  readonly modelsDir: string;
  /** Where modelsDir came from, for the message when no models are there. */
  readonly modelsDirSource: '--models' | 'FACECRAFT_MODELS_DIR' | 'default';
  readonly device: NodeDevice;
  readonly mode: OutputMode;
}

/** The exposed options of the table, each with its flag spelling (and the older ones that still work). */
const FLAG_OPTIONS = PORTRAIT_OPTION_KEYS.filter((key) => optionSpec(key).exposed).map((key) => ({ key, spec: optionSpec(key), names: optionNames(key) }));

const flagKey = (flag: string) => flag.replace(/^--/, '');

/** parseArgs's declarations for the option flags: a value flag takes text; a boolean has --x and --no-x. */
function optionFlagDeclarations(): Record<string, { type: 'string' | 'boolean' }> {
  const declared: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const { spec, names } of FLAG_OPTIONS) {
    const type = spec.type === 'boolean' ? 'boolean' : 'string';
    declared[flagKey(names.flag)] = { type };
    if (spec.type === 'boolean') declared[`no-${flagKey(names.flag)}`] = { type };
    for (const legacy of names.legacyFlags) declared[flagKey(legacy)] = { type };
  }
  return declared;
}

/** A colour flag's R,G,B: three channels read like any other integer value. */
function parseColorText(flag: string, text: string): [number, number, number] {
  const parts = text.split(',');
  if (parts.length !== 3) throw invalidValue(flag, `R,G,B with each channel ${describeExpected(COLOR_CHANNEL_SPEC)}`, text);
  return parts.map((part) => parseValueText(COLOR_CHANNEL_SPEC, flag, part)) as [number, number, number];
}

/** The option flags as given → library options; a bad value is the table's message naming the flag as typed. */
function optionsFromFlags(values: Readonly<Record<string, string | boolean | undefined>>): PortraitOptionsInput {
  const options: Partial<Record<PortraitOptionKey, unknown>> = {};
  for (const { key, spec, names } of FLAG_OPTIONS) {
    const given = [names.flag, ...names.legacyFlags].find((flag) => values[flagKey(flag)] !== undefined);
    if (spec.type === 'boolean') {
      // --x, --no-x, or an older flag that turns it off (--no-oval, --keep-background).
      if (values[flagKey(names.flag)] === true) options[key] = true;
      if (values[`no-${flagKey(names.flag)}`] === true || names.legacyFlags.some((flag) => values[flagKey(flag)] === true)) options[key] = false;
      continue;
    }
    if (given === undefined) continue;
    const text = values[flagKey(given)] as string;
    options[key] = spec.type === 'color' ? parseColorText(given, text) : parseValueText(valueRule(spec), given, text);
  }
  return options as PortraitOptionsInput;
}

/** The help lines of the option flags, from the table: the same range and default everywhere. */
export function optionFlagHelp(): string {
  const lines: string[] = [];
  for (const { spec, names } of FLAG_OPTIONS) {
    const usage = spec.type === 'boolean' ? `${names.flag}, --no-${flagKey(names.flag)}` : `${names.flag} ${spec.type === 'color' ? 'R,G,B' : spec.type === 'string' ? 'WORD' : 'N'}`;
    const also = names.legacyFlags.length > 0 ? `; also ${names.legacyFlags.join(', ')}` : '';
    const range = spec.type === 'boolean' ? '' : `${rangeText(spec)}; `;
    const text = `${spec.description} (${range}default ${defaultText(spec)}${also})`;
    lines.push(...wrap(usage, text));
  }
  return lines.join('\n');
}

const HELP_INDENT = 28;
const HELP_WIDTH = 100;

/** `  --flag ARG   text…` wrapped at HELP_WIDTH columns, continuation lines under the text. */
function wrap(usage: string, text: string): string[] {
  const head = `  ${usage}`;
  const lines: string[] = head.length < HELP_INDENT - 1 ? [] : [head];
  let line = head.length < HELP_INDENT - 1 ? head.padEnd(HELP_INDENT) : ' '.repeat(HELP_INDENT);
  for (const word of text.split(' ')) {
    if (line.length > HELP_INDENT && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = ' '.repeat(HELP_INDENT);
    }
    line += line.length === HELP_INDENT ? word : ` ${word}`;
  }
  return [...lines, line];
}

function outputMode(values: { json: boolean; quiet: boolean; verbose: boolean }): OutputMode {
  const chosen = (['json', 'quiet', 'verbose'] as const).filter((flag) => values[flag]);
  if (chosen.length > 1) throw new CliUsageError(`--${chosen[0]} and --${chosen[1]} cannot be combined`);
  return chosen[0] ?? 'normal';
}

export function parseProcessArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): ProcessArgs | { help: true } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        ...optionFlagDeclarations(),
        models: { type: 'string' },
        device: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', short: 'q', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // parseArgs's own errors (unknown option, missing value) are usage errors too.
    throw new CliUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (!values.out) throw new CliUsageError('--out DIR is required');
  if (positionals.length === 0) throw new CliUsageError('no input images given');
  const device = values.device ?? env.FACECRAFT_DEVICE ?? 'auto';
  if (!isDeviceRequest('node', device)) throw new CliUsageError(`--device expects ${deviceChoicesText('node')} but received "${device}"`);
  let options: PortraitOptionsInput;
  try {
    options = optionsFromFlags(values);
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new CliUsageError(error.message, error.code);
    throw error;
  }
  return {
    help: false,
    inputs: positionals,
    outDir: path.resolve(values.out),
    options,
    modelsDir: values.models ? path.resolve(values.models) : defaultModelsDir(env),
    modelsDirSource: values.models ? '--models' : env.FACECRAFT_MODELS_DIR?.trim() ? 'FACECRAFT_MODELS_DIR' : 'default',
    device,
    mode: outputMode(values),
  };
}
