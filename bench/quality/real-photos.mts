/**
 * Cut-out checks on real photos, with no ground truth: what a finished portrait must show
 * whatever the photo (the face and neck opaque, the top corners clear, the neighbours gone, no
 * straight cut where the photo ends inside the canvas). See README.md in this folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import path from 'node:path';
import type { PortraitProcessor } from '../../packages/core/src/node.ts';
import type { Affine2D } from '../../packages/core/src/image/affine.ts';
import {
  alphaOf,
  caption,
  fillPolygon,
  mapPoint,
  meanOver,
  onBackdrops,
  onColourPng,
  outputToPhoto,
  photoTile,
  photoToOutput,
  qualityDir,
  rectMask,
  root,
  round,
  SIZE,
  VARIANTS,
  type Variant,
} from './lib.mts';

export const TARGETS = { faceOpaque: 0.99, neckOpaque: 0.95, bodySolid: 0.02, cornersClear: 0.02, neighboursGone: 0.05, photoEdgeCut: 0 } as const;
export type CheckName = keyof typeof TARGETS;
/**
 * The share of a neighbour's face box (each way, centred) whose mean α the neighbour check
 * reads: the eyes, nose and mouth. The box's outer band is left out because a subject's hair or
 * cheek lying over the edge of a face behind falls in it (bar-night-couple-flash: the whole box
 * read 0.089, all of it the subject's own hair along the box's left edge; its middle 70 % read 0).
 */
export const NEIGHBOUR_FEATURES = 0.7;
export const CHECKS = Object.keys(TARGETS) as CheckName[];

export interface PhotoEntry {
  readonly name: string;
  readonly file: string;
  readonly set: 'dev' | 'held-out';
}

const fixtures = 'packages/core/test/fixtures';

/**
 * The development set: the core test fixtures, plus the photos bench/quality/photos/sets.json
 * marks for development. The held-out set: the photos sets.json marks held out. A photo listed
 * as held out is never in the development set (grace-hopper.jpg is held out there, so it is not
 * copied into a dev folder).
 */
export function photoSets(): PhotoEntry[] {
  const setsFile = path.join(qualityDir, 'photos/sets.json');
  const sets = existsSync(setsFile) ? (JSON.parse(readFileSync(setsFile, 'utf8')) as { heldOut?: string[]; development?: string[] }) : {};
  const heldOut = sets.heldOut ?? [];
  const dev: PhotoEntry[] = [
    ...['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'astronaut.png', 'group-1.jpg', 'group-2.jpg', 'group-3.jpg'].map((f) => ({
      name: f.replace(/\.\w+$/, ''),
      file: `${fixtures}/${f}`,
      set: 'dev' as const,
    })),
    ...(sets.development ?? []).map((f) => ({ name: f.replace(/\.\w+$/, ''), file: `bench/quality/photos/${f}`, set: 'dev' as const })),
  ].filter((p) => !heldOut.includes(path.basename(p.file)));
  const held = heldOut.map((f) => ({ name: f.replace(/\.\w+$/, ''), file: `bench/quality/photos/${f}`, set: 'held-out' as const }));
  return [...dev, ...held];
}

export interface Check {
  readonly value: number | null;
  readonly pass: boolean;
  readonly note?: string;
}

export interface RealResult {
  readonly photo: string;
  readonly set: 'dev' | 'held-out';
  /** Set for a person cut from a group photo (see groupMembers): the face's rank by size in the photo. */
  readonly member?: number;
  readonly variant: Variant;
  readonly faceMargin: number;
  readonly ms: number;
  readonly error?: string;
  readonly facesInPhoto?: number;
  readonly warnings?: unknown;
  readonly checks: Record<CheckName, Check>;
  readonly neighbours?: { face: number; meanAlpha: number; pixels: number; boxMeanAlpha: number | null }[];
}

type Result = Awaited<ReturnType<PortraitProcessor['process']>>;

const centre = (pts: readonly { x: number; y: number }[]) => ({ x: pts.reduce((s, p) => s + p.x, 0) / pts.length, y: pts.reduce((s, p) => s + p.y, 0) / pts.length });

/** The face's outline polygon (jaw 0–16, then the brows 26–17), where it lies inside the photo, as a 0/1 mask. */
function faceOutlineInPhoto(L: readonly { x: number; y: number }[], inPhoto: Uint8Array, W: number, H: number): Uint8Array {
  const mask = fillPolygon([...L.slice(0, 17), ...L.slice(17, 27).reverse()], W, H);
  for (let i = 0; i < mask.length; i++) mask[i] &= inPhoto[i];
  return mask;
}

/**
 * Whether the photo edge nearest to photo point `p` runs inside the canvas there: its foot (the
 * nearest point on that edge) lies half a canvas pixel or more inside the canvas. Where framing
 * fitted the window to the photo, the photo's edge lies on or just past the canvas's own edge,
 * and the canvas, not the photo, ends the subject there (framing, like the canvas's bottom).
 */
function nearestEdgeOnCanvas(p: { x: number; y: number }, pw: number, ph: number, photoToCanvas: Affine2D, W: number, H: number): boolean {
  const d = Math.min(p.x, pw - p.x, p.y, ph - p.y);
  const foot = d === p.x ? { x: 0, y: p.y } : d === pw - p.x ? { x: pw, y: p.y } : d === p.y ? { x: p.x, y: 0 } : { x: p.x, y: ph };
  const f = mapPoint(photoToCanvas, foot.x, foot.y);
  return f.x >= 0.5 && f.y >= 0.5 && f.x <= W - 0.5 && f.y <= H - 0.5;
}

/** Every check on one output. */
export async function measureOutput(processor: PortraitProcessor, r: Result): Promise<Pick<RealResult, 'checks' | 'neighbours' | 'warnings'>> {
  const alpha = alphaOf(r.image);
  const W = r.image.width;
  const H = r.image.height;
  const warnings = (r as unknown as { warnings?: unknown }).warnings;
  // Only the warning that says the photo's edge cuts the subject excuses such a cut.
  const hasWarning = Array.isArray(warnings) && warnings.some((w: { code?: string }) => w.code === 'frame_exceeds_photo');

  // Which output pixels show the photo (the rest of the canvas lies past its edges).
  const toPhoto = outputToPhoto(r.window, W);
  const pw = r.input.width;
  const ph = r.input.height;
  const inPhoto = new Uint8Array(W * H);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const p = mapPoint(toPhoto, x + 0.5, y + 0.5);
      inPhoto[y * W + x] = p.x >= 0 && p.y >= 0 && p.x <= pw && p.y <= ph ? 1 : 0;
    }

  // Face and neck: landmarks found again on the output over mid-grey.
  let face: Check;
  let neck: Check;
  let body: Check;
  try {
    const analysis = await processor.analyze(await onColourPng(r.image, 128));
    const L = analysis.landmarks;
    // The face's own outline (jaw, then the brows back), inside the photo: the convex hull of a
    // profile's 68 points spans the background in front of the brow, the nose and the lips
    // (group-2, cameraman-grey and a drawing-table member failed on those pixels alone), and
    // past the photo's edge nothing can be opaque (the cut is the edge check's, with its warning).
    const faceMask = faceOutlineInPhoto(L, inPhoto, W, H);
    const f = meanOver(alpha, faceMask).mean;
    face = { value: round(f), pass: f != null && f >= TARGETS.faceOpaque };
    const chin = L[8];
    const eyes = centre(L.slice(36, 48));
    const eyeChin = Math.hypot(chin.x - eyes.x, chin.y - eyes.y);
    const jaw = Math.hypot(L[16].x - L[0].x, L[16].y - L[0].y);
    // The neck's own width (half a jaw width), from just under the chin: a wider band starting
    // at the chin measured the background beside the neck of a turned head. The same band as
    // the core's cut-out tests. Only where the photo is: past its edge nothing can be opaque.
    const band = rectMask(chin.x - 0.25 * jaw, chin.y + 0.1 * eyeChin, chin.x + 0.25 * jaw, chin.y + 0.5 * eyeChin, W, H);
    const bandPixels = band.reduce((a, b) => a + b, 0);
    const inPhotoBand = band.map((v, i) => (v && inPhoto[i] ? 1 : 0));
    const n = meanOver(alpha, inPhotoBand);
    if (bandPixels === 0) neck = { value: null, pass: true, note: 'the band under the chin is off the canvas' };
    else if (n.pixels < bandPixels / 2) neck = { value: n.mean == null ? null : round(n.mean), pass: hasWarning, note: `the photo ends under the chin (${Math.round((100 * n.pixels) / bandPixels)} % of the band is in the photo)${hasWarning ? '; the result warns' : ' and the result does not warn'}` };
    else neck = { value: round(n.mean!), pass: n.mean! >= TARGETS.neckOpaque };
    const see = seeThroughShare(alpha, W, H, inPhoto, chin.x - jaw, chin.y + 0.5 * eyeChin, chin.x + jaw);
    body = see == null ? { value: null, pass: true, note: 'no body on the canvas' } : { value: round(see), pass: see <= TARGETS.bodySolid };
  } catch (e) {
    face = { value: null, pass: false, note: `no face found on the output: ${(e as Error).message.slice(0, 120)}` };
    neck = { value: null, pass: false, note: 'no landmarks on the output' };
    body = { value: null, pass: false, note: 'no landmarks on the output' };
  }

  // The two top corners.
  const side = Math.round(0.06 * W);
  const corners = meanOver(alpha, rectMask(0, 0, side, side, W, H)).mean! / 2 + meanOver(alpha, rectMask(W - side, 0, W, side, W, H)).mean! / 2;

  // Every other face found in the photo: its features (the middle of its box, see
  // NEIGHBOUR_FEATURES) mapped into the output. The whole box is reported beside it: where the
  // subject's head overlaps the edge of a face behind, the box's edge holds the subject's own hair.
  const toOut = photoToOutput(r.window, W);
  const neighbours: { face: number; meanAlpha: number; pixels: number; boxMeanAlpha: number | null }[] = [];
  const boxOnCanvas = (x: number, y: number, width: number, height: number) =>
    fillPolygon([mapPoint(toOut, x, y), mapPoint(toOut, x + width, y), mapPoint(toOut, x + width, y + height), mapPoint(toOut, x, y + height)], W, H);
  r.faces.forEach((f, i) => {
    if (i === r.subjectIndex) return;
    const { x, y, width, height } = f.box;
    const inset = (1 - NEIGHBOUR_FEATURES) / 2;
    const m = meanOver(alpha, boxOnCanvas(x + inset * width, y + inset * height, NEIGHBOUR_FEATURES * width, NEIGHBOUR_FEATURES * height));
    if (m.pixels > 0) neighbours.push({ face: i, meanAlpha: round(m.mean)!, pixels: m.pixels, boxMeanAlpha: round(meanOver(alpha, boxOnCanvas(x, y, width, height)).mean) });
  });
  const worst = neighbours.length ? Math.max(...neighbours.map((n) => n.meanAlpha)) : null;
  const neighbour: Check = worst == null ? { value: null, pass: true, note: 'no other face on the canvas' } : { value: worst, pass: worst <= TARGETS.neighboursGone };

  // Photo-edge cut: opaque output pixels in the one-pixel strip just inside a photo edge that lies
  // inside the canvas (1–2 output px in, past the warp's soft pixel), the bottom rows excluded. A
  // strip one pixel wide holds about one pixel centre per pixel of edge length, at any angle.
  const scale = W / r.window.width;
  let cut = 0;
  for (let y = 0; y < H - 3; y++)
    for (let x = 0; x < W; x++) {
      const p = mapPoint(toPhoto, x + 0.5, y + 0.5);
      const d = Math.min(p.x, pw - p.x, p.y, ph - p.y) * scale;
      if (d > 1 && d <= 2 && alpha[y * W + x] >= 0.5 && nearestEdgeOnCanvas(p, pw, ph, toOut, W, H)) cut++;
    }
  const cutShare = cut / W;
  const edge: Check = { value: round(cutShare), pass: cutShare <= TARGETS.photoEdgeCut || hasWarning, ...(cutShare > 0 && hasWarning ? { note: 'cut, but the result carries a warning' } : {}) };

  return {
    checks: { faceOpaque: face, neckOpaque: neck, bodySolid: body, cornersClear: { value: round(corners), pass: corners <= TARGETS.cornersClear }, neighboursGone: neighbour, photoEdgeCut: edge },
    neighbours,
    ...(warnings !== undefined ? { warnings } : {}),
  };
}

/**
 * See-through body: below the neck band, two jaw widths wide, the share of the kept pixels
 * (α > 0.5) that lie in a wide translucent area — α between 0.1 and 0.9 with no clear
 * (< 0.02) or solid (> 0.98) pixel within 5 px. A soft edge is a few pixels wide and does not
 * count; a jumper or a coat at α 0.6 does. Null when that region holds nothing kept.
 */
function seeThroughShare(alpha: Float32Array, W: number, H: number, inPhoto: Uint8Array, x0: number, y0: number, x1: number): number | null {
  const R = 5;
  const xa = Math.max(0, Math.round(x0));
  const xb = Math.min(W, Math.round(x1));
  const ya = Math.max(0, Math.round(y0));
  // Per-row run tests for "an extreme pixel within R": prefix counts of clear/solid pixels.
  const extreme = new Uint8Array(W * H);
  for (let i = 0; i < extreme.length; i++) extreme[i] = alpha[i] < 0.02 || alpha[i] > 0.98 ? 1 : 0;
  const sum = new Int32Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) sum[(y + 1) * (W + 1) + x + 1] = extreme[y * W + x] + sum[y * (W + 1) + x + 1] + sum[(y + 1) * (W + 1) + x] - sum[y * (W + 1) + x];
  const boxHas = (x: number, y: number) => {
    const l = Math.max(0, x - R), r = Math.min(W, x + R + 1), t = Math.max(0, y - R), b = Math.min(H, y + R + 1);
    return sum[b * (W + 1) + r] - sum[t * (W + 1) + r] - sum[b * (W + 1) + l] + sum[t * (W + 1) + l] > 0;
  };
  let kept = 0;
  let see = 0;
  for (let y = ya; y < H - 3; y++)
    for (let x = xa; x < xb; x++) {
      const i = y * W + x;
      if (!inPhoto[i]) continue;
      const a = alpha[i];
      if (a > 0.5) kept++;
      if (a > 0.1 && a < 0.9 && !boxHas(x, y)) see++;
    }
  return kept === 0 ? null : see / kept;
}

export interface RealRun {
  readonly results: RealResult[];
  /** Contact-sheet rows per set (one sheet each, so that neither grows past a few MB): the input, then each variant on a checkerboard and on a dark backdrop. */
  readonly tiles: Readonly<Record<PhotoEntry['set'], Buffer[]>>;
  readonly columns: number;
}

/** Faces of a group photo measured one by one, besides its largest (which the photo's own run portrays). */
const MEMBERS_PER_PHOTO = 3;

/**
 * People cut from a group photo, as a user makes a portrait of someone who is not its largest
 * face: for the 2nd to (MEMBERS_PER_PHOTO + 1)th largest faces, the photo cut to 4.4 × 4.6
 * face sizes around the face (1.8 above its centre, clamped to the photo), portrayed with
 * `subject: 'center'`. Small faces with neighbours all round: the case a portrait of the
 * largest face never meets.
 */
async function groupMembers(processor: PortraitProcessor, bytes: Uint8Array): Promise<{ member: number; bytes: Buffer }[]> {
  // A photo the pipeline cannot read faces from has no people to cut out.
  const analysis = await processor.analyze(bytes).catch(() => undefined);
  if (!analysis) return [];
  const out: { member: number; bytes: Buffer }[] = [];
  for (const [k, face] of analysis.faces.entries()) {
    if (k === 0) continue;
    if (k > MEMBERS_PER_PHOTO) break;
    const side = Math.max(face.box.width, face.box.height);
    const cx = face.box.x + face.box.width / 2;
    const cy = face.box.y + face.box.height / 2;
    const left = Math.max(0, Math.round(cx - 2.2 * side));
    const top = Math.max(0, Math.round(cy - 1.8 * side));
    const width = Math.min(analysis.width - left, Math.round(4.4 * side));
    const height = Math.min(analysis.height - top, Math.round(4.6 * side));
    // The analysis reads the photo upright (EXIF applied): so is the copy cut from it.
    out.push({ member: k, bytes: await sharp(bytes).rotate().extract({ left, top, width, height }).jpeg({ quality: 95 }).toBuffer() });
  }
  return out;
}

export async function runRealPhotos(processor: PortraitProcessor, tileSize: number, log: (s: string) => void = console.log): Promise<RealRun> {
  const results: RealResult[] = [];
  const tilesBySet: Record<PhotoEntry['set'], Buffer[]> = { dev: [], 'held-out': [] };
  const runOne = async (name: string, set: PhotoEntry['set'], bytes: Uint8Array, faceMargin: number, member?: number) => {
    const tiles = tilesBySet[set];
    const label = member === undefined ? name : `${name}, face ${member + 1}`;
    tiles.push(await caption(await photoTile(bytes, tileSize), `${label} (${set}) m${faceMargin}`, tileSize));
    for (const variant of VARIANTS) {
      const t0 = performance.now();
      const which = member === undefined ? {} : { member };
      try {
        const r = await processor.process(bytes, { cutout: variant, ovalMask: false, faceMargin, enhance: false, ...(member === undefined ? {} : { subject: 'center' as const }) });
        const ms = Math.round(performance.now() - t0);
        const m = await measureOutput(processor, r);
        results.push({ photo: name, set, ...which, variant, faceMargin, ms, facesInPhoto: r.faces.length, ...m });
        const failed = CHECKS.filter((c) => !m.checks[c].pass);
        const [checker, dark] = await onBackdrops(r.png, tileSize);
        // What the result itself warns of, on the dark tile: a reviewer sees which outputs say "check me".
        const warned = r.warnings.map((w) => w.code.replaceAll('_', ' '));
        tiles.push(await caption(checker, `${variant}${failed.length ? ' ✗ ' + failed.map(shortName).join(' ') : ' ✓'}`, tileSize, failed.length > 0), warned.length ? await caption(dark, `⚠ ${warned.join(', ')}`, tileSize) : dark);
        log(`${label} ${variant} m${faceMargin} ${ms} ms ${failed.length ? 'fails ' + failed.join(', ') : 'passes'}`);
      } catch (e) {
        const error = (e as Error).message;
        const checks = Object.fromEntries(CHECKS.map((c) => [c, { value: null, pass: false, note: 'no output' }])) as Record<CheckName, Check>;
        results.push({ photo: name, set, ...which, variant, faceMargin, ms: Math.round(performance.now() - t0), error, checks });
        const blank = await photoTile(bytes, tileSize);
        tiles.push(await caption(blank, `${variant}: ${error.slice(0, 40)}`, tileSize, true), blank);
        log(`${label} ${variant} m${faceMargin} error ${error}`);
      }
    }
  };
  const groups: { photo: PhotoEntry; bytes: Uint8Array }[] = [];
  for (const photo of photoSets()) {
    const bytes = readFileSync(path.join(root, photo.file));
    const margins = FACE_MARGINS[photo.set];
    for (const faceMargin of margins) await runOne(photo.name, photo.set, bytes, faceMargin);
    groups.push({ photo, bytes });
  }
  // Then the people cut from the group photos (any photo with more than one face), at margin 0.4.
  for (const { photo, bytes } of groups) {
    for (const { member, bytes: cut } of await groupMembers(processor, bytes)) await runOne(photo.name, photo.set, cut, 0.4, member);
  }
  return { results, tiles: tilesBySet, columns: 1 + 2 * VARIANTS.length };
}

const shortName = (c: CheckName) => ({ faceOpaque: 'face', neckOpaque: 'neck', bodySolid: 'see-through', cornersClear: 'corners', neighboursGone: 'neighbour', photoEdgeCut: 'edge' })[c];

/** The wide margin every photo is also portrayed at, summed apart (see wideSet). */
export const WIDE_MARGIN = 0.6;

/**
 * The margins each set's photos are portrayed at. WIDE_MARGIN (the issue's own wide example,
 * where ISNet alone keeps only the head) since 2026-12-07, summed in rows of its own (wideSet),
 * so the other rows keep their meaning.
 */
export const FACE_MARGINS = { dev: [0.4, 0.3, WIDE_MARGIN], 'held-out': [0.4, WIDE_MARGIN] } as const;

/** How the summary names a set's photos at WIDE_MARGIN. */
export const wideSet = (set: 'dev' | 'held-out') => `${set}, margin ${WIDE_MARGIN}`;

/** How the summary names the people cut from a set's group photos (see groupMembers). */
export const memberSet = (set: 'dev' | 'held-out') => `${set}, people cut from group photos`;

/**
 * Per set × variant: mean of each check's value and how many outputs pass it (photos with no
 * output counted apart). The people cut from group photos are summed apart from the photos
 * (memberSet), so the photos' rows mean what they meant before those were measured.
 */
export function summarise(results: readonly RealResult[]) {
  const out: Record<string, Record<string, { outputs: number; noOutput: number; means: Record<CheckName, number | null>; passes: Record<CheckName, number>; allPass: number }>> = {};
  const groups = (['dev', 'held-out'] as const).flatMap((set) => [
    { key: set, of: (r: RealResult) => r.set === set && r.member === undefined && r.faceMargin !== WIDE_MARGIN },
    { key: wideSet(set), of: (r: RealResult) => r.set === set && r.member === undefined && r.faceMargin === WIDE_MARGIN },
    { key: memberSet(set), of: (r: RealResult) => r.set === set && r.member !== undefined },
  ]);
  for (const { key, of } of groups) {
    const rows: (typeof out)[string] = {};
    for (const variant of VARIANTS) {
      const all = results.filter((r) => of(r) && r.variant === variant);
      // A photo that makes no portrait at all (no face found in it) is a detection failure, not a cut-out's: counted apart.
      const rs = all.filter((r) => !r.error);
      if (all.length === 0) continue;
      const means = {} as Record<CheckName, number | null>;
      const passes = {} as Record<CheckName, number>;
      for (const c of CHECKS) {
        const values = rs.map((r) => r.checks[c]?.value).filter((v): v is number => v != null);
        means[c] = values.length ? round(values.reduce((a, b) => a + b, 0) / values.length) : null;
        passes[c] = rs.filter((r) => r.checks[c]?.pass).length;
      }
      rows[variant] = { outputs: rs.length, noOutput: all.length - rs.length, means, passes, allPass: rs.filter((r) => CHECKS.every((c) => r.checks[c]?.pass)).length };
    }
    if (Object.keys(rows).length) out[key] = rows;
  }
  return out;
}
