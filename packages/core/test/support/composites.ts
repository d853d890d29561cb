/**
 * Composites with an exact alpha, made the same way for the quality bench
 * (bench/quality/composites.mts) and for the tests that check a case of it: a foreground of
 * bench/quality/foregrounds/ (see its PROVENANCE.md) over a background of
 * bench/quality/backgrounds/, deterministically placed, with the true alpha of the subject.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const qualityDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../bench/quality');

/** The composite canvas (landscape 6:5, a typical snapshot crop). */
export const CW = 960;
export const CH = 800;

/**
 * Nine photos of bench/quality/backgrounds/ (chosen for variety: colours like dark clothes and
 * hair — bridge-night, forest-path, coffee-table —, like blond and auburn hair — autumn-leaves,
 * lake-boats —, plain — fog-lake-plain, brick-wall-grey — and busy — plants-dense,
 * cups-pattern), and a tenth: room-indoor with another person standing beside the subject.
 */
export const BACKGROUNDS: readonly { name: string; file: string; neighbour?: boolean }[] = [
  ...[
  'autumn-leaves',
  'bridge-night',
  'brick-wall-grey',
  'coffee-table',
  'cups-pattern',
  'fog-lake-plain',
  'forest-path',
  'lake-boats',
  'plants-dense',
  ].map((name) => ({ name, file: `${name}.jpg` })),
  { name: 'room-indoor+person', file: 'room-indoor.jpg', neighbour: true },
];

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

function paint(rgb: Buffer, truth: Float32Array | null, l: Layer, onBlack?: Buffer): void {
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
      if (onBlack) for (let c = 0; c < 3; c++) onBlack[o * 3 + c] = Math.round(l.rgba[i + c] * a);
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
  /** The subject alone composited on black (αF, RGB bytes), composite-sized: the true edge colours. */
  readonly subjectOnBlack: Buffer;
}

/** The file of one foreground (a subject with its checked alpha, bench/quality/foregrounds/). */
export function foregroundFile(name: string): string {
  return path.join(qualityDir, 'foregrounds', `${name}.png`);
}

export function foregroundNames(): string[] {
  return readdirSync(path.join(qualityDir, 'foregrounds')).filter((f) => f.endsWith('.png')).map((f) => f.replace(/\.png$/, '')).sort();
}

/** Every foreground over every background, deterministically placed. */
export async function* compositeCases(limit = Infinity): AsyncGenerator<CompositeCase> {
  let n = 0;
  for (const fg of foregroundNames()) {
    for (const bg of BACKGROUNDS) {
      if (n++ >= limit) return;
      yield compositeOf(fg, bg.name);
    }
  }
}

/** One foreground over one background, placed as in compositeCases. */
export async function compositeOf(foreground: string, background: string): Promise<CompositeCase> {
  const fgs = foregroundNames();
  const fi = fgs.indexOf(foreground);
  const bi = BACKGROUNDS.findIndex((b) => b.name === background);
  if (fi < 0 || bi < 0) throw new Error(`no composite ${foreground} / ${background}`);
  const bg = BACKGROUNDS[bi];
  const placement = bg.neighbour ? { name: 'beside-another', height: 0.8, cx: 0.36 } : PLACEMENTS[(fi + bi) % PLACEMENTS.length];
  const rgb = await sharp(path.join(qualityDir, 'backgrounds', bg.file)).resize(CW, CH, { fit: 'cover' }).removeAlpha().raw().toBuffer();
  const truth = new Float32Array(CW * CH);
  if (bg.neighbour) {
    // Another person behind and beside the subject, mirrored, smaller (the subject stays the largest face); not in the truth.
    const other = fgs[(fi + 1) % fgs.length];
    paint(rgb, null, await layer(path.join(qualityDir, 'foregrounds', `${other}.png`), 0.62, 0.78, true));
  }
  const subjectOnBlack = Buffer.alloc(CW * CH * 3);
  paint(rgb, truth, await layer(path.join(qualityDir, 'foregrounds', `${foreground}.png`), placement.height, placement.cx), subjectOnBlack);
  const png = await sharp(rgb, { raw: { width: CW, height: CH, channels: 3 } }).png().toBuffer();
  return { foreground, background, placement: placement.name, png, truth, subjectOnBlack };
}

