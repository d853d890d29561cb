/**
 * Composites with an exact alpha: each foreground (bench/quality/foregrounds/, see its
 * PROVENANCE.md) over each background, every variant run on the composite, and its alpha
 * compared with the true alpha carried through the result's own crop window.
 */
import sharp from 'sharp';
import type { PortraitProcessor } from '../../packages/core/src/node.ts';
import { compositeCases, CH, CW } from '../../packages/core/test/support/composites.ts';
import {
  alphaOf,
  caption,
  gradientError,
  mse,
  onBackdrops,
  photoTile,
  rimColourError,
  round,
  sad,
  sadParts,
  SIZE,
  VARIANTS,
  warpPlane,
  warpRgb,
  type Variant,
} from './lib.mts';

// The composites themselves are made by the core's test support, so a test can check one case as the bench makes it.
export { BACKGROUNDS, compositeCases, compositeOf, foregroundNames, type CompositeCase } from '../../packages/core/test/support/composites.ts';

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
  /** The subject's rim on black and on white against the truth's, grey levels (rimColourError): a halo raises it. */
  readonly rimColour?: number | null;
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
        const rim = rimColourError(r.image, truth, warpRgb(c.subjectOnBlack, CW, CH, r.window));
        const res = { sad: round(sad(pred, truth), 3)!, mse: round(mse(pred, truth), 5)!, gradient: round(gradientError(pred, truth, SIZE, SIZE), 3)!, sadParts: { background: round(parts.background, 3)!, edge: round(parts.edge, 3)!, subject: round(parts.subject, 3)! }, rimColour: round(rim.value, 2) };
        results.push({ foreground: c.foreground, background: c.background, placement: c.placement, variant, ms, subjectFound, ...res });
        log(`${c.foreground} / ${c.background} ${variant} ${ms} ms SAD ${res.sad} MSE ${res.mse} grad ${res.gradient} rim ${res.rimColour}${subjectFound ? '' : ' (another person taken)'}`);
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
  const out: Record<string, { composites: number; failed: number; otherPersonTaken: number; sad: number | null; mse: number | null; gradient: number | null; sadParts: { background: number | null; edge: number | null; subject: number | null }; rimColour: number | null; worseThanSalient?: number; ratioToSalient?: { sad: number | null; mse: number | null; gradient: number | null } }> = {};
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
      rimColour: ok.every((r) => r.rimColour != null) ? round(mean(ok.map((r) => r.rimColour!)), 2) : null,
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
