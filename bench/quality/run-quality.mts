/**
 * `pnpm bench:quality`: the cut-out quality benchmark. Writes bench/results/quality.json and the
 * contact sheets bench/results/quality-real-dev.png, quality-real-held-out.png and
 * quality-composites.png; then
 * `node scripts/readme-tables.mjs` puts its table in the README.
 *
 * QUALITY_ONLY=real|composites runs one half (the other half is kept from the last quality.json);
 * QUALITY_ONLY=none runs nothing and only re-summarises the last quality.json;
 * QUALITY_COMPOSITES=N stops after N composites (a quick look; the README table says how many).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BACKGROUNDS, foregroundNames, runComposites, summariseComposites } from './composites.mts';
import { contactSheet, loadProcessor, resultsDir, SIZE } from './lib.mts';
import { CHECKS, FACE_MARGINS, runRealPhotos, summarise, TARGETS } from './real-photos.mts';

const only = process.env.QUALITY_ONLY;
const limit = process.env.QUALITY_COMPOSITES ? Number(process.env.QUALITY_COMPOSITES) : Infinity;
const T = 200;
const started = performance.now();
const processor = only === 'none' ? undefined : await loadProcessor();
mkdirSync(resultsDir, { recursive: true });
const jsonFile = path.join(resultsDir, 'quality.json');
const previous = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : {};

let real = previous.real && { ...previous.real, summary: summarise(previous.real.results) };
if (processor && only !== 'composites') {
  const t0 = performance.now();
  const run = await runRealPhotos(processor, T);
  for (const [set, tiles] of Object.entries(run.tiles)) writeFileSync(path.join(resultsDir, `quality-real-${set}.png`), await contactSheet(tiles, run.columns, T));
  real = {
    options: { size: SIZE, ovalMask: false, enhance: false, segmentationSize: 'default (768)', faceMargins: FACE_MARGINS },
    targets: TARGETS,
    checks: CHECKS,
    seconds: Math.round((performance.now() - t0) / 1000),
    summary: summarise(run.results),
    results: run.results,
  };
}

let composites = previous.composites && { ...previous.composites, summary: summariseComposites(previous.composites.results) };
if (processor && only !== 'real') {
  const t0 = performance.now();
  const run = await runComposites(processor, T, { limit });
  writeFileSync(path.join(resultsDir, 'quality-composites.png'), await contactSheet(run.tiles, run.columns, T));
  composites = {
    options: { size: SIZE, faceMargin: 0.4, ovalMask: false, enhance: false, canvas: '960×800', metrics: 'SAD = Σ|α−α*|/1000, MSE over the 648² canvas, gradient = Σ(|∇α|−|∇α*|)²/1000 (Gaussian derivatives, σ 1.4); α in [0, 1]' },
    foregrounds: foregroundNames(),
    backgrounds: BACKGROUNDS.map((b) => b.name),
    seconds: Math.round((performance.now() - t0) / 1000),
    summary: summariseComposites(run.results),
    results: run.results,
  };
}

const cpus = os.cpus();
const report = {
  name: 'cut-out quality',
  machine: { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, platform: `${os.platform()} ${os.arch()}`, node: process.version },
  date: processor ? new Date().toISOString() : previous.date,
  seconds: processor ? Math.round((performance.now() - started) / 1000) : previous.seconds,
  /** Every model that ran, with its weight type (ISNet's variant is the runtime's choice unless QUALITY_SEGMENTATION_VARIANT says). */
  models: processor ? processor.runtimes.map((r) => `${r.model} (${r.variant}, ${r.device})`) : previous.models,
  real,
  composites,
};
writeFileSync(jsonFile, `${JSON.stringify(report, null, 1)}\n`);
console.log(`wrote ${path.relative(process.cwd(), jsonFile)} in ${report.seconds} s`);
await processor?.release();
