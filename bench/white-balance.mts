/**
 * White balance on real portraits: how far the default enhancement moves the subject's colour
 * away from the photo's own (the same enhancement without white balance), on each photo as it
 * is and on copies under a warm, a cool and a green light (channels scaled in linear light).
 * A balanced photo should not move; a cast copy should move back towards the photo.
 *
 * The measure is the angle in degrees between two colours taken as directions in linear RGB:
 * the mean colour of the output's subject (alpha > 0.5). "cast" is how far the cast alone moves
 * it (white balance off), "left" how far it stays after the white balance.
 *
 * `tsx bench/white-balance.mts` → bench/results/white-balance.json (≈ 5 min on 2 cores).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadProcessor, resultsDir, root } from './quality/lib.mts';

const LIGHTS: Record<string, readonly [number, number, number]> = { none: [1, 1, 1], warm: [1.15, 1, 0.8], cool: [0.85, 1, 1.18], green: [0.92, 1.1, 0.92] };
const sets = JSON.parse(readFileSync(path.join(root, 'bench/quality/photos/sets.json'), 'utf8')) as { heldOut: string[]; development: string[] };
const fixtures = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'group-2.jpg', 'group-3.jpg', 'astronaut.png'].map((f) => path.join(root, 'packages/core/test/fixtures', f));
const photoSet = (names: string[]) => names.map((f) => path.join(root, 'bench/quality/photos', f));
const SETS = { dev: [...fixtures, ...photoSet(sets.development)], 'held-out': photoSet(sets.heldOut) };

const linear = (v: number) => (v <= 10.31475 ? v / 3294.6 : ((v / 255 + 0.055) / 1.055) ** 2.4);
const encode = (v: number) => Math.round(255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * Math.min(1, v) ** (1 / 2.4) - 0.055));

async function underLight(file: string, light: readonly number[]): Promise<Buffer> {
  const { data, info } = await sharp(readFileSync(file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) out[i] = encode(linear(data[i]) * light[i % 3]);
  return sharp(out, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toBuffer();
}

async function subjectColour(png: Uint8Array): Promise<number[]> {
  const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 128) for (let c = 0; c < 3; c++) sum[c] += linear(data[i + c]);
  return sum;
}

const angle = (a: number[], b: number[]) => (Math.acos(Math.min(1, (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]) / Math.hypot(...a) / Math.hypot(...b))) * 180) / Math.PI;
const round = (v: number) => Math.round(v * 10) / 10;
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const processor = await loadProcessor();
const started = performance.now();
const results: { set: string; photo: string; light: string; cast: number; left: number; gains?: unknown; error?: string }[] = [];
for (const [set, files] of Object.entries(SETS)) {
  for (const file of files) {
    let reference: number[] | undefined;
    for (const [light, gains] of Object.entries(LIGHTS)) {
      const bytes = await underLight(file, gains);
      const photo = path.basename(file);
      try {
        const off = await subjectColour((await processor.process(bytes, { ovalMask: false, enhance: { whiteBalance: false } })).png);
        reference ??= off;
        const on = await processor.process(bytes, { ovalMask: false });
        results.push({ set, photo, light, cast: round(angle(off, reference)), left: round(angle(await subjectColour(on.png), reference)), gains: on.enhancement?.whiteBalanceGains });
      } catch (error) {
        results.push({ set, photo, light, cast: NaN, left: NaN, error: (error as Error).message });
      }
      console.log(set, photo, light, JSON.stringify(results[results.length - 1]));
    }
  }
}
const summary: Record<string, Record<string, { photos: number; castMedian: number; leftMedian: number; leftMax: number; worse: number }>> = {};
for (const set of Object.keys(SETS)) {
  for (const light of Object.keys(LIGHTS)) {
    const rows = results.filter((r) => r.set === set && r.light === light && !r.error);
    (summary[set] ??= {})[light] = {
      photos: rows.length,
      castMedian: round(median(rows.map((r) => r.cast))),
      leftMedian: round(median(rows.map((r) => r.left))),
      leftMax: round(Math.max(...rows.map((r) => r.left))),
      worse: rows.filter((r) => r.left > r.cast + 0.5).length,
    };
  }
}
const report = {
  name: 'white-balance',
  machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores`,
  date: new Date().toISOString(),
  seconds: Math.round((performance.now() - started) / 1000),
  measure: 'angle (degrees) between the mean linear-RGB colour of the output subject (alpha > 0.5) and that of the photo as it is, enhanced without white balance; cast = white balance off, left = default enhancement; worse = left exceeds cast by more than 0.5°',
  lights: LIGHTS,
  summary,
  // The grey-world white balance this replaced (half strength, gains in sRGB), measured by the same method on commit 178f95a.
  before: {
    method: 'grey world, half strength, sRGB gains (commit 178f95a)',
    summary: {
      dev: { none: { leftMedian: 8.7, leftMax: 14.5 }, warm: { leftMedian: 5.7, leftMax: 11.7 }, cool: { leftMedian: 12.7, leftMax: 18.6 }, green: { leftMedian: 10.3, leftMax: 15.4 } },
      'held-out': { none: { leftMedian: 4.2, leftMax: 16.5 }, warm: { leftMedian: 2.7, leftMax: 9.4 }, cool: { leftMedian: 8.7, leftMax: 20.8 }, green: { leftMedian: 5.9, leftMax: 16.8 } },
    },
  },
  results,
};
writeFileSync(path.join(resultsDir, 'white-balance.json'), JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(summary, null, 1));
console.log(`wrote bench/results/white-balance.json in ${report.seconds} s`);
