// The person prior (MediaPipe Selfie Segmentation, manifest stage `person`) on real portraits:
// the face and the neck and shoulders under the chin are person, the background is not, and
// the browser runtime computes what the server runtime computes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtNodeBackend } from '../../src/backends/ort-node-backend.js';
import { createOrtWebBackend } from '../../src/backends/ort-web-backend.js';
import { LANDMARK_INDEX } from '../../src/geometry/face-landmarks.js';
import type { Point } from '../../src/geometry/point.js';
import { computePortraitWindow } from '../../src/geometry/portrait-window.js';
import { applyAffine, composeAffine, cropWindowAffine, invertAffine, type Affine2D } from '../../src/image/affine.js';
import type { GrayImage, RgbaImage } from '../../src/image/rgba-image.js';
import { createFileModelSource } from '../../src/models/file-model-source.js';
import { detectFaces } from '../../src/pipeline/detect-faces.js';
import { detectLandmarks } from '../../src/pipeline/detect-landmarks.js';
import { loadPortraitModels, type PortraitModels } from '../../src/pipeline/load-models.js';
import { DEFAULT_PORTRAIT_OPTIONS } from '../../src/options/index.js';
import { segmentPerson, type PersonModel } from '../../src/pipeline/segment-person.js';
import { decodeForTest, modelsDir, readFixture } from '../support/fixtures.js';

let models: PortraitModels;
let person: PersonModel;

beforeAll(async () => {
  models = await loadPortraitModels(createFileModelSource(modelsDir), await createOrtNodeBackend({ device: 'cpu', threads: 2 }));
  if (!models.person) throw new Error('loadPortraitModels found no person model in the manifest');
  person = models.person;
});
afterAll(async () => {
  await Promise.all(Object.values(models ?? {}).map((m) => m.session.release()));
});

interface Framed {
  photo: RgbaImage;
  windowToPhoto: Affine2D;
  width: number;
  height: number;
  /** Landmarks in window pixels. */
  landmarks: Point[];
}

/** The photo's main face framed as the pipeline frames it (default margins unless `faceMargin`), at `width × height`. */
async function frame(file: string, width: number, height: number, margin?: number): Promise<Framed> {
  const photo = await decodeForTest(await readFixture(file));
  const faces = await detectFaces(photo, { shortRange: models.shortRangeDetector, fullRange: models.fullRangeDetector });
  const landmarks = await detectLandmarks(photo, faces[0], models.landmarks);
  const { topMarginFactor } = DEFAULT_PORTRAIT_OPTIONS;
  const faceMargin = margin ?? DEFAULT_PORTRAIT_OPTIONS.faceMargin;
  const window = computePortraitWindow(landmarks, { faceMargin, topMarginFactor, aspect: width / height });
  const windowToPhoto = cropWindowAffine({ ...window, outputWidth: width, outputHeight: height });
  const photoToWindow = invertAffine(windowToPhoto);
  return { photo, windowToPhoto, width, height, landmarks: landmarks.map((p) => applyAffine(photoToWindow, p.x, p.y)) };
}

/** Share of the pixels of a rectangle (clamped to the mask) for which `test` holds. */
function share(mask: GrayImage, x0: number, y0: number, x1: number, y1: number, test: (p: number) => boolean): number {
  let n = 0;
  let hits = 0;
  for (let y = Math.max(0, Math.round(y0)); y < Math.min(mask.height, Math.round(y1)); y++) {
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(mask.width, Math.round(x1)); x++) {
      n++;
      if (test(mask.data[y * mask.width + x])) hits++;
    }
  }
  if (n === 0) throw new Error('empty region');
  return hits / n;
}

/** Face: the inner part of the landmark box. Neck: the middle half of the jaw's width, a quarter to 0.6 face heights under the chin. */
function regions(landmarks: readonly Point[]) {
  const jaw = landmarks.slice(...LANDMARK_INDEX.jaw);
  const left = Math.min(...jaw.map((p) => p.x));
  const right = Math.max(...jaw.map((p) => p.x));
  const jawWidth = right - left;
  const chin = landmarks[LANDMARK_INDEX.chin].y;
  const brows = Math.min(...landmarks.slice(LANDMARK_INDEX.rightBrow[0], LANDMARK_INDEX.leftBrow[1]).map((p) => p.y));
  const faceHeight = chin - brows;
  return {
    face: [left + 0.15 * jawWidth, brows, right - 0.15 * jawWidth, chin - 0.05 * faceHeight] as const,
    neck: [left + 0.25 * jawWidth, chin + 0.25 * faceHeight, right - 0.25 * jawWidth, chin + 0.6 * faceHeight] as const,
  };
}

describe('segmentPerson', () => {
  it('is loaded from the manifest as the person stage', () => {
    expect(person.entry.stage).toBe('person');
    expect(person.entry.id).toBe('selfie-person-256');
    expect(person.entry.inputSize).toBe(256);
  });

  it.each(['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'portrait-5-tilted.jpg', 'astronaut.png'])(
    'covers the face and the neck under the chin, not the background, in %s',
    async (file) => {
      const f = await frame(file, 384, 384);
      const mask = await segmentPerson(f.photo, f.windowToPhoto, f.width, f.height, person);
      expect([mask.width, mask.height]).toEqual([384, 384]);
      expect(mask.data.every((p) => p >= 0 && p <= 1)).toBe(true);
      const { face, neck } = regions(f.landmarks);
      expect(share(mask, ...face, (p) => p > 0.9)).toBeGreaterThan(0.9);
      expect(share(mask, ...neck, (p) => p > 0.9)).toBeGreaterThan(0.95);
      // The top corners of a head-and-shoulders crop are background (in portrait-4 her raised arm fills the top left).
      const c = 0.08 * 384;
      if (file !== 'portrait-4.jpg') expect(share(mask, 0, 0, c, c, (p) => p < 0.1)).toBeGreaterThan(0.9);
      expect(share(mask, 384 - c, 0, 384, c, (p) => p < 0.1)).toBeGreaterThan(0.9);
    },
  );

  it.each([
    // The wall left of her at eye level, inside the photo (the top corners of these crops lie above it).
    ['portrait-1.jpg', [0, 0.3, 0.12, 0.6]],
    // The grey backdrop on both sides of the head.
    ['astronaut.png', [0, 0.25, 0.15, 0.6]],
    ['astronaut.png', [0.85, 0.25, 1, 0.6]],
  ] as const)('keeps the photo background of %s out', async (file, [x0, y0, x1, y1]) => {
    const f = await frame(file, 384, 384);
    const mask = await segmentPerson(f.photo, f.windowToPhoto, 384, 384, person);
    expect(share(mask, x0 * 384, y0 * 384, x1 * 384, y1 * 384, (p) => p < 0.1)).toBeGreaterThan(0.95);
  });

  it('sees the body of a tight greyscale photo whose window runs past the photo', async () => {
    // At margin 0.6 the window is about twice the photo; the model saw the photo floating in
    // black as a head alone (the neck band at 0.3–0.5) until the photo's edge was continued.
    const f = await frame('grey-portrait-tight.jpg', 384, 384, 0.6);
    const mask = await segmentPerson(f.photo, f.windowToPhoto, 384, 384, person);
    const { face, neck } = regions(f.landmarks);
    expect(share(mask, ...face, (p) => p > 0.9)).toBeGreaterThan(0.9);
    expect(share(mask, ...neck, (p) => p > 0.9)).toBeGreaterThan(0.95);
  });

  it('frames a tall window without distorting it: the same mask as the square window where they overlap', async () => {
    const square = await frame('portrait-1.jpg', 384, 384);
    const tall = await frame('portrait-1.jpg', 300, 384);
    const squareMask = await segmentPerson(square.photo, square.windowToPhoto, 384, 384, person);
    for (const fit of ['pad', 'squash'] as const) {
      const mask = await segmentPerson(tall.photo, tall.windowToPhoto, 300, 384, person, { fit });
      const { face, neck } = regions(tall.landmarks);
      expect(share(mask, ...face, (p) => p > 0.9)).toBeGreaterThan(0.9);
      expect(share(mask, ...neck, (p) => p > 0.9)).toBeGreaterThan(0.95);
      // Tall window pixel → square window pixel, nearest sample.
      const toSquare = composeAffine(invertAffine(square.windowToPhoto), tall.windowToPhoto);
      let sum = 0;
      let n = 0;
      for (let y = 0; y < 384; y++) {
        for (let x = 0; x < 300; x++) {
          const p = applyAffine(toSquare, x + 0.5, y + 0.5);
          const sx = Math.floor(p.x);
          const sy = Math.floor(p.y);
          if (sx < 0 || sy < 0 || sx >= 384 || sy >= 384) continue;
          sum += Math.abs(mask.data[y * 300 + x] - squareMask.data[sy * 384 + sx]);
          n++;
        }
      }
      // Measured: pad 0 (its square input is the square window's own), squash 0.013.
      expect(sum / n).toBeLessThan(fit === 'pad' ? 0.005 : 0.03);
    }
  });

  it.each(['portrait-2.jpg', 'group-2.jpg'])('sees the mirrored photo as the mirror image of what it sees in %s', async (file) => {
    // The model alone is not mirror-symmetric: its outline of a shoulder on a busy backdrop
    // differs between a photo and its mirror image (in group-2 a whole neighbour). segmentPerson
    // reads both views and averages them, so the plane of the mirrored photo is the plane of the
    // photo mirrored, up to the runtime's rounding. A square window on the photo's middle, at most 4 photo pixels per
    // model pixel (no block prefilter, whose blocks start at the photo's left edge).
    const photo = await decodeForTest(await readFixture(file));
    const mirror = { width: photo.width, height: photo.height, data: new Uint8ClampedArray(photo.data.length) };
    for (let y = 0; y < photo.height; y++) {
      for (let x = 0; x < photo.width; x++) mirror.data.set(photo.data.subarray((y * photo.width + x) * 4, (y * photo.width + x) * 4 + 4), (y * photo.width + photo.width - 1 - x) * 4);
    }
    const side = Math.min(photo.width, photo.height, 4 * 256);
    const n = 256;
    const windowToPhoto = cropWindowAffine({ centerX: photo.width / 2, centerY: photo.height / 2, width: side, height: side, angle: 0, outputWidth: n, outputHeight: n });
    const seen = await segmentPerson(photo, windowToPhoto, n, n, person);
    const mirrored = await segmentPerson(mirror, windowToPhoto, n, n, person);
    let max = 0;
    let sum = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const d = Math.abs(seen.data[y * n + x] - mirrored.data[y * n + n - 1 - x]);
        max = Math.max(max, d);
        sum += d;
      }
    }
    // Measured: 0 here; from the photo's view alone, mean 0.011 / 0.098 and max 0.77 / 1.
    expect(max).toBeLessThan(0.01);
    expect(sum / (n * n)).toBeLessThan(0.001);
  });

  it('runs on onnxruntime-web (WASM) as on onnxruntime-node', { timeout: 120_000 }, async () => {
    const web = await createOrtWebBackend({ device: 'wasm' });
    const bytes = new Uint8Array(await readFile(path.join(modelsDir, person.entry.file)));
    const session = await web.load(person.entry, bytes);
    expect(session.backend).toBe('ort-web');
    expect(session.device).toBe('wasm');
    try {
      const f = await frame('portrait-2.jpg', 384, 384);
      const fromNode = await segmentPerson(f.photo, f.windowToPhoto, 384, 384, person);
      const fromWeb = await segmentPerson(f.photo, f.windowToPhoto, 384, 384, { entry: person.entry, session });
      let max = 0;
      for (let i = 0; i < fromNode.data.length; i++) max = Math.max(max, Math.abs(fromNode.data[i] - fromWeb.data[i]));
      // Measured 2.3e-5.
      expect(max).toBeLessThan(1e-3);
    } finally {
      await session.release();
    }
  });

  it('rejects a window size that is not a positive integer', async () => {
    const f = await frame('astronaut.png', 64, 64);
    await expect(segmentPerson(f.photo, f.windowToPhoto, 0, 64, person)).rejects.toThrow(RangeError);
    await expect(segmentPerson(f.photo, f.windowToPhoto, 64.5, 64, person)).rejects.toThrow(RangeError);
  });
});
