import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dilateBox } from '../../src/image/dilate.js';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { PortraitProcessor, PortraitResult } from '../../src/pipeline/portrait-processor.js';
import { foregroundFile } from '../support/composites.js';
import { modelsDir, readFixture } from '../support/fixtures.js';

/**
 * The edge's colours on a blue screen, with the real models: a subject photographed against a
 * saturated blue backdrop keeps a blue fringe on the hair wherever the cut-out shows the photo's
 * own edge colours, plain on a dark background. The `refined` cut-out frees the edge of the old
 * backdrop's colour; `person` shows the photo's colours as they are.
 */
let processor: PortraitProcessor;
beforeAll(async () => {
  processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu', threads: 2 });
}, 120_000);
afterAll(async () => processor?.release());

const CHROMA_BLUE = { r: 0, g: 71, b: 187 };

/** A foreground on the blue screen, softened as a lens and JPEG soften a real photo's edge. */
async function onBlueScreen(name: string): Promise<Buffer> {
  return sharp(foregroundFile(name)).flatten({ background: CHROMA_BLUE }).blur(1).jpeg({ quality: 92 }).toBuffer();
}

/**
 * How much bluer the rim is than the subject just inside it: the mean of b − max(r, g) over the
 * pixels the cut-out shows (α ≥ 0.5) within 3 px of its clear side (α-weighted), minus the same
 * over the pixels 4–10 px in (the subject's own colour).
 */
function blueFringe(result: PortraitResult): number {
  const { width: w, height: h, data } = result.image;
  const clear = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) clear[i] = data[i * 4 + 3] < 128 ? 1 : 0;
  // Within 3 and within 10 px (Chebyshev) of a clear pixel.
  const rimZone = dilateBox(clear, w, h, 3);
  const innerZone = dilateBox(clear, w, h, 10);
  let rim = 0;
  let rimWeight = 0;
  let inner = 0;
  let innerCount = 0;
  for (let i = 0; i < w * h; i++) {
    if (clear[i]) continue;
    const excess = data[i * 4 + 2] - Math.max(data[i * 4], data[i * 4 + 1]);
    if (rimZone[i]) {
      const a = data[i * 4 + 3] / 255;
      rim += a * excess;
      rimWeight += a;
    } else if (innerZone[i]) {
      inner += excess;
      innerCount++;
    }
  }
  return rim / rimWeight - inner / innerCount;
}

describe('the edge on a blue screen', () => {
  // Measured (648², margin 0.4): portrait-5 (blond curls) person 77.9 → refined 25.8;
  // portrait-1 (brown hair) 33.2 → 9.0 (the fringe's blue excess in grey levels). Without the
  // soft edge's hue freed (decontaminateEdgeChroma) refined left 36.9 and 12.5.
  it.each(['portrait-5', 'portrait-1'])('%s: refined leaves under 0.45 × the blue fringe the photo shows', async (name) => {
    const photo = await onBlueScreen(name);
    const options = { ovalMask: false, enhance: false, faceMargin: 0.4 } as const;
    const asIs = blueFringe(await processor.process(photo, { ...options, cutout: 'person' }));
    const freed = blueFringe(await processor.process(photo, { ...options, cutout: 'refined' }));
    console.info(`${name} on a blue screen: fringe ${asIs.toFixed(1)} (person) -> ${freed.toFixed(1)} (refined)`);
    // The photo's own edge is plainly blue: the check can fail.
    expect(asIs).toBeGreaterThan(20);
    expect(freed).toBeLessThan(0.45 * asIs);
  }, 120_000);
});

/**
 * How much lighter the top of the head's outline is than the hair just inside it: over the pixels
 * above the eyes that the cut-out shows (α ≥ 0.5) within 3 px of its clear side, the α-weighted
 * mean luminance of their colour, minus the mean luminance of those 4–10 px in (the hair's own
 * shade). A light outline of the old backdrop on a new dark one raises it.
 */
function lightOutlineAboveEyes(result: PortraitResult): number {
  const { width: w, height: h, data } = result.image;
  const eyeY = Math.round(result.metrics.eyeLineFromTopRatio * h);
  const clear = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) clear[i] = data[i * 4 + 3] < 128 ? 1 : 0;
  const rimZone = dilateBox(clear, w, h, 3);
  const innerZone = dilateBox(clear, w, h, 10);
  const luma = (i: number) => (data[i * 4] + data[i * 4 + 1] + data[i * 4 + 2]) / 3;
  let rim = 0;
  let rimWeight = 0;
  let inner = 0;
  let innerCount = 0;
  for (let i = 0; i < eyeY * w; i++) {
    if (clear[i]) continue;
    if (rimZone[i]) {
      const a = data[i * 4 + 3] / 255;
      rim += a * luma(i);
      rimWeight += a;
    } else if (innerZone[i]) {
      inner += luma(i);
      innerCount++;
    }
  }
  return rim / rimWeight - inner / innerCount;
}

describe('the edge of a soft photo', () => {
  // A soft, low-resolution greyscale portrait: dark hair before a light backdrop, its edge spread
  // over several pixels, wider than the matte's. Measured (648², margin 0.3): refined without the
  // edge fitted to the photo's mix (fitEdgeToPhotoMix) 48.9 grey levels lighter than the hair,
  // with it 25.6 (a soft edge is lighter than the hair's middle in the photo too).
  it('refined leaves no light outline round dark hair on a light backdrop', async () => {
    const photo = await readFixture('grey-portrait-tight.jpg');
    const result = await processor.process(photo, { ovalMask: false, enhance: false, faceMargin: 0.3, cutout: 'refined' });
    const outline = lightOutlineAboveEyes(result);
    console.info(`grey-portrait-tight: outline ${outline.toFixed(1)} grey levels lighter than the hair`);
    expect(outline).toBeLessThan(35);
  }, 120_000);
});
