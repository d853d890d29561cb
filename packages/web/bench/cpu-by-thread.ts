/**
 * Where the browser's CPU goes while the playground makes a portrait: the CPU time of each of
 * Chromium's threads over one run (after a warm-up), largest first. On a 2-core machine every
 * thread that is not the worker or onnxruntime's WASM threads takes CPU from the models; this is
 * how the software-composited spinner was found (0.9 CPU-s per portrait in the GPU process).
 *
 *   tsx bench/cpu-by-thread.ts [--device wasm --runs 2 --photo FILE]
 *
 * Needs packages/web/dist (`pnpm --filter @facecraft/web build`) and the models.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, tempProfile } from '../test/support/browser.js';
import { openPlayground, processPhoto, waitForModels } from '../test/support/playground-page.js';
import { fixturesDir, startPlaygroundServer } from '../test/support/playground-server.js';
import { chromiumThreadCpuMs } from './chromium-cpu.js';

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'wasm' },
    runs: { type: 'string', default: '2' },
    photo: { type: 'string', default: path.join(fixturesDir, 'portrait-1.jpg') },
  },
});
const photo = values.photo as string;
const server = await startPlaygroundServer();
const profileDir = tempProfile();
const session = await launchBrowser({ userDataDir: profileDir, webgpu: values.device === 'webgpu' });
try {
  await openPlayground(session.page, `${server.playgroundUrl}?device=${values.device}`);
  if ((await waitForModels(session.page, 600_000)) !== 'ready') throw new Error('the models did not load');
  await processPhoto(session.page, photo, 900_000); // warm-up
  for (let run = 1; run <= Number(values.runs); run++) {
    const before = chromiumThreadCpuMs(profileDir);
    const started = Date.now();
    const state = await processPhoto(session.page, photo, 900_000);
    const wallMs = Date.now() - started;
    const used = [...chromiumThreadCpuMs(profileDir)].map(([thread, ms]) => [thread, ms - (before.get(thread) ?? 0)] as const).filter(([, ms]) => ms > 0);
    used.sort((a, b) => b[1] - a[1]);
    console.log(`run ${run} (${state}): ${wallMs} ms wall, ${used.reduce((sum, [, ms]) => sum + ms, 0)} ms CPU`);
    for (const [thread, ms] of used.slice(0, 12)) console.log(`  ${String(ms).padStart(6)} ms  ${thread}`);
  }
} finally {
  await session.close();
  rmSync(profileDir, { recursive: true, force: true });
  await server.close();
}
