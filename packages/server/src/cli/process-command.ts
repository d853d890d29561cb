import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { devicesOf, toPortraitReport } from '@facecraft/core';
import { createNodePortraitProcessor, type PortraitProcessor } from '@facecraft/core/node';
import { describeDeviceFallback } from '../device-fallback.js';
import { MODELS_DIR_CANDIDATES } from '../models-dir.js';
import { portraitFields } from '../routes/portrait-response.js';
import { collectInputs } from './collect-inputs.js';
import { describeFailure } from './describe-failure.js';
import { CliUsageError, optionFlagHelp, parseProcessArgs, type ProcessArgs } from './process-args.js';
import { createJsonReporter, createTextReporter, type PhotoOutcome } from './process-reporter.js';

const HELP = `Usage: facecraft process <photos, folders or "globs"...> --out DIR [options]

Writes <name>.png (transparent), <name>.jpg (on the background colour, under --max-kb) and
<name>.json (faces, metrics, timings; the API's snake_case names) for each photo. A folder gives
every image file under it (recursively); a quoted glob ("photos/**/*.jpg") the image files it
matches. Works from any folder: the models are found as described under --models.

Options:
  -o, --out DIR             output folder (required; created when missing)
${optionFlagHelp()}
  --models DIR              model folder (default $FACECRAFT_MODELS_DIR, else /app/models in the
                            images, else the clone's models/ beside packages/, else the folder
                            \`facecraft models\` fills: ~/.cache/facecraft/models)
  --device D                ${['auto', ...devicesOf('node')].join(' | ')} (default $FACECRAFT_DEVICE or auto)
  --json                    print one JSON document (counts, each photo's files or error) on
                            stdout instead of progress lines
  -q, --quiet               print only failures
  -v, --verbose             also print output files, stage timings and skipped files

Output: "[n/N] <photo> … ok 0.6 s" per photo on stdout, "… failed: <reason> (<code>)" on stderr,
a summary line last.
Exit codes: 0 every photo made a portrait; 1 at least one photo failed (or the models could not
be loaded); 2 the command line is wrong.
`;

/** The photo's base name for its outputs, made unique when two inputs share one (a/x.jpg and b/x.png). */
function outputNamer(): (input: string) => string {
  const used = new Map<string, number>();
  return (input) => {
    const base = path.basename(input, path.extname(input)) || 'image';
    const count = used.get(base) ?? 0;
    used.set(base, count + 1);
    return count === 0 ? base : `${base}-${count + 1}`;
  };
}

/** The output folder, created when missing; a clear message when the path is a file. */
async function prepareOutDir(outDir: string): Promise<string | undefined> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) return `--out ${outDir} is a file; give a folder (it is created when missing)`;
  try {
    await mkdir(outDir, { recursive: true });
    return undefined;
  } catch (error) {
    return `cannot create the output folder ${outDir}: ${describeFailure(error).message}`;
  }
}

/** Where to look for models when none are found, in words for the error message. */
function modelsHint(args: ProcessArgs): string {
  if (args.modelsDirSource !== 'default') return `(from ${args.modelsDirSource})`;
  return `(looked in ${MODELS_DIR_CANDIDATES.join(' and ')}; run \`facecraft models\`, give --models DIR or set FACECRAFT_MODELS_DIR, or run \`pnpm models\` in the clone)`;
}

async function processOne(processor: PortraitProcessor, args: ProcessArgs, file: string, name: string): Promise<PhotoOutcome> {
  const started = performance.now();
  try {
    const result = await processor.process(new Uint8Array(await readFile(file)), args.options);
    const files = { png: path.join(args.outDir, `${name}.png`), jpg: path.join(args.outDir, `${name}.jpg`), json: path.join(args.outDir, `${name}.json`) };
    // The API's serialisation of a result (snake_case), so a report reads the same from either.
    const report = portraitFields(toPortraitReport(result), Math.round(performance.now() - started));
    await writeFile(files.png, result.png);
    await writeFile(files.jpg, result.jpeg);
    await writeFile(files.json, `${JSON.stringify({ source: path.basename(file), ...report }, null, 2)}\n`);
    return { source: file, status: 'ok', ms: performance.now() - started, files, report };
  } catch (error) {
    return { source: file, status: 'failed', ms: performance.now() - started, error: describeFailure(error) };
  }
}

export async function runProcessCommand(argv: readonly string[]): Promise<number> {
  let args: ProcessArgs;
  try {
    const parsed = parseProcessArgs(argv);
    if (parsed.help) {
      console.log(HELP);
      return 0;
    }
    args = parsed;
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    console.error(`facecraft process: ${error.message}${error.code ? ` (${error.code})` : ''}\n\n${HELP}`);
    return 2;
  }
  const started = performance.now();
  const reporter = args.mode === 'json' ? createJsonReporter() : createTextReporter(args.mode);
  const outProblem = await prepareOutDir(args.outDir);
  if (outProblem) {
    console.error(`facecraft process: ${outProblem}`);
    return 2;
  }
  const { items, skipped } = await collectInputs(args.inputs);

  reporter.loadingModels(args.modelsDir, args.device);
  let processor: PortraitProcessor;
  try {
    processor = await createNodePortraitProcessor({ modelsDir: args.modelsDir, device: args.device });
  } catch (error) {
    console.error(`facecraft process: could not load the models from ${args.modelsDir} ${modelsHint(args)}: ${describeFailure(error).message}`);
    return 1;
  }
  const modelsMs = performance.now() - started;
  reporter.modelsLoaded(processor.backend.name, processor.backend.device, modelsMs, describeDeviceFallback(args.device, processor.backend.device, processor.backend.notice));
  reporter.skipped(skipped);

  const nameFor = outputNamer();
  let failed = 0;
  for (const [index, item] of items.entries()) {
    const outcome: PhotoOutcome = item.problem
      ? { source: item.file, status: 'failed', ms: 0, error: item.problem }
      : await processOne(processor, args, item.file, nameFor(item.file));
    if (outcome.status === 'failed') failed++;
    reporter.photo(index + 1, items.length, outcome);
  }
  await processor.release();
  reporter.finished({ totalMs: performance.now() - started, modelsMs, device: processor.backend.device, backend: processor.backend.name, outDir: args.outDir });
  return failed > 0 ? 1 : 0;
}
