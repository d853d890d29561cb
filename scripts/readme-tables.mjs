#!/usr/bin/env node
// Generates the README's tables from their sources of truth, between marker comments:
//   <!-- generated:NAME --> … <!-- /generated:NAME -->
// models (models/manifest.json), options (the core's option table), env (the server's config schema), bench (bench/results/*.json),
// images (bench/results/image-sizes.json), quality (bench/results/quality.json), peer (bench/results/peer.json),
// serverBurst (bench/results/server-burst.json), cutoutCost (bench/results/cutout-cost.json), whiteBalance (bench/results/white-balance.json). `pnpm readme` rewrites README.md; `--check` fails
// when it is out of date (a test runs that).
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

async function modelsTable() {
  const manifest = JSON.parse(await readFile(path.join(root, 'models/manifest.json'), 'utf8'));
  const rows = manifest.models.map((m) => {
    const from = m.source.path ?? m.source.resource ?? '';
    const transform = { copy: 'as shipped', 'tfjs-landmark68-to-onnx': 'TF.js weights converted to ONNX', 'isnet-chunks-resolution-agnostic': 'chunks joined; Resize sizes made dynamic; MaxPool ceil_mode as end padding (for WebGPU)', 'tfjs-graph-selfie-to-onnx': 'TF.js graph converted to ONNX', 'isnet-chunks-int8-qdq': 'the same, calibrated on models/calibration/ and quantised to int8 QDQ (U8S8, per-channel weights; residual Adds and decoder Concats in int8 too, the last Conv widened to 16 outputs)', 'isnet-chunks-float32': 'the same, widened to float32, MaxPool ceil_mode as end padding (for WebGPU without `shader-f16`; built where the playground is served)' }[m.transform] ?? m.transform;
    return `| ${m.stage} | ${m.name} | \`${m.file}\` | ${mb(m.bytes)} | ${m.licence} | \`${m.source.package}@${m.source.version}\` ${from ? `(\`${from}\`)` : ''}; ${transform} |`;
  });
  return ['| stage | model | file | size | licence | source |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}

async function envTable() {
  const configModule = path.join(root, 'packages/server/dist/config.js');
  if (!existsSync(configModule)) throw new Error('Build the server first (pnpm build): the env table comes from its config schema');
  const { configTableMarkdown } = await import(pathToFileURL(configModule).href);
  return configTableMarkdown();
}

async function optionsTable() {
  const module = path.join(root, 'packages/server/dist/option-docs.js');
  if (!existsSync(module)) throw new Error('Build the server first (pnpm build): the options table comes from the core\'s option table');
  const { optionsTableMarkdown } = await import(pathToFileURL(module).href);
  return optionsTableMarkdown();
}

/** Runs that recorded their allocator (hugePageMalloc, scripts/fast-malloc.sh) say whether it used huge pages. */
const hugePages = (machine) => (machine.malloc ? (machine.malloc.active ? 'huge-page malloc' : '4 KB-page malloc') : '');

async function benchTable() {
  const dir = path.join(root, 'bench/results');
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.json') && !['image-sizes.json', 'browser.json', 'quality.json', 'peer.json', 'recompiles.json'].includes(f)).sort() : [];
  const rows = [];
  for (const file of files) {
    const r = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
    if (!Array.isArray(r.fixtures)) continue;
    // Phone-sized photos (enlarged fixtures) after the fixtures; the headline median is the fixtures' alone.
    for (const f of [...r.fixtures, ...(r.largePhotos ?? [])]) {
      const s = f.stageMediansMs ?? {};
      // Runs that recorded them name their intra-op threads and ISNet variant.
      const ran = [r.backend?.device ?? '?', r.backend?.threads ? `${r.backend.threads} threads` : '', r.backend?.segmentationVariant ? `ISNet ${r.backend.segmentationVariant}` : '', hugePages(r.machine)].filter(Boolean).join(', ');
      rows.push(`| ${r.backend?.name ?? r.name} (${ran}) | ${r.machine.cpu}, ${r.machine.cores} cores | ${f.fixture} | **${f.medianMs}** | ${s.detect ?? '–'} | ${s.landmarks ?? '–'} | ${s.segment ?? '–'} | ${s.enhance ?? '–'} | ${s.encode ?? '–'} | ${f.aroundModelsMedianMs ?? '–'} | \`${file}\` |`);
    }
  }
  if (rows.length === 0) return '_No benchmark results yet: run `pnpm bench`._';
  return ['| runtime | machine | photo | median ms | detect | landmarks | segment | enhance | encode | around the models | file |', '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |', ...rows].join('\n');
}

async function browserTable() {
  const file = path.join(root, 'bench/results/browser.json');
  if (!existsSync(file)) return '_No in-browser results yet: run `pnpm bench`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  const rows = Object.values(r.results).map((e) => {
    const m = e.medianMsBy ?? e.medianMs;
    // Each model's device and, where the bench recorded it, the variant that ran (int8 ISNet on WASM, float32 on WebGPU without shader-f16).
    const devices = Object.entries(e.modelDevices).map(([model, device]) => `${model}: ${device}${e.modelVariants?.[model] ? ` · ${e.modelVariants[model]}` : ''}`).join(', ');
    const isnet = m['segment.isnet'] === undefined ? '' : ` (ISNet ${Math.round(m['segment.isnet'])})`;
    const load = e.loadAverage ? `${e.loadAverage.before}–${e.loadAverage.after}` : '—';
    const size = e.segmentationSize ?? r.options.segmentationSize;
    // An engine not rerun keeps the machine and browser it ran on (older files name one for all).
    const machine = e.machine ?? r.machine;
    return `| ${e.engine} | ${machine.cpu}, ${machine.cores} cores, Chromium ${e.chromium ?? r.chromium} | ${load} | ${r.photo} | ${size}² | ${e.runsMs?.length ?? r.runs} | **${Math.round(e.medianTotalMs)}** | ${Math.round(m.detect)} | ${Math.round(m.landmarks)} | ${Math.round(m.segment)}${isnet} | ${Math.round(m.enhance)} | ${Math.round(m.encode)} | ${e.wasmThreads ?? '—'} | ${devices} |`;
  });
  return [
    `In the browser (\`bench/results/browser.json\`, medians of the runs after ${r.warmupRuns} warm-up, in a Web Worker; load average: the machine's 1-minute load before and after each engine's runs):`,
    '',
    '| engine | machine | load average | photo | segmentation | runs | median ms | detect | landmarks | segment | enhance | encode | WASM threads | where each model ran · variant |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ].join('\n');
}

async function segmentationTable() {
  const dir = path.join(root, 'bench/results');
  const files = existsSync(dir) ? (await readdir(dir)).filter((f) => f.endsWith('.json')).sort() : [];
  for (const file of files) {
    const r = JSON.parse(await readFile(path.join(dir, file), 'utf8'));
    if (!Array.isArray(r.segmentationSizes) || r.segmentationSizes.length === 0) continue;
    const sizes = r.segmentationSizes[0].sizes.map((s) => s.size);
    const header = `| photo | ${sizes.map((s) => `${s}²`).join(' | ')} |`;
    const rows = r.segmentationSizes.map((f) => `| ${f.fixture} | ${f.sizes.map((s) => `${s.iouVs1024.toFixed(3)} / ${Math.round(s.segmentMedianMs)} ms`).join(' | ')} |`);
    return [`Mask IoU against 1024² / segment-stage median (\`${file}\`):`, '', header, `| --- | ${sizes.map(() => '---').join(' | ')} |`, ...rows].join('\n');
  }
  return '_No segmentation size study yet: run `pnpm bench`._';
}

async function peerTable() {
  const file = path.join(root, 'bench/results/peer.json');
  if (!existsSync(file)) return '_No comparison with the peer yet: run `pnpm bench:peer`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  if (r.unavailable) return `_The peer (${r.peer.package}) could not be timed here: ${r.unavailable}_`;
  const load = r.machine.loadAverage;
  const out = [
    `Measured by \`pnpm bench:peer\` (\`bench/results/peer.json\`; ${r.machine.cpu}, ${r.machine.cores} cores, ${r.date.slice(0, 10)}; medians of ${r.runs} warm runs per photo, the two alternating; load average ${load.before[0]} before, ${load.after[0]} after: the machine was ${load.before[0] > r.machine.cores || load.after[0] > r.machine.cores ? 'shared, so compare the two columns rather than absolute times' : 'quiet'}).`,
    `Facecraft: ${r.facecraft.what}; ${r.facecraft.backend} on ${r.facecraft.device}, ${r.facecraft.threads} threads, ISNet ${r.facecraft.segmentationVariant}${r.machine.malloc ? `, ${hugePages(r.machine)}` : ''}.`,
    `Peer: \`${r.peer.package}\`, ${r.peer.what}; ${r.peer.runtime}; sharp ${r.peer.sharp}.`,
    '',
    '| photo | Facecraft, whole portrait (ms) | peer, background removal (ms) | Facecraft ÷ peer |',
    '| --- | ---: | ---: | ---: |',
    ...r.perPhoto.map((p) => `| ${p.photo} | ${p.facecraftMs} | ${p.peerMs} | ${p.ratio} |`),
    `| **median** | **${r.summary.facecraftMedianMs}** | **${r.summary.peerMedianMs}** | **${r.summary.ratio}** (target ≤ 0.15) |`,
  ];
  return out.join('\n');
}

async function imagesTable() {
  const file = path.join(root, 'bench/results/image-sizes.json');
  if (!existsSync(file)) return '_Image sizes are measured by `docker/check-images.sh`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  const row = (name, i) => `| ${name} | ${i.real_base} | ${i.above_base_mb} MB | ${(i.ready_ms / 1000).toFixed(1)} s | ${(i.quick_ms / 1000).toFixed(1)} s |`;
  return [
    `Measured by \`docker/check-images.sh\` (${r.machine}, ${r.measured_at.slice(0, 10)}), built on a local Debian bookworm + Node stand-in base:`,
    '',
    '| image | base in the published image | added to the base | start → /ready | one /process/quick (256 px) |',
    '| --- | --- | ---: | ---: | ---: |',
    row('`djok/facecraft:cpu`', r.cpu),
    row('`djok/facecraft:gpu` (CPU stand-in)', r.gpu_standin),
  ].join('\n');
}

async function qualityTable() {
  const file = path.join(root, 'bench/results/quality.json');
  if (!existsSync(file)) return '_No cut-out quality results yet: run `pnpm bench:quality`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  const isnet = (r.models ?? []).find((m) => m.startsWith('isnet'));
  const out = [`Measured by \`pnpm bench:quality\` (${r.machine.cpu}, ${r.machine.cores} cores, ${r.date.slice(0, 10)}${isnet ? `; ISNet: ${isnet}` : ''}; \`bench/results/quality.json\`, contact sheets beside it).`];
  if (r.real) {
    const t = r.real.targets;
    const checks = [
      ['faceOpaque', `face α ≥ ${t.faceOpaque}`],
      ['neckOpaque', `neck α ≥ ${t.neckOpaque}`],
      ...(t.bodySolid != null ? [['bodySolid', `see-through body ≤ ${t.bodySolid}`]] : []),
      ['cornersClear', `corners α ≤ ${t.cornersClear}`],
      ['neighboursGone', `neighbours α ≤ ${t.neighboursGone}`],
      ['photoEdgeCut', 'photo-edge cut = 0'],
    ];
    const fmt = (v) => (v == null ? '–' : v.toFixed(3));
    out.push('', 'Real photos, checks without ground truth (mean value / outputs passing):', '');
    out.push(`| set | cut-out | ${checks.map(([, label]) => label).join(' | ')} | all pass |`, `| --- | --- | ${checks.map(() => '---:').join(' | ')} | ---: |`);
    for (const [set, variants] of Object.entries(r.real.summary)) {
      for (const [variant, s] of Object.entries(variants)) {
        out.push(`| ${set} | ${variant} | ${checks.map(([c]) => `${fmt(s.means[c])} / ${s.passes[c]}`).join(' | ')} | **${s.allPass} / ${s.outputs}**${s.noOutput ? ` (+${s.noOutput} without output: no face found, or landmarks unreliable)` : ''} |`);
      }
    }
  }
  if (r.composites) {
    const c = r.composites;
    const n = (c.summary.salient ?? Object.values(c.summary)[0]).composites;
    out.push('', `Composites with a known alpha (${c.foregrounds.length} foregrounds × ${c.backgrounds.length} backgrounds, ${n} composites; lower is better, ratio to \`salient\` in brackets):`, '');
    out.push('| cut-out | SAD | SAD: background kept / edge / subject lost | MSE | gradient | rim colour (on black and white) | SAD above `salient`\'s | other person taken |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [variant, s] of Object.entries(c.summary)) {
      const q = s.ratioToSalient ?? {};
      const p = s.sadParts;
      const parts = p ? `${p.background} / ${p.edge} / ${p.subject}` : '–';
      out.push(`| ${variant} | ${s.sad} (${q.sad}) | ${parts} | ${s.mse} (${q.mse}) | ${s.gradient} (${q.gradient}) | ${s.rimColour ?? '–'} | ${s.worseThanSalient ?? '–'} / ${s.composites} | ${s.otherPersonTaken} |`);
    }
  }
  return out.join('\n');
}

async function cutoutCostText() {
  const file = path.join(root, 'bench/results/cutout-cost.json');
  if (!existsSync(file)) return '_No cut-out cost yet: run `tsx bench/cutout-cost.mts`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  const range = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0]}–${s[s.length - 1]} ms (median ${s[s.length >> 1]})`;
  };
  const rows = r.rows;
  const totals = rows.map((x) => x.refined.totalMs).sort((a, b) => a - b);
  const parts = (name) => range(rows.map((x) => x.refined.partsMs[name]));
  return [
    `What the person model and the refinement cost beyond ISNet alone is measured by \`tsx bench/cutout-cost.mts\``,
    `(\`bench/results/cutout-cost.json\`, ${r.machine}, ${r.date}; medians of ${r.runs} runs on ${rows.length} fixtures (${rows.map((x) => x.photo.replace(/\.\w+$/, '')).join(', ')}) after ${r.warmupRounds ?? 1} warm-up round(s) of each, int8 ISNet, ${r.threads} threads):`,
    `\`person\` adds ${range(rows.map((x) => x.person.addedMs))}, \`refined\` ${range(rows.map((x) => x.refined.addedMs))}, for a whole portrait of ${totals[0]}–${totals[totals.length - 1]} ms.`,
    `Its parts: fusion with the people split and the solid interior ${parts('person')}, edge refinement ${parts('refine')}, edge colours ${parts('foreground')};`,
    `the person map, ${parts('people')}, is made for every cut-out, \`salient\` included, since the framing reads it.`,
    `Beyond ISNet alone, a whole portrait (\`refined\` less \`salient\`) takes ${range(rows.map((x) => x.refined.totalMs - x.salient.totalMs))} more, against the limit of 150 ms.`,
  ].join('\n');
}

async function serverBurstText() {
  const file = path.join(root, 'bench/results/server-burst.json');
  if (!existsSync(file)) return '_No server burst yet: run `tsx bench/server-burst.ts`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const rows = r.rows.map((x) => `${plural(x.workers, 'worker')} × ${plural(x.threadsPerWorker, 'thread')} answer one portrait in ${x.latencyMedianMs} ms (median) and the burst at ${x.photosPerSecond} photos/s`);
  const fastest = [...r.rows].sort((a, b) => a.latencyMedianMs - b.latencyMedianMs)[0];
  const widest = [...r.rows].sort((a, b) => b.photosPerSecond - a.photosPerSecond)[0];
  const workers = (x) => (x.workers === 1 ? 'one worker (the default)' : `\`FACECRAFT_WORKERS=${x.workers}\``);
  const verdict = fastest === widest ? `${workers(fastest)} is best at both` : `${workers(fastest)} favours latency, ${workers(widest)} throughput`;
  return [
    `Under load, \`tsx bench/server-burst.ts\` (\`bench/results/server-burst.json\`, ${r.machine.cpu}, ${r.machine.cores} cores, ${r.date.slice(0, 10)}, ISNet ${r.rows[0].segmentationVariant})`,
    `times single requests one after another and a burst of ${r.rows[0].burst} at once: ${rows.join('; ')}. ${verdict[0].toUpperCase()}${verdict.slice(1)}.`,
  ].join('\n');
}

async function whiteBalanceTable() {
  const file = path.join(root, 'bench/results/white-balance.json');
  if (!existsSync(file)) return '_No white-balance measurement yet: run `tsx bench/white-balance.mts`._';
  const r = JSON.parse(await readFile(file, 'utf8'));
  const lights = Object.keys(r.lights);
  const label = { none: 'photo as it is (0 is right)', warm: 'warm light', cool: 'cool light', green: 'green light' };
  const rows = [];
  for (const set of Object.keys(r.summary)) {
    for (const light of lights) {
      const now = r.summary[set][light];
      const before = r.before.summary[set]?.[light];
      rows.push(`| ${set} | ${label[light] ?? light} | ${now.photos} | ${light === 'none' ? '0' : now.castMedian} | ${before ? `${before.leftMedian} (${before.leftMax})` : '–'} | **${now.leftMedian}** (${now.leftMax}) | ${now.worse} |`);
    }
  }
  return [
    `Degrees of colour angle, median (max) over the photos; ${r.machine}, ${r.date.slice(0, 10)}.`,
    '',
    '| set | light | photos | cast alone, median | grey world (before) | now | left worse than the cast alone (by > 0.5°) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const generators = { whiteBalance: whiteBalanceTable, serverBurst: serverBurstText, cutoutCost: cutoutCostText, models: modelsTable, options: optionsTable, env: envTable, bench: benchTable, browser: browserTable, segmentation: segmentationTable, images: imagesTable, quality: qualityTable, peer: peerTable };

export async function renderReadme(text) {
  let out = text;
  for (const [name, generate] of Object.entries(generators)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->\\n)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) continue;
    const body = await generate();
    out = out.replace(pattern, (_, open, close) => `${open}${body}\n${close}`);
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const readmePath = path.join(root, 'README.md');
  const current = await readFile(readmePath, 'utf8');
  const rendered = await renderReadme(current);
  if (process.argv.includes('--check')) {
    if (rendered !== current) {
      console.error('README.md is out of date with its sources: run `pnpm readme`');
      process.exit(1);
    }
    console.log('README.md tables are up to date');
  } else {
    await writeFile(readmePath, rendered);
    console.log(rendered === current ? 'README.md unchanged' : 'README.md tables regenerated');
  }
}
