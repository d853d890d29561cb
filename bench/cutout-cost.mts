// The cost of the person prior and the edge refinement: the same photos through each cut-out,
// alternating, medians of several warm runs. Writes bench/results/cutout-cost.json.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createNodePortraitProcessor } from '../packages/core/src/node.ts';

const RUNS = Number(process.env.RUNS ?? 5);
// The six single portraits, and two photos whose subject touches someone (the people split and
// the colour split run in full there: a couple cheek to cheek, a woman with a neighbour's hair beside her face).
const photos = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'portrait-5-tilted.jpg', 'bar-night-couple-flash.jpg', 'older-woman-magnifier-lamp.jpg'];
const modes = ['salient', 'person', 'refined'] as const;
const threads = Math.max(1, os.availableParallelism());
const p = await createNodePortraitProcessor({ modelsDir: 'models', device: 'cpu', threads });
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const WARMUP = Number(process.env.WARMUP ?? 3);
// Warm-up: every photo through every mode a few times first. V8 takes several portraits to
// settle (one round per mode left the first photo's runs 20-50 ms slower than the others').
for (let r = 0; r < WARMUP; r++) for (const photo of photos) for (const m of modes) await p.process(readFileSync(`packages/core/test/fixtures/${photo}`), { cutout: m });
const rows = [];
for (const photo of photos) {
  const bytes = readFileSync(`packages/core/test/fixtures/${photo}`);
  const samples: Record<string, { total: number[]; cutout: number[]; parts: Record<string, number[]> }> = {};
  for (const m of modes) {
    samples[m] = { total: [], cutout: [], parts: {} };
    await p.process(bytes, { cutout: m });
  }
  for (let r = 0; r < RUNS; r++) {
    for (const m of modes) {
      const t0 = performance.now();
      const res = await p.process(bytes, { cutout: m });
      samples[m].total.push(performance.now() - t0);
      // What the cut-out adds beyond ISNet: the person model and fusion, the refinement, the framing look, the edge colours (with the zones they read, worked out before the enhancement).
      const parts = { people: res.timings.people ?? 0, person: res.timings['segment.person'] ?? 0, refine: res.timings['segment.refine'] ?? 0, frame: res.timings.frame ?? 0, foreground: (res.timings.foreground ?? 0) + (res.timings.edges ?? 0) };
      for (const [k, v] of Object.entries(parts)) (samples[m].parts[k] ??= []).push(v);
      samples[m].cutout.push(Object.values(parts).reduce((a, b) => a + b, 0));
    }
  }
  const row = {
    photo,
    ...Object.fromEntries(
      modes.map((m) => [m, { totalMs: Math.round(median(samples[m].total)), addedMs: Math.round(median(samples[m].cutout)), partsMs: Object.fromEntries(Object.entries(samples[m].parts).map(([k, v]) => [k, Math.round(median(v))])) }]),
    ),
  };
  console.log(JSON.stringify(row));
  rows.push(row);
}
// Beyond ISNet alone (whose own framing look is counted against it, so only the difference remains).
const added = (m: 'person' | 'refined') => median(rows.map((r: any) => r[m].addedMs - r.salient.addedMs));
const out = { name: 'cut-out cost', machine: `${os.cpus()[0].model}, ${os.cpus().length} cores`, date: new Date().toISOString().slice(0, 10), threads, runs: RUNS, warmupRounds: WARMUP, rows, medianAddedMs: { person: added('person'), refined: added('refined') } };
writeFileSync('bench/results/cutout-cost.json', `${JSON.stringify(out, null, 2)}\n`);
console.log(out.medianAddedMs);
