// How much V8 compiles in a steady-state portrait: the same photos through the refined cut-out
// many times under --trace-opt, summing TurboFan's compile time in the runs after the warm-up,
// per source file. A per-pixel loop that calls a closure made per call is compiled again for
// every portrait (V8 keeps a closure's optimised code only while one of its closures lives),
// on the second core the pipeline's own work needs: this shows it. Writes
// bench/results/recompiles.json. `tsx bench/recompiles.mts`.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

// Two single portraits, and two where the subject touches someone (the people split, the hair
// over the other face and the colour split run there).
const PHOTOS = ['portrait-1.jpg', 'portrait-3.jpg', 'bar-night-couple-flash.jpg', 'older-woman-magnifier-lamp.jpg'];
const WARMUP = 10;
const MEASURED = 6;
const MARK = '=== facecraft run';

if (process.env.RECOMPILES_CHILD) {
  // The child: process each photo WARMUP + MEASURED times, marking where each measured run starts.
  const { createNodePortraitProcessor } = await import('../packages/core/src/node.ts');
  const p = await createNodePortraitProcessor({ modelsDir: 'models', device: 'cpu', threads: Math.max(1, os.availableParallelism()) });
  const bytes = readFileSync(`packages/core/test/fixtures/${process.env.RECOMPILES_CHILD}`);
  for (let r = 0; r < WARMUP + MEASURED; r++) {
    console.log(`${MARK} ${r}`);
    await p.process(bytes, { cutout: 'refined' });
  }
} else {
  const rows = [];
  for (const photo of PHOTOS) {
    const child = spawnSync(process.execPath, ['--trace-opt', '--trace-file-names', '--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, RECOMPILES_CHILD: photo },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`the run on ${photo} failed: ${child.stderr.slice(-2000)}`);
    const byFile = new Map<string, number>();
    let run = -1;
    for (const line of child.stdout.split('\n')) {
      if (line.startsWith(MARK)) run = Number(line.slice(MARK.length));
      if (run < WARMUP || !line.startsWith('[completed compiling')) continue;
      // [completed compiling 0x… <JSFunction name <file:///…/src/x.ts> (sfi = …)> (target TURBOFAN) [OSR ]- took a, b, c ms]
      const file = /<file:\/\/([^>]+)>/.exec(line)?.[1];
      const took = /took ([\d.]+), ([\d.]+), ([\d.]+) ms/.exec(line);
      if (!file || !took) continue;
      const where = file.includes('/packages/') ? file.slice(file.indexOf('/packages/') + 1) : 'elsewhere';
      byFile.set(where, (byFile.get(where) ?? 0) + Number(took[1]) + Number(took[2]) + Number(took[3]));
    }
    const perRun = [...byFile].map(([file, ms]) => ({ file, ms: Math.round((ms / MEASURED) * 10) / 10 })).sort((a, b) => b.ms - a.ms);
    const row = { photo, compileMsPerRun: Math.round(perRun.reduce((s, r) => s + r.ms, 0) * 10) / 10, byFile: perRun.filter((r) => r.ms >= 0.5) };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  const out = { name: 'steady-state recompiles', machine: `${os.cpus()[0].model}, ${os.cpus().length} cores`, date: new Date().toISOString().slice(0, 10), node: process.version, warmupRuns: WARMUP, measuredRuns: MEASURED, rows };
  writeFileSync('bench/results/recompiles.json', `${JSON.stringify(out, null, 2)}\n`);
}
