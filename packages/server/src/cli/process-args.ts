import path from 'node:path';
import { parseArgs } from 'node:util';
import type { PortraitOptionsInput } from '@facecraft/core';
import type { NodeDevice } from '@facecraft/core/node';
import { defaultModelsDir } from '../models-dir.js';

/** A mistake in the command line: the command prints it with its help and exits 2. */
export class CliUsageError extends Error {}

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

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliUsageError(`--${name} expects a number but received "${value}"`);
  return n;
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
        width: { type: 'string' },
        height: { type: 'string' },
        background: { type: 'string' },
        margin: { type: 'string' },
        subject: { type: 'string' },
        'max-kb': { type: 'string' },
        'no-oval': { type: 'boolean', default: false },
        'no-enhance': { type: 'boolean', default: false },
        'keep-background': { type: 'boolean', default: false },
        'segmentation-size': { type: 'string' },
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
  let background: [number, number, number] | undefined;
  if (values.background !== undefined) {
    const parts = values.background.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) throw new CliUsageError(`--background expects R,G,B but received "${values.background}"`);
    background = parts as [number, number, number];
  }
  const device = (values.device ?? env.FACECRAFT_DEVICE ?? 'auto') as NodeDevice;
  if (!['auto', 'cpu', 'cuda'].includes(device)) throw new CliUsageError(`--device expects auto, cpu or cuda but received "${device}"`);
  const options: PortraitOptionsInput = {
    width: numberOption('width', values.width),
    height: numberOption('height', values.height),
    background,
    faceMargin: numberOption('margin', values.margin),
    subject: values.subject as PortraitOptionsInput['subject'],
    maxJpegKb: numberOption('max-kb', values['max-kb']),
    segmentationSize: numberOption('segmentation-size', values['segmentation-size']),
    ...(values['no-oval'] ? { ovalMask: false } : {}),
    ...(values['no-enhance'] ? { enhance: false } : {}),
    ...(values['keep-background'] ? { removeBackground: false } : {}),
  };
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
