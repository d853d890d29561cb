// `tsx bench/stage-ab.ts --rev <git revision>`: the stages around the models, this checkout's
// core against the core at <rev>, on the same photos in alternating runs (a shared machine's load
// hits both alike). Per-stage medians of the stage timer, their sum, and whether the outputs
// (pixels, PNG/JPEG sizes, metrics) are the same: differences are those of every change since
// <rev>, committed or not. Both cores run from their TypeScript sources.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { PortraitResult } from '@facecraft/core/node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rev: { type: 'string' },
    runs: { type: 'string', default: '5' },
    fixtures: { type: 'string', default: 'portrait-1.jpg,portrait-2.jpg,portrait-3.jpg,portrait-4.jpg,portrait-5.jpg,portrait-5-tilted.jpg' },
  },
});
if (!values.rev) throw new Error('--rev <git revision> is required (the core to compare against)');
const runs = Math.max(5, Number(values.runs));
// STAGES=segment.person,segment.refine,… times other parts of the stage timer instead.
const STAGES = process.env.STAGES ? process.env.STAGES.split(',') : ['frame', 'warp', 'enhance', 'oval', 'foreground', 'resize', 'measure', 'encode'];

// The other core, extracted from git next to its own node_modules.
const dir = mkdtempSync(path.join(os.tmpdir(), 'facecraft-ab-'));
execFileSync('sh', ['-c', `git -C "${root}" archive "${values.rev}" packages/core | tar -x -C "${dir}"`]);
symlinkSync(path.join(root, 'packages/core/node_modules'), path.join(dir, 'packages/core/node_modules'));

type Processor = { process(bytes: Uint8Array): Promise<PortraitResult>; release(): Promise<void> };
const load = async (core: string): Promise<Processor> =>
  (await import(pathToFileURL(path.join(core, 'src/node.ts')).href)).createNodePortraitProcessor({ modelsDir: path.join(root, 'models') });
const sides: Array<{ name: string; processor: Processor }> = [
  { name: values.rev, processor: await load(path.join(dir, 'packages/core')) },
  { name: 'this', processor: await load(path.join(root, 'packages/core')) },
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
console.log(`${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}; ${runs} alternating runs`);
for (const fixture of values.fixtures.split(',')) {
  const bytes = new Uint8Array(readFileSync(path.join(root, 'packages/core/test/fixtures', fixture)));
  const times = sides.map(() => Object.fromEntries([...STAGES, 'sum'].map((s) => [s, [] as number[]])));
  const first: PortraitResult[] = [];
  for (const { processor } of sides) first.push(await processor.process(bytes)); // warm-up, and the outputs compared
  for (let r = 0; r < runs; r++) {
    for (const i of r % 2 ? [1, 0] : [0, 1]) {
      const { timings } = await sides[i].processor.process(bytes);
      for (const s of STAGES) times[i][s].push(timings[s] ?? 0);
      times[i].sum.push(STAGES.reduce((a, s) => a + (timings[s] ?? 0), 0));
    }
  }
  for (const [i, { name }] of sides.entries()) {
    console.log(`${fixture.padEnd(22)} ${name.padEnd(10)} ${[...STAGES, 'sum'].map((s) => `${s} ${median(times[i][s]).toFixed(1)}`).join('  ')}`);
  }
  const [a, b] = first;
  let differ = 0;
  for (let i = 0; i < a.image.data.length; i++) if (a.image.data[i] !== b.image.data[i]) differ++;
  const same = JSON.stringify(a.metrics) === JSON.stringify(b.metrics);
  console.log(`  pixels ${differ ? `${differ} bytes differ` : 'identical'}, metrics ${same ? 'same' : 'differ'}; PNG ${a.png.length} → ${b.png.length} B, JPEG q${a.jpegQuality} ${a.jpeg.length} → q${b.jpegQuality} ${b.jpeg.length} B`);
}
for (const { processor } of sides) await processor.release();
rmSync(dir, { recursive: true, force: true });
