// Facecraft against the peer a Node user would pick instead, @imgly/background-removal-node
// (the same ISNet, whole photo at 1024², background removal only), on the same photos.
// The peer is installed into a temporary folder here (it is AGPL: never a dependency of this repo)
// and runs in a child process; rounds alternate which of the two goes first. Each side is warmed
// up on every photo, then timed `--runs` times; medians per photo and their ratio.
// Writes bench/results/peer.json (`pnpm readme` turns it into the README's peer table).
//
//   tsx bench/peer-bench.ts [--runs 5]
import { fork, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createNodePortraitProcessor } from '@facecraft/core/node';
import { hugePageMalloc } from '@facecraft/server';
import { installPeer, PEER, PEER_SHARP } from './peer/install-peer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const fixtures = path.join(root, 'packages/core/test/fixtures');
const PHOTOS = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'portrait-5-tilted.jpg'];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, out: { type: 'string', default: path.join(root, 'bench/results/peer.json') } } });
const runs = Math.max(3, Number(values.runs));

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

interface PeerReply {
  readonly ready?: boolean;
  readonly ms?: number;
  readonly rssMb?: number;
  readonly error?: string;
}

/** The peer's child process, one photo at a time. */
async function startPeer(entry: string, publicPath: string) {
  const child: ChildProcess = fork(path.join(here, 'peer/peer-child.mjs'), [entry, publicPath], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise<PeerReply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`the peer's process exited (code ${code})`));
      child.once('exit', onExit);
      child.once('message', (m) => {
        child.off('exit', onExit);
        resolve(m as PeerReply);
      });
    });
  await next();
  return {
    async run(file: string): Promise<{ ms: number; rssMb: number }> {
      const reply = next();
      child.send({ file });
      const r = await reply;
      if (r.error || r.ms === undefined) throw new Error(`the peer failed on ${path.basename(file)}: ${r.error}`);
      return { ms: r.ms, rssMb: r.rssMb ?? 0 };
    },
    stop: () => child.kill(),
  };
}

const started = new Date().toISOString();
const loadBefore = os.loadavg();
const cpu = os.cpus()[0]?.model.trim() ?? 'unknown';
const machine = () => ({ cpu, cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.arch()}`, node: process.version, malloc: hugePageMalloc(), loadAverage: { before: loadBefore.map((v) => round(v, 2)), after: os.loadavg().map((v) => round(v, 2)) } });

let installed: ReturnType<typeof installPeer>;
let peer: Awaited<ReturnType<typeof startPeer>>;
try {
  installed = installPeer();
  peer = await startPeer(installed.entry, installed.publicPath);
} catch (error) {
  // No registry, or the peer does not start here: the results file and the README say why.
  const unavailable = (error as Error).message.split('\n')[0];
  await writeFile(values.out, `${JSON.stringify({ date: started, machine: machine(), peer: { package: `${PEER.name}@${PEER.version}` }, unavailable }, null, 2)}\n`);
  console.error(`The peer could not be run: ${unavailable} (written to ${path.relative(root, values.out)})`);
  process.exit(1);
}
const processor = await createNodePortraitProcessor({ modelsDir: path.join(root, 'models') });
const variant = processor.runtimes.find((r) => r.stage === 'segmentation')?.variant;
console.log(`Peer bench: ${cpu}, ${os.cpus().length} cores; Facecraft ${processor.backend.device}, ${processor.backend.threads} threads, ISNet ${variant}; ${PEER.name}@${installed.versions[PEER.name]} (onnxruntime-node ${installed.versions['onnxruntime-node']})`);

const photos = await Promise.all(PHOTOS.map(async (name) => ({ name, file: path.join(fixtures, name), bytes: new Uint8Array(await readFile(path.join(fixtures, name))) })));
const facecraftOnce = async (bytes: Uint8Array) => {
  const start = performance.now();
  await processor.process(bytes);
  return performance.now() - start;
};

// Warm-up: every photo once on each side (session creation, first-run allocations).
for (const p of photos) {
  await facecraftOnce(p.bytes);
  await peer.run(p.file);
}
const times = new Map(photos.map((p) => [p.name, { facecraft: [] as number[], peer: [] as number[] }]));
let peerRssMb = 0;
for (let round = 0; round < runs; round++) {
  for (const p of photos) {
    const t = times.get(p.name)!;
    const timeFacecraft = async () => t.facecraft.push(await facecraftOnce(p.bytes));
    const timePeer = async () => {
      const r = await peer.run(p.file);
      t.peer.push(r.ms);
      peerRssMb = Math.max(peerRssMb, r.rssMb);
    };
    // Alternate who goes first, so that neither always runs on a cache the other just warmed.
    if (round % 2 === 0) await timeFacecraft().then(timePeer);
    else await timePeer().then(timeFacecraft);
  }
  console.log(`round ${round + 1}/${runs} done`);
}
peer.stop();
await processor.release();

const perPhoto = photos.map((p) => {
  const t = times.get(p.name)!;
  const facecraftMs = round(median(t.facecraft));
  const peerMs = round(median(t.peer));
  return { photo: p.name, facecraftMs, peerMs, ratio: round(facecraftMs / peerMs, 3), facecraftRunsMs: t.facecraft.map((v) => round(v)), peerRunsMs: t.peer.map((v) => round(v)) };
});
const facecraftMedian = round(median(perPhoto.map((r) => r.facecraftMs)));
const peerMedian = round(median(perPhoto.map((r) => r.peerMs)));
const result = {
  $comment: 'Written by bench/peer-bench.ts. Medians of warm runs per photo; the machine may have been shared (see loadAverage): compare the two columns, which ran alternately in the same minutes, rather than absolute times across runs.',
  date: started,
  machine: machine(),
  runs,
  facecraft: {
    what: 'whole pipeline, default options: detect, landmarks, segmentation, cut-out, level, crop, enhance, PNG and JPEG encode (648² portrait)',
    backend: processor.backend.name,
    device: processor.backend.device,
    threads: processor.backend.threads,
    segmentationVariant: variant,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  },
  peer: {
    package: `${PEER.name}@${installed.versions[PEER.name]}`,
    what: "removeBackground(photo) with its defaults (model 'medium': ISNet float16 at 1024², whole photo) and PNG output, in its own Node process",
    runtime: `onnxruntime-node ${installed.versions['onnxruntime-node']} (its own dependency, CPU), default threads`,
    sharp: `${installed.versions.sharp} (it asks for ~0.32, whose install script downloads libvips from GitHub, out of reach here; ${PEER_SHARP} is the repo's own and ships libvips as npm packages)`,
    installedInto: 'a temporary folder at bench time (AGPL: not a dependency of this repo); its models ship inside its npm package, so it runs offline',
    rssMb: peerRssMb,
  },
  perPhoto,
  summary: { facecraftMedianMs: facecraftMedian, peerMedianMs: peerMedian, ratio: round(facecraftMedian / peerMedian, 3), target: 'Facecraft ≤ 0.15× the peer (issue 11)' },
};
await writeFile(values.out, `${JSON.stringify(result, null, 2)}\n`);
for (const r of perPhoto) console.log(`${r.photo.padEnd(22)} facecraft ${r.facecraftMs} ms  peer ${r.peerMs} ms  ratio ${r.ratio}`);
console.log(`median: facecraft ${facecraftMedian} ms, peer ${peerMedian} ms, ratio ${result.summary.ratio} → ${path.relative(root, values.out)}`);
