import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { guidedFilterAlpha } from '../../src/image/guided-filter.js';
import * as image from '../../src/image/index.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { composite, sameBytes } from '../support/matting.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SIZE = 256;

async function loadSquare(name: string): Promise<Uint8ClampedArray> {
  const { data } = await sharp(FIXTURES + name).resize(SIZE, SIZE, { fit: 'cover' }).removeAlpha().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
}

/**
 * Ground-truth alpha: a wavy ellipse with a 6 px feathered rim and 14 thin "hair" strands (sine
 * curves 1–2 px wide, coverage from the distance to their centre line) rising from its top.
 */
function trueAlpha(): GrayImage {
  const alpha = createGrayImage(SIZE, SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const angle = Math.atan2(y - 150, x - 128);
      const d = (Math.hypot((x - 128) / 80, (y - 150) / 95) - 1 - 0.06 * Math.sin(7 * angle)) * 85;
      let a = Math.min(1, Math.max(0, 0.5 - d / 6));
      for (let s = 0; s < 14; s++) {
        const base = 70 + s * 8.5;
        const top = 20 + ((s * 37) % 30);
        if (y < top || y > 70) continue;
        const cx = base + 6 * Math.sin(y / (9 + s) + s);
        const halfWidth = 0.5 + (s % 3) * 0.35;
        a = Math.max(a, Math.min(1, Math.max(0, halfWidth + 0.5 - Math.abs(x - cx))));
      }
      alpha.data[y * SIZE + x] = a;
    }
  }
  return alpha;
}


/** Sum of absolute differences and mean squared error against the truth. */
function errors(a: GrayImage, truth: GrayImage): { sad: number; mse: number } {
  let sad = 0;
  let sse = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - truth.data[i];
    sad += Math.abs(d);
    sse += d * d;
  }
  return { sad, mse: sse / a.data.length };
}

/** Pearson correlation of the gradient magnitudes of two planes: how well their edges coincide. */
function edgeCorrelation(a: GrayImage, b: GrayImage): number {
  const grad = (g: GrayImage, x: number, y: number) => Math.hypot(g.data[y * SIZE + x + 1] - g.data[y * SIZE + x], g.data[(y + 1) * SIZE + x] - g.data[y * SIZE + x]);
  let sa = 0;
  let sb = 0;
  let saa = 0;
  let sbb = 0;
  let sab = 0;
  let n = 0;
  for (let y = 0; y < SIZE - 1; y++) {
    for (let x = 0; x < SIZE - 1; x++) {
      const u = grad(a, x, y);
      const v = grad(b, x, y);
      sa += u;
      sb += v;
      saa += u * u;
      sbb += v * v;
      sab += u * v;
      n++;
    }
  }
  return (sab - (sa * sb) / n) / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
}

/** The truth thresholded at ½: the hard mask a segmentation model's arg-max gives. */
function threshold(truth: GrayImage): GrayImage {
  const hard = createGrayImage(SIZE, SIZE);
  for (let i = 0; i < hard.data.length; i++) hard.data[i] = truth.data[i] >= 0.5 ? 1 : 0;
  return hard;
}

/** The truth thresholded on a 4× coarser grid and upsampled by repetition: a low-resolution mask. */
function blockyThreshold(truth: GrayImage): GrayImage {
  const k = 4;
  const out = createGrayImage(SIZE, SIZE);
  for (let by = 0; by < SIZE; by += k) {
    for (let bx = 0; bx < SIZE; bx += k) {
      let sum = 0;
      for (let y = by; y < by + k; y++) for (let x = bx; x < bx + k; x++) sum += truth.data[y * SIZE + x];
      const v = sum / (k * k) >= 0.5 ? 1 : 0;
      for (let y = by; y < by + k; y++) for (let x = bx; x < bx + k; x++) out.data[y * SIZE + x] = v;
    }
  }
  return out;
}

/** Pixels within `r` of an edge of the mask (a soft value, or a step to the right or below). */
function edgeBand(alpha: GrayImage, r: number): Uint8Array {
  const band = new Uint8Array(SIZE * SIZE);
  const at = (x: number, y: number) => alpha.data[Math.min(SIZE - 1, y) * SIZE + Math.min(SIZE - 1, x)];
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = at(x, y);
      if (v > 0 && v < 1 ? false : v === at(x + 1, y) && v === at(x, y + 1)) continue;
      for (let yy = Math.max(0, y - r); yy <= Math.min(SIZE - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(SIZE - 1, x + r); xx++) band[yy * SIZE + xx] = 1;
      }
    }
  }
  return band;
}

let photo: RgbaImage;
let truth: GrayImage;
let degraded: GrayImage;

beforeAll(async () => {
  const [fg, bg] = await Promise.all([loadSquare('astronaut.png'), loadSquare('no-face-cat.png')]);
  truth = trueAlpha();
  photo = composite(fg, bg, truth);
  degraded = threshold(truth);
});

describe('guidedFilterAlpha on a composite with known alpha', () => {
  it('brings a hard mask closer to the truth and its edges onto the image edges', () => {
    const before = errors(degraded, truth);
    const filtered = guidedFilterAlpha(photo, degraded, { radius: 4, epsilon: 1e-4 });
    const after = errors(filtered, truth);
    expect(after.sad).toBeLessThan(before.sad * 0.6);
    expect(after.mse).toBeLessThan(before.mse * 0.3);
    expect(edgeCorrelation(filtered, truth)).toBeGreaterThan(edgeCorrelation(degraded, truth) + 0.1);
  });

  it('repairs a blocky low-resolution mask, exactly and with the fast variant (subsample 2 and 4)', () => {
    const blocky = blockyThreshold(truth);
    const before = errors(blocky, truth);
    const exact = guidedFilterAlpha(photo, blocky, { radius: 8, epsilon: 1e-4 });
    for (const [subsample, result] of [[1, exact], [2, null], [4, null]] as const) {
      const filtered = result ?? guidedFilterAlpha(photo, blocky, { radius: 8, epsilon: 1e-4, subsample });
      const after = errors(filtered, truth);
      // Measured: SAD × 0.82 / 0.80 / 0.79, MSE × 0.45 / 0.43 / 0.41, edge correlation 0.24 → 0.57 / 0.60 / 0.64.
      expect(after.sad, `s = ${subsample}`).toBeLessThan(before.sad * 0.9);
      expect(after.mse, `s = ${subsample}`).toBeLessThan(before.mse * 0.55);
      expect(edgeCorrelation(filtered, truth), `s = ${subsample}`).toBeGreaterThan(edgeCorrelation(blocky, truth) + 0.25);
      // The fast filter stays within 0.01 (mean absolute) of the exact one.
      expect(errors(filtered, exact).sad / (SIZE * SIZE), `s = ${subsample}`).toBeLessThan(0.01);
    }
  });

  it('with a band, pixels outside keep their input bits and pixels inside match the unrestricted filter', () => {
    const band = edgeBand(degraded, 3);
    const full = guidedFilterAlpha(photo, degraded, { radius: 5, epsilon: 1e-3 });
    const banded = guidedFilterAlpha(photo, degraded, { radius: 5, epsilon: 1e-3, band });
    const asGray = guidedFilterAlpha(photo, degraded, { radius: 5, epsilon: 1e-3, band: createGrayImage(SIZE, SIZE, Float32Array.from(band)) });
    expect(sameBytes(asGray.data, banded.data)).toBe(true);
    let inside = 0;
    let maxInsideDiff = 0;
    let changedOutside = 0;
    for (let i = 0; i < band.length; i++) {
      if (band[i]) {
        inside++;
        maxInsideDiff = Math.max(maxInsideDiff, Math.abs(banded.data[i] - full.data[i]));
      } else if (!Object.is(banded.data[i], degraded.data[i])) {
        changedOutside++;
      }
    }
    expect(changedOutside).toBe(0);
    expect(maxInsideDiff).toBeLessThan(1e-5);
    expect(inside).toBeGreaterThan(1000);
    expect(inside).toBeLessThan(band.length / 2);
    // Solid regions stay exactly 0 or 1.
    expect(banded.data[150 * SIZE + 128]).toBe(1);
    expect(banded.data[250 * SIZE + 5]).toBe(0);
    // An empty band is the identity, and so is the subsampled filter outside its band.
    expect(sameBytes(guidedFilterAlpha(photo, degraded, { radius: 5, epsilon: 1e-3, band: new Uint8Array(SIZE * SIZE) }).data, degraded.data)).toBe(true);
    const fast = guidedFilterAlpha(photo, degraded, { radius: 8, epsilon: 1e-3, band, subsample: 4 });
    expect(fast.data.filter((v, i) => !band[i] && v !== degraded.data[i]).length).toBe(0);
  });
});

describe('guidedFilterAlpha definitions', () => {
  it('matches a direct per-window evaluation of He et al.\'s equations', () => {
    // Random guide and input: every window has its own 3×3 system, solved here by Gaussian
    // elimination from the raw sums, windows clipped at the borders.
    const w = 19;
    const h = 13;
    const r = 2;
    const eps = 1e-3;
    let seed = 12345;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const img = createRgbaImage(w, h);
    for (let i = 0; i < img.data.length; i++) img.data[i] = i % 4 === 3 ? 255 : Math.floor(rand() * 256);
    const p = createGrayImage(w, h);
    for (let i = 0; i < p.data.length; i++) p.data[i] = rand();
    const guide = (i: number, c: number) => img.data[i * 4 + c] / 255;
    const window = (x: number, y: number): number[] => {
      const ids: number[] = [];
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) ids.push(yy * w + xx);
      return ids;
    };
    const coef: number[][] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const ids = window(x, y);
        const mu = [0, 1, 2].map((c) => ids.reduce((s, i) => s + guide(i, c), 0) / ids.length);
        const mp = ids.reduce((s, i) => s + p.data[i], 0) / ids.length;
        const m = [0, 1, 2].map((c) => [
          ...[0, 1, 2].map((d) => ids.reduce((s, i) => s + guide(i, c) * guide(i, d), 0) / ids.length - mu[c] * mu[d] + (c === d ? eps : 0)),
          ids.reduce((s, i) => s + guide(i, c) * p.data[i], 0) / ids.length - mu[c] * mp,
        ]);
        for (let k = 0; k < 3; k++) {
          for (let j = k + 1; j < 3; j++) {
            const f = m[j][k] / m[k][k];
            for (let l = k; l < 4; l++) m[j][l] -= f * m[k][l];
          }
        }
        const a = [0, 0, 0];
        for (let k = 2; k >= 0; k--) a[k] = (m[k][3] - (k < 2 ? m[k][k + 1] * a[k + 1] : 0) - (k < 1 ? m[k][k + 2] * a[k + 2] : 0)) / m[k][k];
        coef.push([...a, mp - a[0] * mu[0] - a[1] * mu[1] - a[2] * mu[2]]);
      }
    }
    const q = guidedFilterAlpha(img, p, { radius: r, epsilon: eps });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const ids = window(x, y);
        const i = y * w + x;
        const mean = (k: number) => ids.reduce((s, j) => s + coef[j][k], 0) / ids.length;
        const expected = mean(0) * guide(i, 0) + mean(1) * guide(i, 1) + mean(2) * guide(i, 2) + mean(3);
        expect(q.data[i]).toBeCloseTo(Math.min(1, Math.max(0, expected)), 5);
      }
    }
  });

  it('under a constant guide reduces to the box mean of the box mean (windows clipped at the borders)', () => {
    const w = 23;
    const h = 17;
    const r = 3;
    const flat = createRgbaImage(w, h);
    for (let i = 0; i < flat.data.length; i += 4) flat.data.set([90, 140, 200, 255], i);
    const p = createGrayImage(w, h);
    for (let i = 0; i < p.data.length; i++) p.data[i] = ((i * 7919) % 101) / 100;
    const boxMean = (src: Float64Array | Float32Array): Float64Array => {
      const out = new Float64Array(w * h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let sum = 0;
          let n = 0;
          for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
            for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++, n++) sum += src[yy * w + xx];
          }
          out[y * w + x] = sum / n;
        }
      }
      return out;
    };
    const expected = boxMean(boxMean(p.data));
    const q = guidedFilterAlpha(flat, p, { radius: r, epsilon: 1e-4 });
    for (let i = 0; i < q.data.length; i++) expect(q.data[i]).toBeCloseTo(expected[i], 6);
  });

  it('clamps its output to [0, 1]', () => {
    // A hard step in the guide and a step in alpha with the other polarity overshoot the line fit.
    const w = 40;
    const h = 20;
    const step = createRgbaImage(w, h);
    const p = createGrayImage(w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = x < 20 ? 30 : 220;
        step.data.set([v, v, v, 255], (y * w + x) * 4);
        p.data[y * w + x] = x < 16 || (x >= 20 && x < 24) ? 1 : 0;
      }
    }
    const q = guidedFilterAlpha(step, p, { radius: 4, epsilon: 1e-6 });
    let atBounds = 0;
    for (const v of q.data) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
      if (v === 0 || v === 1) atBounds++;
    }
    expect(atBounds).toBeGreaterThan(0);
    expect(guidedFilterAlpha(photo, degraded, { radius: 2, epsilon: 1e-6, subsample: 2 }).data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('does not modify its inputs and handles images smaller than the window', () => {
    const alphaCopy = Float32Array.from(degraded.data);
    const photoCopy = Uint8ClampedArray.from(photo.data);
    guidedFilterAlpha(photo, degraded, { radius: 4, epsilon: 1e-3, subsample: 3 });
    expect(sameBytes(degraded.data, alphaCopy)).toBe(true);
    expect(sameBytes(photo.data, photoCopy)).toBe(true);
    const tiny = createRgbaImage(3, 2);
    tiny.data.set([10, 20, 30, 255, 200, 10, 10, 255, 50, 60, 70, 255, 0, 0, 0, 255, 255, 255, 255, 255, 90, 90, 0, 255]);
    const p = createGrayImage(3, 2, Float32Array.from([0, 0.2, 1, 0.5, 0.9, 0.1]));
    for (const subsample of [1, 2, 5]) {
      const q = guidedFilterAlpha(tiny, p, { radius: 7, epsilon: 1e-2, subsample });
      for (const v of q.data) expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
    }
  });

  it('validates its arguments', () => {
    const img = createRgbaImage(4, 4);
    const a = createGrayImage(4, 4);
    expect(() => guidedFilterAlpha(img, a, { radius: 0, epsilon: 1e-3 })).toThrow(new RangeError('Expected positive integer for options.radius but received 0'));
    expect(() => guidedFilterAlpha(img, a, { radius: 1.5, epsilon: 1e-3 })).toThrow(RangeError);
    expect(() => guidedFilterAlpha(img, a, { radius: 2, epsilon: 0 })).toThrow(new RangeError('Expected number in (0, Infinity) for options.epsilon but received 0'));
    expect(() => guidedFilterAlpha(img, a, { radius: 2, epsilon: '1' as never })).toThrow(TypeError);
    expect(() => guidedFilterAlpha(img, a, { radius: 2, epsilon: 1e-3, subsample: 0 })).toThrow(RangeError);
    expect(() => guidedFilterAlpha(img, a, undefined as never)).toThrow(new TypeError('Expected object for options but received undefined'));
    expect(() => guidedFilterAlpha(img, createGrayImage(4, 5), { radius: 2, epsilon: 1e-3 })).toThrow(new RangeError('Expected alpha to be 4×4 like image but received 4×5'));
    expect(() => guidedFilterAlpha(a as never, a, { radius: 2, epsilon: 1e-3 })).toThrow(TypeError);
    expect(() => guidedFilterAlpha(img, img as never, { radius: 2, epsilon: 1e-3 })).toThrow(TypeError);
    expect(() => guidedFilterAlpha(img, a, { radius: 2, epsilon: 1e-3, band: new Uint8Array(15) })).toThrow(new RangeError('Expected 16 values in options.band for 4×4 but received 15'));
    expect(() => guidedFilterAlpha(img, a, { radius: 2, epsilon: 1e-3, band: createGrayImage(2, 8) })).toThrow(RangeError);
    expect(() => guidedFilterAlpha(img, a, { radius: 2, epsilon: 1e-3, band: [1, 0] as never })).toThrow(TypeError);
  });
});

describe('guidedFilterAlpha platform independence', () => {
  it('gives the same bytes on every run', () => {
    for (const subsample of [1, 4]) {
      const a = guidedFilterAlpha(photo, degraded, { radius: 8, epsilon: 1e-4, subsample });
      const b = guidedFilterAlpha(photo, degraded, { radius: 8, epsilon: 1e-4, subsample });
      expect(sameBytes(a.data, b.data)).toBe(true);
    }
  });

  it('imports only sibling modules and uses no Node or DOM API', () => {
    const nodeOnly = new Set(['sharp', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const file of ['guided-filter.ts', 'rgba-image.ts', 'validate.ts']) {
      const source = readFileSync(new URL(`../../src/image/${file}`, import.meta.url), 'utf8');
      const code = source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [, specifier] of code.matchAll(/from\s+'([^']+)'/g)) {
        expect(specifier.startsWith('./'), `${file} imports ${specifier}`).toBe(true);
        expect(nodeOnly.has(specifier)).toBe(false);
      }
      expect(code, file).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|\bdocument\b|\bwindow\b|\bglobalThis\b/);
    }
  });

  it('is exported from the image module', () => {
    expect(image.guidedFilterAlpha).toBe(guidedFilterAlpha);
  });
});

describe('guidedFilterAlpha, bit for bit', () => {
  it('gives the subsampled filter exactly as before its block sums were restructured (hashes pinned at 896ce62)', () => {
    // Odd sizes (partial blocks), a band whose region starts off the origin, s = 2, 3, 4.
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const W = 101;
    const H = 77;
    const img = createRgbaImage(W, H);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i & 3) === 3 ? 255 : Math.floor(rnd() * 256);
    const alpha = createGrayImage(W, H);
    for (let i = 0; i < alpha.data.length; i++) alpha.data[i] = rnd();
    const band = new Uint8Array(W * H);
    for (let y = 20; y < 60; y++) for (let x = 30; x < 90; x++) band[y * W + x] = 1;
    const fnv = (a: Float32Array) => {
      let h = 0x811c9dc5;
      for (const v of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ v, 0x01000193) >>> 0;
      return h.toString(16);
    };
    const hashes = [2, 3, 4].map((s) => [s, fnv(guidedFilterAlpha(img, alpha, { radius: 6, epsilon: 1e-3, band, subsample: s }).data), fnv(guidedFilterAlpha(img, alpha, { radius: 6, epsilon: 1e-3, subsample: s }).data)]);
    expect(hashes).toEqual([
      [2, 'b64782c5', 'b5b748dd'],
      [3, '1f2f1bd', 'ad8b7967'],
      [4, '58061e1', '49b3b5e5'],
    ]);
  });
});
