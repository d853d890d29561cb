// `pnpm bench`: the pipeline on the portrait fixtures with the bundled models, on this machine.
// Three warm-up runs, then 9 (at least 5) timed runs per fixture (and per phone-sized photo, reported beside them);
// per-stage medians; the segmentation size study
// (mask IoU against 1024² and time per size). Writes bench/results/<name>.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { WEIGHT_TYPES, type WeightType } from '@facecraft/core';
import { createNodePortraitProcessor, type PortraitResult } from '@facecraft/core/node';
import { hugePageMalloc } from '@facecraft/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = path.join(root, 'packages/core/test/fixtures');
const PORTRAITS = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'portrait-5-tilted.jpg'];
const SEGMENTATION_SIZES = [512, 640, 768, 896, 1024];
const LARGE_PHOTOS = [
  { name: 'portrait-3.jpg', width: 3024, height: 3024 },
  { name: 'group-1.jpg', width: 4032, height: 2688 },
];

const { values } = parseArgs({
  options: {
    // Nine: on this shared machine a median of five still moved by 15 ms between runs of the bench.
    runs: { type: 'string', default: '9' },
    device: { type: 'string', default: process.env.FACECRAFT_DEVICE ?? 'cpu' },
    name: { type: 'string' },
    'skip-sizes': { type: 'boolean', default: false },
    // Both default to what a user gets: every core, and the variant the device prefers.
    threads: { type: 'string' },
    variant: { type: 'string', default: process.env.FACECRAFT_SEGMENTATION_VARIANT ?? 'auto' },
  },
});
const runs = Math.max(5, Number(values.runs));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (v: number) => Math.round(v * 10) / 10;
// Sub-stages (segment.isnet, …) are parts of their stage: not added twice.
const total = (r: PortraitResult) => Object.entries(r.timings).reduce((a, [stage, ms]) => (stage.includes('.') ? a : a + ms), 0);

function maskIoU(a: PortraitResult, b: PortraitResult): number {
  let inter = 0;
  let union = 0;
  for (let i = 3; i < a.image.data.length; i += 4) {
    const x = a.image.data[i] > 127;
    const y = b.image.data[i] > 127;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union ? inter / union : 1;
}

if (values.variant !== 'auto' && !(WEIGHT_TYPES as readonly string[]).includes(values.variant)) throw new Error(`--variant expects auto, ${WEIGHT_TYPES.join(', ')}`);
const processor = await createNodePortraitProcessor({
  modelsDir: path.join(root, 'models'),
  device: values.device as 'cpu' | 'cuda' | 'auto',
  ...(values.threads ? { threads: Number(values.threads) } : {}),
  ...(values.variant !== 'auto' ? { segmentationVariant: values.variant as WeightType } : {}),
});
const segmentationVariant = processor.runtimes.find((r) => r.stage === 'segmentation')?.variant;
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown';
console.log(`Facecraft bench: ${cpu}, ${os.cpus().length} cores, node ${process.version}, ${processor.backend.name} on ${processor.backend.device}, ${processor.backend.threads} threads, ISNet ${segmentationVariant}`);

/** The stages around the models (issue 11's "under 100 ms"): their per-run sum's median is recorded too. */
const AROUND_MODELS = ['detect', 'warp', 'enhance', 'measure', 'encode'] as const;

/**
 * Warm-up runs per photo before the timed ones: with one, the first photo's JavaScript stages
 * were still being optimised (portrait-1's enhance 60–65 ms against 30–35 after three).
 */
const WARM_UP_RUNS = 3;

/** Warm-up, then `runs` timed portraits of one photo: per-stage medians. */
async function timePhoto(name: string, bytes: Uint8Array) {
  for (let i = 0; i < WARM_UP_RUNS; i++) await processor.process(bytes);
  const results: PortraitResult[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = await processor.process(bytes);
    results.push({ ...result, timings: { ...result.timings, wall: performance.now() - start } });
  }
  const stages = Object.keys(results[0].timings);
  const stageMedians = Object.fromEntries(stages.map((s) => [s, round(median(results.map((r) => r.timings[s] ?? 0)))]));
  const aroundModelsMedianMs = round(median(results.map((r) => AROUND_MODELS.reduce((sum, s) => sum + (r.timings[s] ?? 0), 0))));
  const entry = { fixture: name, runs, medianMs: stageMedians.wall, stageMediansMs: stageMedians, aroundModelsMedianMs, minMs: round(Math.min(...results.map((r) => r.timings.wall))), maxMs: round(Math.max(...results.map((r) => r.timings.wall))) };
  console.log(`${name.padEnd(22)} median ${entry.medianMs} ms, around the models ${aroundModelsMedianMs} ms  (${stages.filter((s) => s !== 'wall').map((s) => `${s} ${stageMedians[s]}`).join(', ')})`);
  return entry;
}

const perFixture = [];
for (const name of PORTRAITS) perFixture.push(await timePhoto(name, new Uint8Array(await readFile(path.join(fixtures, name)))));

// Phone-sized photos, beside the headline (which stays the fixtures'): the fixtures are 612–890
// pixels, so their crop is smaller than the canvas; a phone photo's crop is the whole 648² and
// its face windows are read from millions of pixels. Made here by enlarging two fixtures.
const largePhotos = [];
for (const { name, width, height } of LARGE_PHOTOS) {
  const bytes = await sharp(path.join(fixtures, name)).resize(width, height, { fit: 'fill' }).jpeg({ quality: 92 }).toBuffer();
  largePhotos.push(await timePhoto(`${name} enlarged to ${width}×${height}`, new Uint8Array(bytes)));
}

const segmentation = [];
if (!values['skip-sizes']) {
  console.log('\nSegmentation size: mask IoU against 1024² (no oval, no enhancement) and segment-stage time');
  for (const name of PORTRAITS) {
    const bytes = new Uint8Array(await readFile(path.join(fixtures, name)));
    const bySize = new Map<number, PortraitResult>();
    const times = new Map<number, number[]>();
    for (const size of SEGMENTATION_SIZES) {
      for (let i = 0; i < 3; i++) {
        const r = await processor.process(bytes, { segmentationSize: size, ovalMask: false, enhance: false });
        bySize.set(size, r);
        times.set(size, [...(times.get(size) ?? []), r.timings.segment]);
      }
    }
    const reference = bySize.get(1024) as PortraitResult;
    const row = { fixture: name, sizes: SEGMENTATION_SIZES.map((size) => ({ size, iouVs1024: Math.round(maskIoU(bySize.get(size) as PortraitResult, reference) * 1000) / 1000, segmentMedianMs: round(median(times.get(size) ?? [])) })) };
    segmentation.push(row);
    console.log(`${name.padEnd(22)} ${row.sizes.map((s) => `${s.size}: IoU ${s.iouVs1024.toFixed(3)} ${s.segmentMedianMs} ms`).join(' | ')}`);
  }
}
await processor.release();

const result = {
  name: values.name ?? `node-${processor.backend.device}`,
  date: new Date().toISOString(),
  machine: { cpu, cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.arch()}`, node: process.version, malloc: hugePageMalloc() },
  backend: { name: processor.backend.name, device: processor.backend.device, threads: processor.backend.threads, segmentationVariant },
  options: 'defaults (648×648, segmentation 768, enhancement on, oval on)',
  overallMedianMs: round(median(perFixture.map((f) => f.medianMs))),
  fixtures: perFixture,
  largePhotos,
  segmentationSizes: segmentation,
};
await mkdir(path.join(root, 'bench/results'), { recursive: true });
const file = path.join(root, 'bench/results', `${result.name}.json`);
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nmedian of fixture medians: ${result.overallMedianMs} ms → ${path.relative(root, file)}`);
