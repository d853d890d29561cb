import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyAffine,
  composeAffine,
  cropWindowAffine,
  IDENTITY_AFFINE,
  invertAffine,
  rotateAffine,
  rotateScaleTranslateAffine,
  scaleAffine,
  translateAffine,
  warpAffine,
  type Affine2D,
} from '../../src/image/affine.js';
import { maxChannelDifference, psnr } from '../../src/image/compare.js';
import { resizeImage } from '../../src/image/resize.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { mulberry32 } from '../support/random.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../../test-results/image/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

async function savePng(img: RgbaImage, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 4 },
  })
    .png()
    .toFile(RESULTS + name);
}

function expectAffineClose(actual: Affine2D, expected: Affine2D, digits = 9): void {
  for (let i = 0; i < 6; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

function solid(width: number, height: number, r: number, g: number, b: number, a = 255): RgbaImage {
  const img = createRgbaImage(width, height);
  for (let i = 0; i < img.data.length; i += 4) img.data.set([r, g, b, a], i);
  return img;
}

function checkerboard(size: number, cell = 1): RgbaImage {
  const img = createRgbaImage(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? 255 : 0;
      img.data.set([v, v, v, 255], (y * size + x) * 4);
    }
  }
  return img;
}

/** Mean and max deviation from mid-grey of the red channel over the inner region (margin px). */
function greyStats(img: RgbaImage, margin: number): { mean: number; maxDeviation: number } {
  let sum = 0;
  let n = 0;
  let maxDeviation = 0;
  for (let y = margin; y < img.height - margin; y++) {
    for (let x = margin; x < img.width - margin; x++) {
      const v = img.data[(y * img.width + x) * 4];
      sum += v;
      n++;
      maxDeviation = Math.max(maxDeviation, Math.abs(v - 127.5));
    }
  }
  return { mean: sum / n, maxDeviation };
}

describe('affine algebra', () => {
  it('applies a = [a, b, c, d, e, f] as x\' = ax + by + c, y\' = dx + ey + f', () => {
    expect(applyAffine([1, 2, 3, 4, 5, 6], 10, 100)).toEqual({ x: 1 * 10 + 2 * 100 + 3, y: 4 * 10 + 5 * 100 + 6 });
  });

  it('composes as outer ∘ inner (inner applied first)', () => {
    const m = composeAffine(translateAffine(5, 0), scaleAffine(2));
    expect(applyAffine(m, 1, 1)).toEqual({ x: 7, y: 2 });
    const n = composeAffine(scaleAffine(2), translateAffine(5, 0));
    expect(applyAffine(n, 1, 1)).toEqual({ x: 12, y: 2 });
  });

  it('inverts: inverse ∘ forward and forward ∘ inverse are the identity', () => {
    const rng = mulberry32(7);
    for (let i = 0; i < 50; i++) {
      const m: Affine2D = [rng() * 4 - 2, rng() * 4 - 2, rng() * 200 - 100, rng() * 4 - 2, rng() * 4 - 2, rng() * 200 - 100];
      const inv = invertAffine(m);
      expectAffineClose(composeAffine(inv, m), IDENTITY_AFFINE, 8);
      expectAffineClose(composeAffine(m, inv), IDENTITY_AFFINE, 8);
      const p = applyAffine(m, 12.5, -3);
      const back = applyAffine(inv, p.x, p.y);
      expect(back.x).toBeCloseTo(12.5, 8);
      expect(back.y).toBeCloseTo(-3, 8);
    }
  });

  it('refuses to invert a singular transform', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(RangeError);
    expect(() => invertAffine([0, 0, 1, 0, 0, 1])).toThrow(/invertible/);
  });

  it('rotates clockwise on screen for positive angles (y points down)', () => {
    const p = applyAffine(rotateAffine(Math.PI / 2), 1, 0);
    expect(p.x).toBeCloseTo(0, 12);
    expect(p.y).toBeCloseTo(1, 12);
  });

  it('rotate-about-pivot, then scale, then translate', () => {
    const m = rotateScaleTranslateAffine({ angle: Math.PI / 2, pivotX: 10, pivotY: 20, scale: 2, translateX: 3, translateY: -4 });
    const pivot = applyAffine(m, 10, 20);
    expect(pivot.x).toBeCloseTo(2 * 10 + 3, 10);
    expect(pivot.y).toBeCloseTo(2 * 20 - 4, 10);
    // One unit right of the pivot rotates to one unit below it, then everything scales by 2.
    const q = applyAffine(m, 11, 20);
    expect(q.x).toBeCloseTo(2 * 10 + 3, 10);
    expect(q.y).toBeCloseTo(2 * 21 - 4, 10);
    expectAffineClose(rotateScaleTranslateAffine({}), IDENTITY_AFFINE);
  });

  it('builds a crop window: output centre → window centre, output x axis → window direction', () => {
    const angle = 0.3;
    const m = cropWindowAffine({ centerX: 100, centerY: 80, width: 60, height: 40, angle, outputWidth: 120, outputHeight: 80 });
    const c = applyAffine(m, 60, 40);
    expect(c.x).toBeCloseTo(100, 10);
    expect(c.y).toBeCloseTo(80, 10);
    // Moving across the whole output width moves the window width along (cos, sin).
    const left = applyAffine(m, 0, 40);
    const right = applyAffine(m, 120, 40);
    expect(right.x - left.x).toBeCloseTo(60 * Math.cos(angle), 10);
    expect(right.y - left.y).toBeCloseTo(60 * Math.sin(angle), 10);
    const top = applyAffine(m, 60, 0);
    const bottom = applyAffine(m, 60, 80);
    expect(bottom.x - top.x).toBeCloseTo(-40 * Math.sin(angle), 10);
    expect(bottom.y - top.y).toBeCloseTo(40 * Math.cos(angle), 10);
  });

  it('validates its arguments', () => {
    expect(() => invertAffine([1, 0, 0, 0, 1] as unknown as Affine2D)).toThrow(RangeError);
    expect(() => applyAffine(IDENTITY_AFFINE, Number.POSITIVE_INFINITY, 0)).toThrow(new RangeError('Expected finite number for x but received Infinity'));
    expect(() => invertAffine('nope' as unknown as Affine2D)).toThrow(TypeError);
    expect(() => composeAffine(IDENTITY_AFFINE, [1, 0, Number.NaN, 0, 1, 0])).toThrow(RangeError);
    expect(() => rotateScaleTranslateAffine({ scale: 0 })).toThrow(RangeError);
    expect(() => cropWindowAffine({ centerX: 0, centerY: 0, width: 10, height: 10, outputWidth: 1.5, outputHeight: 10 })).toThrow(
      'Expected positive integer for window.outputWidth but received 1.5',
    );
  });
});

describe('warpAffine', () => {
  let portrait: RgbaImage;
  beforeAll(async () => {
    portrait = await loadFixture('portrait-1.jpg');
  });

  it('reproduces the source under the identity', () => {
    const out = warpAffine(portrait, IDENTITY_AFFINE, portrait.width, portrait.height);
    expect(psnr(out, portrait, { channels: 'rgba' })).toBeGreaterThanOrEqual(45);
    expect(maxChannelDifference(out, portrait)).toBeLessThanOrEqual(1);
  });

  it('a 90° rotation equals the transposed-and-flipped copy exactly', () => {
    const src = portrait;
    const { width: W, height: H } = src;
    // dst(x, y) = src(y, H − 1 − x): in continuous coordinates u = y', v = H − x'.
    const out = warpAffine(src, [0, 1, 0, -1, 0, H], H, W);
    const expected = createRgbaImage(H, W);
    for (let y = 0; y < W; y++) {
      for (let x = 0; x < H; x++) {
        const s = (((H - 1 - x) * W) + y) * 4;
        expected.data.set(src.data.subarray(s, s + 4), (y * H + x) * 4);
      }
    }
    expect(maxChannelDifference(out, expected)).toBe(0);
  });

  it('a half-pixel shift averages neighbouring pixels (bilinear)', () => {
    const src = createRgbaImage(4, 1);
    src.data.set([0, 0, 0, 255, 100, 50, 200, 255, 200, 100, 0, 255, 40, 40, 40, 255]);
    const out = warpAffine(src, translateAffine(0.5, 0), 3, 1);
    expect(Array.from(out.data.subarray(0, 12))).toEqual([50, 25, 100, 255, 150, 75, 100, 255, 120, 70, 20, 255]);
  });

  it('warping by M and then by M⁻¹ approximately restores the image', () => {
    const src = portrait;
    const forward = rotateScaleTranslateAffine({ angle: 0.35, pivotX: src.width / 2, pivotY: src.height / 2, scale: 1 });
    // warpAffine takes dst→src maps: rotate with the inverse, come back with the forward map.
    const rotated = warpAffine(src, invertAffine(forward), src.width, src.height);
    const back = warpAffine(rotated, forward, src.width, src.height);
    // Compare the central region that survived both trips.
    const crop = (img: RgbaImage): RgbaImage => {
      const size = 300;
      const out = createRgbaImage(size, size);
      const x0 = (img.width - size) >> 1;
      const y0 = (img.height - size) >> 1;
      for (let y = 0; y < size; y++) out.data.set(img.data.subarray(((y0 + y) * img.width + x0) * 4, ((y0 + y) * img.width + x0 + size) * 4), y * size * 4);
      return out;
    };
    expect(psnr(crop(back), crop(src))).toBeGreaterThan(32);
  });

  it('an axis-aligned map (separable passes) gives the general path\'s bytes, up to rounding', () => {
    // Noise with varied alpha; a window running past the top-left corner. A shear of 1e-300 is
    // absorbed by every sum (the same sample positions) but takes the general per-sample path.
    const src = createRgbaImage(97, 83);
    let seed = 3;
    for (let i = 0; i < src.data.length; i++) src.data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (const [scale, k] of [[2.7, 3], [1.6, 2], [3.3, 4]] as const) {
      const m: Affine2D = [scale, 0, -20.3, 0, scale, -11.7];
      const tiny: Affine2D = [scale, 1e-300, -20.3, 1e-300, scale, -11.7];
      const size = Math.ceil(130 / scale);
      const fast = warpAffine(src, m, size, size, { maxSupersampling: k });
      const general = warpAffine(src, tiny, size, size, { maxSupersampling: k });
      // The same sums added in another order: a byte may round the other way, never by more.
      let differing = 0;
      for (let i = 0; i < fast.data.length; i++) {
        const diff = Math.abs(fast.data[i] - general.data[i]);
        expect(diff).toBeLessThanOrEqual(1);
        if (diff) differing++;
      }
      expect(differing).toBeLessThanOrEqual(fast.data.length * 0.002);
      expect(maxChannelDifference(fast, general)).toBeLessThanOrEqual(1);
    }
  });

  it('makes outside pixels transparent with a soft edge and no colour fringe', () => {
    const src = solid(64, 64, 200, 30, 10);
    const m = rotateScaleTranslateAffine({ angle: 0.4, pivotX: 32, pivotY: 32, translateX: 18, translateY: 18 });
    const out = warpAffine(src, invertAffine(m), 100, 100);
    let partial = 0;
    let opaque = 0;
    for (let i = 0; i < out.data.length; i += 4) {
      const a = out.data[i + 3];
      if (a === 0) continue;
      if (a === 255) opaque++;
      else partial++;
      // Premultiplied interpolation: the colour of every visible pixel is the source colour.
      expect([out.data[i], out.data[i + 1], out.data[i + 2]]).toEqual([200, 30, 10]);
    }
    expect(out.data[3]).toBe(0); // corner is far outside
    expect(out.data[(50 * 100 + 50) * 4 + 3]).toBe(255); // centre is inside
    expect(opaque).toBeGreaterThan(2500);
    // Antialiased border: a rim of partially transparent pixels all around the rotated square.
    expect(partial).toBeGreaterThan(4 * 64 * 0.8);
  });

  it('interpolates in premultiplied alpha: transparent colour does not bleed', () => {
    const src = createRgbaImage(8, 8);
    for (let i = 0; i < src.data.length; i += 4) {
      const x = (i / 4) % 8;
      src.data.set(x < 4 ? [255, 0, 0, 255] : [0, 255, 0, 0], i);
    }
    const out = warpAffine(src, [1.7, 0, 0.3, 0, 1.7, 0], 5, 4);
    for (let i = 0; i < out.data.length; i += 4) {
      if (out.data[i + 3] > 0) expect(out.data[i + 1]).toBe(0);
    }
  });

  it.each([
    { scale: 2, angle: 0 },
    { scale: 3, angle: 0.3 },
    { scale: 4, angle: 0.7 },
    { scale: 2.5, angle: -0.2 },
    { scale: 7, angle: 0.45 },
    { scale: 12, angle: 0.1 },
  ])('does not alias a 1-px checkerboard when downscaling ×$scale at angle $angle', ({ scale, angle }) => {
    const src = checkerboard(512);
    const outSize = Math.floor(300 / scale);
    const m = cropWindowAffine({ centerX: 256, centerY: 256, width: outSize * scale, height: outSize * scale, angle, outputWidth: outSize, outputHeight: outSize });
    const out = warpAffine(src, m, outSize, outSize);
    const stats = greyStats(out, 1);
    expect(Math.abs(stats.mean - 127.5)).toBeLessThan(3);
    // Point sampling would give pure black/white (deviation 127.5) or moiré.
    expect(stats.maxDeviation).toBeLessThan(16);
  });

  it('strong downscale of a small window in a big photo only prefilters what it needs, correctly placed', async () => {
    const big = await loadFixture('group-1.jpg');
    const window = { centerX: 700, centerY: 500, width: 600, height: 600, angle: 0.2, outputWidth: 100, outputHeight: 100 };
    const out = warpAffine(big, cropWindowAffine(window), 100, 100);
    // Same window cut from a generous sub-image (offset 300, 150): the result must not move.
    const sub = createRgbaImage(900, 800);
    for (let y = 0; y < 800; y++) sub.data.set(big.data.subarray(((150 + y) * big.width + 300) * 4, ((150 + y) * big.width + 1200) * 4), y * 900 * 4);
    const fromSub = warpAffine(sub, cropWindowAffine({ ...window, centerX: 400, centerY: 350 }), 100, 100);
    // 53 dB (55+ before the prefilter began with 2×2 blocks, whose last partial block and
    // rounded reduced size differ with the region cut); the window moved by half a photo pixel
    // scores 47, by one 41.
    expect(psnr(out, fromSub)).toBeGreaterThan(50);
    // And it agrees with a plain Lanczos resize of an axis-aligned window.
    const aligned = warpAffine(big, cropWindowAffine({ ...window, angle: 0 }), 100, 100);
    const cut = createRgbaImage(600, 600);
    for (let y = 0; y < 600; y++) cut.data.set(big.data.subarray(((200 + y) * big.width + 400) * 4, ((200 + y) * big.width + 1000) * 4), y * 600 * 4);
    expect(psnr(aligned, resizeImage(cut, 100, 100))).toBeGreaterThan(38);
  });

  it.each([6, 9, 16])('×%i with whole blocks before the Lanczos3 pass: the picture of a plain Lanczos3 resize, in place', async (scale) => {
    // group-1 (1920×1280) enlarged 3×: a window of 96·scale pixels read at 96² (at ×16 a face
    // in a 12-megapixel photo read by the landmark net).
    const photo = await loadFixture('group-1.jpg');
    const big = resizeImage(photo, photo.width * 3, photo.height * 3);
    const size = 96;
    const side = size * scale;
    const x0 = 2100 - side / 2;
    const y0 = 1500 - side / 2;
    const out = warpAffine(big, cropWindowAffine({ centerX: 2100, centerY: 1500, width: side, height: side, outputWidth: size, outputHeight: size }), size, size);
    const cut = createRgbaImage(side, side);
    for (let y = 0; y < side; y++) cut.data.set(big.data.subarray(((y0 + y) * big.width + x0) * 4, ((y0 + y) * big.width + x0 + side) * 4), y * side * 4);
    expect(psnr(out, resizeImage(cut, size, size))).toBeGreaterThan(40);
  });

  it.each([
    { scale: 4.4, angle: 0 },
    { scale: 5.3, angle: 0.3 },
    { scale: 9, angle: -0.2 },
  ])("the 'box' prefilter (×$scale at angle $angle): the Lanczos one's picture, placed alike, without aliasing", async ({ scale, angle }) => {
    const big = await loadFixture('group-1.jpg');
    const size = 96;
    const m = cropWindowAffine({ centerX: 700, centerY: 520, width: size * scale, height: size * scale, angle, outputWidth: size, outputHeight: size });
    const lanczos = warpAffine(big, m, size, size, { maxSupersampling: 2 });
    const box = warpAffine(big, m, size, size, { maxSupersampling: 2, prefilter: 'box' });
    // The same picture, not shifted by the block grid: 50-51 dB here, where the Lanczos warp
    // moved by half a block gives 35-36 dB.
    expect(psnr(lanczos, box)).toBeGreaterThan(45);
    const checker = warpAffine(checkerboard(1024), cropWindowAffine({ centerX: 512, centerY: 512, width: size * scale, height: size * scale, angle, outputWidth: size, outputHeight: size }), size, size, { maxSupersampling: 2, prefilter: 'box' });
    const stats = greyStats(checker, 1);
    expect(Math.abs(stats.mean - 127.5)).toBeLessThan(3);
    expect(stats.maxDeviation).toBeLessThan(16);
  });

  it('crops a levelled head from the tilted fixture', async () => {
    const tilted = await loadFixture('portrait-5-tilted.jpg');
    // The fixture is portrait-5 turned 14° clockwise on screen: its top edge runs along
    // (cos 14°, sin 14°), so a window at +14° levels it.
    const angle = (14 * Math.PI) / 180;
    const m = cropWindowAffine({ centerX: tilted.width / 2, centerY: tilted.height / 2, width: 600, height: 600, angle, outputWidth: 300, outputHeight: 300 });
    const out = warpAffine(tilted, m, 300, 300);
    expect(out.width).toBe(300);
    await savePng(out, 'warp-levelled-crop.png');
    const big = warpAffine(tilted, cropWindowAffine({ centerX: 445, centerY: 445, width: 1100, height: 1100, angle: 0.5, outputWidth: 400, outputHeight: 400 }), 400, 400);
    await savePng(big, 'warp-rotated-outside.png');
  });

  it('validates its arguments', () => {
    expect(() => warpAffine(portrait, IDENTITY_AFFINE, 1.5, 10)).toThrow(new RangeError('Expected positive integer for width but received 1.5'));
    expect(() => warpAffine({} as RgbaImage, IDENTITY_AFFINE, 10, 10)).toThrow(TypeError);
    expect(() => warpAffine(portrait, [1, 0, 0] as unknown as Affine2D, 10, 10)).toThrow(RangeError);
  });
});
