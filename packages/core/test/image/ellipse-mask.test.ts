import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { compositeOnColor, multiplyAlpha } from '../../src/image/composite.js';
import { featheredEllipseMask } from '../../src/image/ellipse-mask.js';
import { gaussianBlurGray } from '../../src/image/gaussian-blur.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../../../test-results/image/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

async function savePng(img: RgbaImage, name: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 4 } })
    .png()
    .toFile(RESULTS + name);
}

const at = (m: GrayImage, x: number, y: number): number => m.data[y * m.width + x];

describe('featheredEllipseMask', () => {
  // Centre at a pixel centre so that pixels on the axes sample exact distances.
  const opts = { centerX: 100.5, centerY: 80.5, radiusX: 60, radiusY: 40, feather: 6 };
  const mask = featheredEllipseMask(201, 161, opts);

  it('is 1 at the centre, about 0.5 on the ellipse, 0 in the corners', () => {
    expect(at(mask, 100, 80)).toBeCloseTo(1, 6);
    // On the ellipse: 0.5 for a straight edge, a little less where the edge curves strongly
    // (a blurred convex shape loses more than half its kernel at the boundary).
    for (const [x, y] of [[160, 80], [40, 80], [100, 120], [100, 40]]) {
      expect(at(mask, x, y)).toBeGreaterThan(0.44); // (160.5 − 100.5) = radiusX, etc.
      expect(at(mask, x, y)).toBeLessThanOrEqual(0.5);
    }
    expect(at(mask, 0, 0)).toBeLessThan(1e-6);
    expect(at(mask, 200, 160)).toBeLessThan(1e-6);
    for (const v of mask.data) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('falls off as a Gaussian-blurred straight edge, Φ(−d/σ), where curvature is negligible', () => {
    // A huge circle is locally a straight edge: Φ(0) = 0.5, Φ(−1) = 0.1587, Φ(−2) = 0.0228.
    const big = featheredEllipseMask(40, 1, { centerX: -979.5, centerY: 0.5, radiusX: 1000, radiusY: 1000, feather: 6 });
    expect(at(big, 20, 0)).toBeCloseTo(0.5, 2);
    expect(at(big, 26, 0)).toBeCloseTo(0.1587, 2);
    expect(at(big, 32, 0)).toBeCloseTo(0.0228, 2);
    expect(at(big, 14, 0)).toBeCloseTo(1 - 0.1587, 2);
  });

  it('decreases monotonically from the centre along any ray and is symmetric', () => {
    for (const angle of [0, 0.4, 1.1, 2, 3.5, 5]) {
      let prev = 2;
      for (let r = 0; r < 100; r += 1) {
        const x = Math.round(100 + r * Math.cos(angle));
        const y = Math.round(80 + r * Math.sin(angle));
        if (x < 0 || y < 0 || x > 200 || y > 160) break;
        const v = at(mask, x, y);
        expect(v).toBeLessThanOrEqual(prev + 1e-6);
        prev = v;
      }
    }
    for (let y = 0; y < 161; y += 7) {
      for (let x = 0; x < 201; x += 5) {
        expect(at(mask, x, y)).toBeCloseTo(at(mask, 200 - x, y), 6);
        expect(at(mask, x, y)).toBeCloseTo(at(mask, x, 160 - y), 6);
      }
    }
  });

  it.each([
    { radiusX: 60, radiusY: 40, feather: 6 },
    { radiusX: 45, radiusY: 70, feather: 12 },
    { radiusX: 80, radiusY: 30, feather: 2 },
  ])('agrees with actually blurring a filled ellipse ($radiusX×$radiusY, σ $feather)', ({ radiusX, radiusY, feather }) => {
    // Canvas with 5σ of room around the ellipse so the reference blur never meets the border.
    const w = 2 * Math.ceil(radiusX + 5 * feather) + 1;
    const h = 2 * Math.ceil(radiusY + 5 * feather) + 1;
    const opts = { centerX: w / 2, centerY: h / 2, radiusX, radiusY, feather };
    const mask = featheredEllipseMask(w, h, opts);
    // Reference: 4×4 supersampled hard ellipse, blurred with the same sigma.
    const hard = createGrayImage(w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let inside = 0;
        for (let j = 0; j < 4; j++) {
          for (let i = 0; i < 4; i++) {
            const dx = (x + (i + 0.5) / 4 - opts.centerX) / opts.radiusX;
            const dy = (y + (j + 0.5) / 4 - opts.centerY) / opts.radiusY;
            if (dx * dx + dy * dy <= 1) inside++;
          }
        }
        hard.data[y * w + x] = inside / 16;
      }
    }
    const blurred = gaussianBlurGray(hard, opts.feather);
    let worst = 0;
    for (let i = 0; i < blurred.data.length; i++) worst = Math.max(worst, Math.abs(blurred.data[i] - mask.data[i]));
    expect(worst).toBeLessThan(0.02);
  });

  it('feather 0 gives a hard edge antialiased over about one pixel', () => {
    const hard = featheredEllipseMask(40, 40, { centerX: 20, centerY: 20, radiusX: 12.3, radiusY: 8.7, feather: 0 });
    let partial = 0;
    for (const v of hard.data) if (v > 0 && v < 1) partial++;
    expect(at(hard, 20, 20)).toBe(1);
    expect(at(hard, 0, 0)).toBe(0);
    expect(partial).toBeGreaterThan(20);
    expect(partial).toBeLessThan(2 * Math.PI * 12.3 * 1.5);
  });

  it('makes a soft oval portrait vignette (visual check)', async () => {
    const photo = await loadFixture('portrait-5.jpg');
    const oval = featheredEllipseMask(photo.width, photo.height, {
      centerX: photo.width / 2,
      centerY: photo.height * 0.45,
      radiusX: photo.width * 0.36,
      radiusY: photo.height * 0.44,
      feather: 18,
    });
    const vignette = compositeOnColor(multiplyAlpha(photo, oval), { r: 255, g: 255, b: 255 });
    await savePng(vignette, 'ellipse-vignette-on-white.png');
    const maskImage = createRgbaImage(oval.width, oval.height);
    for (let p = 0; p < oval.data.length; p++) maskImage.data.set([oval.data[p] * 255, oval.data[p] * 255, oval.data[p] * 255, 255], p * 4);
    await savePng(maskImage, 'ellipse-mask.png');
    expect(vignette.data[3]).toBe(255);
    expect(Array.from(vignette.data.subarray(0, 3))).toEqual([255, 255, 255]);
  });

  it('validates its arguments', () => {
    expect(() => featheredEllipseMask(1.5, 10, opts)).toThrow(new RangeError('Expected positive integer for width but received 1.5'));
    expect(() => featheredEllipseMask(10, 10, { ...opts, radiusX: 0 })).toThrow(RangeError);
    expect(() => featheredEllipseMask(10, 10, { ...opts, feather: -1 })).toThrow(RangeError);
    expect(() => featheredEllipseMask(10, 10, { ...opts, centerX: '1' as never })).toThrow(TypeError);
    expect(() => featheredEllipseMask(10, 10, undefined as never)).toThrow(TypeError);
  });
});

describe('featheredEllipseMask shortcuts (mirrors, the diagonal, the solid inside, the empty outside)', () => {
  /** The formula at every pixel, no shortcut: what the shortcuts must reproduce bit for bit. */
  function everyPixel(width: number, height: number, o: { centerX: number; centerY: number; radiusX: number; radiusY: number; feather: number }): Float32Array {
    const erfc = (x: number) => {
      const z = Math.abs(x);
      const t = 1 / (1 + 0.3275911 * z);
      const r = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-z * z);
      return x >= 0 ? r : 2 - r;
    };
    const out = new Float32Array(width * height);
    const invRx = 1 / o.radiusX;
    const invRy = 1 / o.radiusY;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dx = x + 0.5 - o.centerX;
        const dy = y + 0.5 - o.centerY;
        const nx = dx * invRx;
        const ny = dy * invRy;
        const gx = dx * invRx * invRx;
        const gy = dy * invRy * invRy;
        const rho = Math.sqrt(nx * nx + ny * ny);
        const grad = Math.sqrt(gx * gx + gy * gy);
        const d = grad > 0 ? ((rho - 1) * rho) / grad : -Math.min(o.radiusX, o.radiusY);
        let v: number;
        if (o.feather > 0) {
          v = 0.5 * erfc((d / o.feather) * Math.SQRT1_2);
          if (rho > 0) {
            const s2 = (ny * ny) / (rho * rho);
            const c2 = (nx * nx) / (rho * rho);
            const q = o.radiusX * o.radiusX * s2 + o.radiusY * o.radiusY * c2;
            const halfKappaSigma = Math.min(0.5, (o.radiusX * o.radiusY * o.feather) / 2 / (q * Math.sqrt(q)));
            const z = d / o.feather;
            v -= (halfKappaSigma / Math.sqrt(2 * Math.PI)) * Math.exp(-0.5 * z * z);
          }
        } else {
          v = 0.5 - d;
        }
        out[y * width + x] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
    return out;
  }

  it('matches the formula evaluated at every pixel, to float32 rounding, circles and ellipses, centred or not', () => {
    for (const size of [1, 2, 7, 64, 65, 458]) {
      for (const [width, height] of [[size, size], [size, size + 1]]) {
        for (const feather of [0, 0.03, 0.2].map((f) => f * Math.min(width, height))) {
          for (const o of [
            { centerX: width / 2, centerY: height / 2, radiusX: width * 0.48, radiusY: height * 0.48, feather },
            { centerX: width / 2, centerY: height / 2, radiusX: width * 0.3, radiusY: height * 0.45, feather },
            { centerX: width / 3, centerY: height / 2.5, radiusX: width * 0.3, radiusY: height * 0.3, feather },
          ]) {
            const fast = featheredEllipseMask(width, height, o).data;
            const slow = everyPixel(width, height, o);
            let worst = 0;
            for (let i = 0; i < slow.length; i++) worst = Math.max(worst, Math.abs(fast[i] - slow[i]));
            // The shortcuts compute the same expressions; only the formula's own rounding order differs here.
            expect(worst).toBeLessThan(1e-6);
          }
        }
      }
    }
  });
});
