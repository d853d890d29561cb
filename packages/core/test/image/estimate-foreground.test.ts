import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { estimateForeground, foregroundReadBox } from '../../src/image/estimate-foreground.js';
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
 * Ground-truth alpha: an ellipse with an 8 px feathered rim and 14 thin "hair" strands (sine
 * curves 1–2 px wide, coverage from the distance to their centre line) rising from its top.
 */
function trueAlpha(): GrayImage {
  const alpha = createGrayImage(SIZE, SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = (Math.hypot((x - 128) / 80, (y - 150) / 95) - 1) * 85;
      let a = Math.min(1, Math.max(0, 0.5 - d / 8));
      for (let s = 0; s < 14; s++) {
        const top = 20 + ((s * 37) % 30);
        if (y < top || y > 70) continue;
        const cx = 70 + s * 8.5 + 6 * Math.sin(y / (9 + s) + s);
        const halfWidth = 0.5 + (s % 3) * 0.35;
        a = Math.max(a, Math.min(1, Math.max(0, halfWidth + 0.5 - Math.abs(x - cx))));
      }
      alpha.data[y * SIZE + x] = a;
    }
  }
  return alpha;
}


let fg: Uint8ClampedArray;
let photo: RgbaImage;
let alpha: GrayImage;

beforeAll(async () => {
  let bg: Uint8ClampedArray;
  [fg, bg] = await Promise.all([loadSquare('astronaut.png'), loadSquare('no-face-cat.png')]);
  alpha = trueAlpha();
  photo = composite(fg, bg, alpha);
});

describe('estimateForeground on a composite with known F', () => {
  it('removes most of the old background from the soft band', () => {
    const out = estimateForeground(photo, alpha);
    let errInput = 0;
    let errEstimate = 0;
    let n = 0;
    let hair = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const a = alpha.data[i];
      if (!(a > 0.05 && a < 0.95)) continue;
      n++;
      if (i < 72 * SIZE) hair++;
      for (let c = 0; c < 3; c++) {
        errInput += Math.abs(photo.data[i * 4 + c] - fg[i * 4 + c]);
        errEstimate += Math.abs(out.data[i * 4 + c] - fg[i * 4 + c]);
      }
    }
    expect(n).toBeGreaterThan(2000);
    expect(hair).toBeGreaterThan(300);
    // At least 40 % lower; measured 38.1 → 18.6 grey levels mean absolute error (−51 %).
    expect(errEstimate).toBeLessThan(errInput * 0.6);
  });

  it('keeps solid and empty pixels exactly, and sets the alpha channel from alpha', () => {
    const out = estimateForeground(photo, alpha);
    let solid = 0;
    let changed = 0;
    let wrongAlpha = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const a = alpha.data[i];
      if (out.data[i * 4 + 3] !== Math.round(a * 255)) wrongAlpha++;
      if (a >= 0.999 || a === 0) {
        if (a >= 0.999) solid++;
        for (let c = 0; c < 3; c++) if (out.data[i * 4 + c] !== photo.data[i * 4 + c]) changed++;
      }
    }
    expect(solid).toBeGreaterThan(10_000);
    expect(changed).toBe(0);
    expect(wrongAlpha).toBe(0);
  });

  it('is deterministic and does not modify its inputs', () => {
    const photoCopy = Uint8ClampedArray.from(photo.data);
    const alphaCopy = Float32Array.from(alpha.data);
    const a = estimateForeground(photo, alpha);
    const b = estimateForeground(photo, alpha, { regularization: 1e-5, gradientWeight: 1, smallIterations: 10, bigIterations: 2, smallSize: 32 });
    expect(sameBytes(a.data, b.data)).toBe(true);
    expect(sameBytes(photo.data, photoCopy)).toBe(true);
    expect(sameBytes(alpha.data, alphaCopy)).toBe(true);
  });
});

describe('estimateForeground edge cases', () => {
  it('returns the image unchanged (alpha channel aside) when nothing is soft', () => {
    const hard = createGrayImage(SIZE, SIZE);
    for (let i = 0; i < hard.data.length; i++) hard.data[i] = alpha.data[i] >= 0.5 ? 1 : 0;
    const out = estimateForeground(photo, hard);
    for (let i = 0; i < SIZE * SIZE; i++) photoCopyCheck(out, i, hard.data[i]);
  });

  it('handles 1-pixel images and clamps out-of-range or NaN alpha', () => {
    const one = createRgbaImage(1, 1, new Uint8ClampedArray([10, 20, 30, 255]));
    expect(Array.from(estimateForeground(one, createGrayImage(1, 1, Float32Array.from([0.5]))).data.subarray(3))).toEqual([128]);
    const row = createRgbaImage(3, 1, new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 255]));
    const out = estimateForeground(row, createGrayImage(3, 1, Float32Array.from([Number.NaN, 2, -1])));
    expect(Array.from(out.data)).toEqual([10, 20, 30, 0, 40, 50, 60, 255, 70, 80, 90, 0]);
  });

  it('gives the same colours as before its setup loops were merged (hash pinned at 896ce62)', () => {
    // Noise under a soft disc with jittered alpha, odd sizes, NaN and out-of-range alpha values.
    let seed = 777;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const W = 97;
    const H = 71;
    const img = createRgbaImage(W, H);
    for (let i = 0; i < img.data.length; i++) img.data[i] = Math.floor(rnd() * 256);
    const alpha = createGrayImage(W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const d = Math.hypot(x - 50, y - 38) - 22;
        alpha.data[y * W + x] = d < -3 ? 1 : d > 3 ? 0 : 0.5 - d / 6 + (rnd() - 0.5) * 0.1;
      }
    }
    alpha.data.set([NaN, 1.5, -0.2], 5);
    let h = 0x811c9dc5;
    for (const v of estimateForeground(img, alpha).data) h = Math.imul(h ^ v, 0x01000193) >>> 0;
    expect(h.toString(16)).toBe('c9d867d5');
    expect(foregroundReadBox(alpha)).toEqual({ x: 18, y: 5, width: 66, height: 66 });
  });

  it('validates its arguments', () => {
    const img = createRgbaImage(4, 4);
    const a = createGrayImage(4, 4);
    expect(() => estimateForeground(img, createGrayImage(4, 3))).toThrow(new RangeError('Expected alpha to be 4×4 like image but received 4×3'));
    expect(() => estimateForeground(a as never, a)).toThrow(TypeError);
    expect(() => estimateForeground(img, img as never)).toThrow(TypeError);
    expect(() => estimateForeground(img, a, 3 as never)).toThrow(new TypeError('Expected object for options but received 3'));
    expect(() => estimateForeground(img, a, { regularization: 0 })).toThrow(new RangeError('Expected number in (0, Infinity) for options.regularization but received 0'));
    expect(() => estimateForeground(img, a, { gradientWeight: -1 })).toThrow(RangeError);
    expect(() => estimateForeground(img, a, { smallIterations: 0 })).toThrow(RangeError);
    expect(() => estimateForeground(img, a, { bigIterations: 1.5 })).toThrow(RangeError);
    expect(() => estimateForeground(img, a, { smallSize: '32' as never })).toThrow(TypeError);
  });
});

describe('estimateForeground platform independence', () => {
  it('imports only sibling modules and uses no Node or DOM API', () => {
    const nodeOnly = new Set(['sharp', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    for (const file of ['estimate-foreground.ts', 'rgba-image.ts', 'validate.ts']) {
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
    expect(image.estimateForeground).toBe(estimateForeground);
  });
});

function photoCopyCheck(out: RgbaImage, i: number, a: number): void {
  if (out.data[i * 4] !== photo.data[i * 4] || out.data[i * 4 + 1] !== photo.data[i * 4 + 1] || out.data[i * 4 + 2] !== photo.data[i * 4 + 2] || out.data[i * 4 + 3] !== a * 255) {
    throw new Error(`pixel ${i} changed`);
  }
}
