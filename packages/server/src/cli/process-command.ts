import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FacecraftError, toPortraitReport, type PortraitOptionsInput } from '@facecraft/core';
import { createNodePortraitProcessor, type NodeDevice } from '@facecraft/core/node';
import { defaultModelsDir } from '../models-dir.js';

const HELP = `Usage: facecraft process <images...> --out DIR [options]

Writes <name>.png (transparent), <name>.jpg (on the background colour, under --max-kb) and
<name>.json (faces, metrics, timings) for each photo. Exit code 1 if any photo failed.

Options:
  --out DIR                 output folder (required)
  --width N --height N      canvas size (default 648×648)
  --background R,G,B        JPEG background (default 240,240,240)
  --margin F                face margin (default 0.3; the top gets 1.5× as much)
  --subject P               largest | center | single (default largest)
  --max-kb N                JPEG size limit in KB (default 99)
  --no-oval                 no feathered oval mask
  --no-enhance              no colour/exposure enhancement
  --keep-background         do not remove the background
  --segmentation-size N     segmentation model input side, multiple of 32 (default 768)
  --models DIR              model folder (default $FACECRAFT_MODELS_DIR or ./models)
  --device D                auto | cpu | cuda (default $FACECRAFT_DEVICE or auto)
`;

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new FacecraftCliError(`--${name} expects a number but received "${value}"`);
  return n;
}

class FacecraftCliError extends Error {}

export function parseProcessArgs(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: 'string' },
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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true as const };
  if (!values.out) throw new FacecraftCliError('--out DIR is required');
  if (positionals.length === 0) throw new FacecraftCliError('no input images given');
  let background: [number, number, number] | undefined;
  if (values.background !== undefined) {
    const parts = values.background.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p))) throw new FacecraftCliError(`--background expects R,G,B but received "${values.background}"`);
    background = parts as [number, number, number];
  }
  const device = (values.device ?? process.env.FACECRAFT_DEVICE ?? 'auto') as NodeDevice;
  if (!['auto', 'cpu', 'cuda'].includes(device)) throw new FacecraftCliError(`--device expects auto, cpu or cuda but received "${device}"`);
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
  return { help: false as const, inputs: positionals, outDir: values.out, options, modelsDir: values.models ? path.resolve(values.models) : defaultModelsDir(), device };
}

/** Output base names, made unique when two inputs share a name (a/x.jpg and b/x.png). */
function outputNames(inputs: readonly string[]): string[] {
  const used = new Map<string, number>();
  return inputs.map((input) => {
    const base = path.basename(input, path.extname(input)) || 'image';
    const count = used.get(base) ?? 0;
    used.set(base, count + 1);
    return count === 0 ? base : `${base}-${count + 1}`;
  });
}

export async function runProcessCommand(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseProcessArgs>;
  try {
    args = parseProcessArgs(argv);
  } catch (error) {
    console.error(`facecraft process: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  let processor;
  try {
    processor = await createNodePortraitProcessor({ modelsDir: args.modelsDir, device: args.device });
  } catch (error) {
    console.error(`facecraft process: ${(error as Error).message}`);
    return 1;
  }
  if (processor.backend.notice) console.error(`facecraft: ${processor.backend.notice}`);
  await mkdir(args.outDir, { recursive: true });
  const names = outputNames(args.inputs);
  let failed = 0;
  for (const [index, input] of args.inputs.entries()) {
    const name = names[index];
    try {
      const bytes = new Uint8Array(await readFile(input));
      const result = await processor.process(bytes, args.options);
      await writeFile(path.join(args.outDir, `${name}.png`), result.png);
      await writeFile(path.join(args.outDir, `${name}.jpg`), result.jpeg);
      await writeFile(path.join(args.outDir, `${name}.json`), `${JSON.stringify({ source: path.basename(input), ...toPortraitReport(result) }, null, 2)}\n`);
      const total = Object.values(result.timings).reduce((a, b) => a + b, 0);
      console.log(`${input}: ${name}.png ${name}.jpg (${(result.jpeg.length / 1024).toFixed(0)} KB, q${result.jpegQuality}) ${result.faces.length} face(s), ${total.toFixed(0)} ms`);
    } catch (error) {
      failed++;
      const reason = error instanceof FacecraftError ? `${error.code}: ${error.message}` : (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
      console.error(`${input}: failed: ${reason.split('\n')[0]}`);
    }
  }
  await processor.release();
  return failed > 0 ? 1 : 0;
}
