/**
 * Composites with an exact alpha: each foreground (bench/quality/foregrounds/, see its
 * PROVENANCE.md) over each background, every variant run on the composite, and its alpha
 * compared with the true alpha carried through the result's own crop window.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { PortraitProcessor } from '../../packages/core/src/node.ts';
import {
  alphaOf,
  caption,
  gradientError,
  mse,
  onBackdrops,
  photoTile,
  qualityDir,
  round,
  sad,
  sadParts,
  SIZE,
  VARIANTS,
  warpPlane,
  type Variant,
} from './lib.mts';

/** The composite canvas (landscape 6:5, a typical snapshot crop). */
const CW = 960;
const CH = 800;

/**
 * Nine photos of bench/quality/backgrounds/ (chosen for variety: colours like dark clothes and
 * hair — bridge-night, forest-path, coffee-table —, like blond and auburn hair — autumn-leaves,
 * lake-boats —, plain — fog-lake-plain, brick-wall-grey — and busy — plants-dense,
 * cups-pattern), and a tenth: room-indoor with another person standing beside the subject.
 */
export const BACKGROUNDS: readonly { name: string; file: string; neighbour?: boolean }[] = [
  'autumn-leaves',
  'bridge-night',
  'brick-wall-grey',
  'coffee-table',
  'cups-pattern',
  'fog-lake-plain',
  'forest-path',
  'lake-boats',
  'plants-dense',
].map((name) => ({ name, file: `${name}.jpg` })).concat([{ name: 'room-indoor+person', file: 'room-indoor.jpg', neighbour: true }]);

/** Where the subject stands: its height as a share of the canvas (feet at the bottom edge) and its centre. */
const PLACEMENTS = [
  { name: 'centre', height: 0.85, cx: 0.5 },
  { name: 'left-small', height: 0.7, cx: 0.33 },
  { name: 'right-large', height: 0.98, cx: 0.64 },
] as const;

interface Layer {
  readonly rgba: Buffer;
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly top: number;
}

/** A foreground trimmed to its alpha, scaled to a share of the canvas height, standing on the bottom edge. */
async function layer(file: string, heightShare: number, cx: number, flip = false): Promise<Layer> {
  const trimmed = await sharp(file).trim({ threshold: 0, background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
  const height = Math.round(CH * heightShare);
  let s = sharp(trimmed).resize({ height, kernel: 'lanczos3' });
  if (flip) s = s.flop();
  const { data, info } = await s.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgba: data, width: info.width, height: info.height, left: Math.round(cx * CW - info.width / 2), top: CH - info.height };
}

function paint(rgb: Buffer, truth: Float32Array | null, l: Layer): void {
  for (let y = 0; y < l.height; y++) {
    const cy = l.top + y;
    if (cy < 0 || cy >= CH) continue;
    for (let x = 0; x < l.width; x++) {
      const cx = l.left + x;
      if (cx < 0 || cx >= CW) continue;
      const i = (y * l.width + x) * 4;
      const a = l.rgba[i + 3] / 255;
      const o = cy * CW + cx;
      for (let c = 0; c < 3; c++) rgb[o * 3 + c] = Math.round(l.rgba[i + c] * a + rgb[o * 3 + c] * (1 - a));
      if (truth) truth[o] = a;
    }
  }
}

export interface CompositeCase {
  readonly foreground: string;
  readonly background: string;
  readonly placement: string;
  readonly png: Buffer;
  /** The true alpha of the subject, composite-sized. */
  readonly truth: Float32Array;
}

export function foregroundNames(): string[] {
  return readdirSync(path.join(qualityDir, 'foregrounds')).filter((f) => f.endsWith('.png')).map((f) => f.replace(/\.png$/, '')).sort();
}

/** Every foreground over every background, deterministically placed. */
export async function* compositeCases(limit = Infinity): AsyncGenerator<CompositeCase> {
  const fgs = foregroundNames();
  let n = 0;
  for (const [fi, fg] of fgs.entries()) {
    for (const [bi, bg] of BACKGROUNDS.entries()) {
      if (n++ >= limit) return;
      const placement = bg.neighbour ? { name: 'beside-another', height: 0.8, cx: 0.36 } : PLACEMENTS[(fi + bi) % PLACEMENTS.length];
      const rgb = await sharp(path.join(qualityDir, 'backgrounds', bg.file)).resize(CW, CH, { fit: 'cover' }).removeAlpha().raw().toBuffer();
      const truth = new Float32Array(CW * CH);
      if (bg.neighbour) {
        // Another person behind and beside the subject, mirrored, smaller (the subject stays the largest face); not in the truth.
        const other = fgs[(fi + 1) % fgs.length];
        paint(rgb, null, await layer(path.join(qualityDir, 'foregrounds', `${other}.png`), 0.62, 0.78, true));
      }
      paint(rgb, truth, await layer(path.join(qualityDir, 'foregrounds', `${fg}.png`), placement.height, placement.cx));
      const png = await sharp(rgb, { raw: { width: CW, height: CH, channels: 3 } }).png().toBuffer();
      yield { foreground: fg, background: bg.name, placement: placement.name, png, truth };
    }
  }
}

export interface CompositeResult {
  readonly foreground: string;
  readonly background: string;
  readonly placement: string;
  readonly variant: Variant;
  readonly ms: number;
  readonly error?: string;
  /** Whether the pipeline took the composited subject (its face box centre is on the true alpha). */
  readonly subjectFound?: boolean;
  readonly sad?: number;
  readonly mse?: number;
  readonly gradient?: number;
  /** SAD where the truth is clear, soft and solid (sadParts): background kept, edge, subject lost. */
  readonly sadParts?: { background: number; edge: number; subject: number };
}

export async function runComposites(processor: PortraitProcessor, tileSize: number, options: { limit?: number; sheetCases?: number; log?: (s: string) => void } = {}) {
  const log = options.log ?? console.log;
  const results: CompositeResult[] = [];
  const tiles: Buffer[] = [];
  let index = 0;
  for await (const c of compositeCases(options.limit)) {
    const onSheet = index++ % Math.max(1, Math.round(80 / (options.sheetCases ?? 12))) === 0;
    const rowTiles: Buffer[] = [];
    if (onSheet) rowTiles.push(await caption(await photoTile(c.png, tileSize), `${c.foreground} / ${c.background}`, tileSize));
    let truthTile: Buffer | undefined;
    for (const variant of VARIANTS) {
      const t0 = performance.now();
      try {
        const r = await processor.process(c.png, { cutout: variant, ovalMask: false, faceMargin: 0.4, enhance: false });
        const ms = Math.round(performance.now() - t0);
        const pred = alphaOf(r.image);
        const truth = warpPlane(c.truth, CW, CH, r.window);
        const box = r.faces[r.subjectIndex].box;
        const subjectFound = c.truth[Math.min(CH - 1, Math.round(box.y + box.height / 2)) * CW + Math.min(CW - 1, Math.round(box.x + box.width / 2))] > 0.5;
        const parts = sadParts(pred, truth);
        const res = { sad: round(sad(pred, truth), 3)!, mse: round(mse(pred, truth), 5)!, gradient: round(gradientError(pred, truth, SIZE, SIZE), 3)!, sadParts: { background: round(parts.background, 3)!, edge: round(parts.edge, 3)!, subject: round(parts.subject, 3)! } };
        results.push({ foreground: c.foreground, background: c.background, placement: c.placement, variant, ms, subjectFound, ...res });
        log(`${c.foreground} / ${c.background} ${variant} ${ms} ms SAD ${res.sad} MSE ${res.mse} grad ${res.gradient}${subjectFound ? '' : ' (another person taken)'}`);
        if (onSheet) {
          if (!truthTile) {
            const truthRgba = Buffer.alloc(SIZE * SIZE * 4);
            for (let i = 0; i < truth.length; i++) {
              truthRgba.fill(Math.round(truth[i] * 255), i * 4, i * 4 + 3);
              truthRgba[i * 4 + 3] = 255;
            }
            truthTile = await caption(await sharp(truthRgba, { raw: { width: SIZE, height: SIZE, channels: 4 } }).resize(tileSize, tileSize).png().toBuffer(), 'true alpha', tileSize);
            rowTiles.push(truthTile);
          }
          const [checker] = await onBackdrops(r.png, tileSize);
          rowTiles.push(await caption(checker, `${variant} SAD ${res.sad.toFixed(1)}`, tileSize));
        }
      } catch (e) {
        results.push({ foreground: c.foreground, background: c.background, placement: c.placement, variant, ms: Math.round(performance.now() - t0), error: (e as Error).message });
        log(`${c.foreground} / ${c.background} ${variant} error ${(e as Error).message}`);
        if (onSheet) rowTiles.push(await caption(await photoTile(c.png, tileSize), `${variant}: error`, tileSize, true));
      }
    }
    if (onSheet) {
      while (rowTiles.length < 2 + VARIANTS.length) rowTiles.push(await photoTile(c.png, tileSize));
      tiles.push(...rowTiles);
    }
  }
  return { results, tiles, columns: 2 + VARIANTS.length };
}

/** Per variant: mean SAD, MSE and gradient error over every composite, and each as a ratio to 'salient'. */
export function summariseComposites(results: readonly CompositeResult[]) {
  const out: Record<string, { composites: number; failed: number; otherPersonTaken: number; sad: number | null; mse: number | null; gradient: number | null; sadParts: { background: number | null; edge: number | null; subject: number | null }; worseThanSalient?: number; ratioToSalient?: { sad: number | null; mse: number | null; gradient: number | null } }> = {};
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  for (const variant of VARIANTS) {
    const rs = results.filter((r) => r.variant === variant);
    const ok = rs.filter((r) => r.sad != null);
    out[variant] = {
      composites: rs.length,
      failed: rs.length - ok.length,
      otherPersonTaken: ok.filter((r) => !r.subjectFound).length,
      sad: round(mean(ok.map((r) => r.sad!)), 3),
      mse: round(mean(ok.map((r) => r.mse!)), 5),
      gradient: round(mean(ok.map((r) => r.gradient!)), 3),
      // Results written before the split was measured have no parts: null, not a mean of a few.
      sadParts: {
        background: ok.every((r) => r.sadParts) ? round(mean(ok.map((r) => r.sadParts!.background)), 3) : null,
        edge: ok.every((r) => r.sadParts) ? round(mean(ok.map((r) => r.sadParts!.edge)), 3) : null,
        subject: ok.every((r) => r.sadParts) ? round(mean(ok.map((r) => r.sadParts!.subject)), 3) : null,
      },
    };
  }
  const base = out.salient;
  // Paired: the composites on which a variant's SAD is above ISNet alone's.
  const key = (r: CompositeResult) => `${r.foreground}|${r.background}`;
  const salientSad = new Map(results.filter((r) => r.variant === 'salient' && r.sad != null).map((r) => [key(r), r.sad!]));
  for (const variant of VARIANTS) {
    const v = out[variant];
    v.worseThanSalient = results.filter((r) => r.variant === variant && r.sad != null && salientSad.has(key(r)) && r.sad > salientSad.get(key(r))!).length;
    const ratio = (a: number | null, b: number | null) => (a != null && b ? round(a / b, 3) : null);
    v.ratioToSalient = { sad: ratio(v.sad, base.sad), mse: ratio(v.mse, base.mse), gradient: ratio(v.gradient, base.gradient) };
  }
  return out;
}
