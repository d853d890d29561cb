// The whole pipeline on the real bundled models and the real test photos.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eyeGeometry, LANDMARK_INDEX } from '../../src/geometry/face-landmarks.js';
import { centroid } from '../../src/geometry/point.js';
import { psnr } from '../../src/image/compare.js';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { PortraitProcessor, PortraitResult } from '../../src/pipeline/portrait-processor.js';
import { decodeForTest, GROUP_FIXTURES, modelsDir, pixel, PORTRAIT_FIXTURES, readFixture } from '../support/fixtures.js';

let processor: PortraitProcessor;
const results = new Map<string, PortraitResult>();

async function portraitOf(name: string): Promise<PortraitResult> {
  let result = results.get(name);
  if (!result) {
    result = await processor.process(await readFixture(name));
    results.set(name, result);
  }
  return result;
}

beforeAll(async () => {
  processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu' });
});
afterAll(() => processor?.release());

describe.each(PORTRAIT_FIXTURES)('portrait fixture %s', (name) => {
  it('finds the person in the middle as the subject', async () => {
    const result = await portraitOf(name);
    const subject = result.faces[result.subjectIndex];
    const cx = subject.box.x + subject.box.width / 2;
    expect(Math.abs(cx - result.input.width / 2)).toBeLessThan(result.input.width * 0.2);
    expect(subject.score).toBeGreaterThan(0.65);
  });

  it('writes a 648×648 PNG with alpha: corners transparent, face opaque', async () => {
    const result = await portraitOf(name);
    const png = await decodeForTest(result.png);
    expect([png.width, png.height, png.channels]).toEqual([648, 648, 4]);
    for (const [x, y] of [[0, 0], [647, 0], [0, 647], [647, 647]]) expect(pixel(png, x, y)[3]).toBe(0);
    // The nose tip and the eyes' centre are subject: fully opaque.
    const analysis = await processor.analyze(result.png);
    const nose = analysis.landmarks[30];
    expect(pixel(png, nose.x, nose.y)[3]).toBeGreaterThan(250);
    const eyes = eyeGeometry(analysis.landmarks);
    expect(pixel(png, eyes.midpoint.x, eyes.midpoint.y)[3]).toBeGreaterThan(250);
  });

  it('writes a JPEG of at most 99 KB whose corners are the background colour', async () => {
    const result = await portraitOf(name);
    expect(result.jpeg.length).toBeLessThanOrEqual(99 * 1024);
    expect(result.jpegFits).toBe(true);
    const jpeg = await decodeForTest(result.jpeg);
    expect([jpeg.width, jpeg.height]).toEqual([648, 648]);
    for (const [x, y] of [[2, 2], [645, 2], [2, 645], [645, 645]]) {
      const [r, g, b] = pixel(jpeg, x, y);
      for (const channel of [r, g, b]) expect(Math.abs(channel - 240)).toBeLessThanOrEqual(3);
    }
  });

  it('puts the eye midpoint on the vertical centre line (within 5 % of the width)', async () => {
    const result = await portraitOf(name);
    const analysis = await processor.analyze(result.jpeg);
    const eyes = eyeGeometry(analysis.landmarks);
    expect(Math.abs(eyes.midpoint.x - 324)).toBeLessThanOrEqual(648 * 0.05);
    expect(Math.abs(result.metrics.eyeCenterOffsetRatio)).toBeLessThanOrEqual(0.05);
    // Eyes above the mouth, head inside the frame with room around it.
    expect(eyes.midpoint.y).toBeLessThan(centroid(analysis.landmarks.slice(...LANDMARK_INDEX.mouth)).y);
    expect(result.metrics.headHeightRatio).toBeGreaterThan(0.4);
    expect(result.metrics.headHeightRatio).toBeLessThan(0.85);
  });
});

describe('alignment of portrait-5-tilted.jpg', () => {
  it('measures the tilt as about 14° before', async () => {
    const result = await portraitOf('portrait-5-tilted.jpg');
    expect(Math.abs(result.metrics.rollBeforeDegrees - 14)).toBeLessThanOrEqual(3);
  });

  it('levels the head: detection and landmarks on the output find |roll| ≤ 1°', async () => {
    const result = await portraitOf('portrait-5-tilted.jpg');
    const analysis = await processor.analyze(result.jpeg);
    expect(Math.abs(analysis.rollDegrees)).toBeLessThanOrEqual(1);
    expect(Math.abs(result.metrics.rollAfterDegrees)).toBeLessThanOrEqual(1);
  });

  it('gives the tilted and the upright photo nearly the same portrait', async () => {
    const tilted = await portraitOf('portrait-5-tilted.jpg');
    const upright = await portraitOf('portrait-5.jpg');
    // The same face, levelled the same way: within a few pixels of each other.
    const a = await processor.analyze(tilted.jpeg);
    const b = await processor.analyze(upright.jpeg);
    const ea = eyeGeometry(a.landmarks);
    const eb = eyeGeometry(b.landmarks);
    expect(Math.hypot(ea.midpoint.x - eb.midpoint.x, ea.midpoint.y - eb.midpoint.y)).toBeLessThan(648 * 0.03);
    expect(Math.abs(ea.interocular - eb.interocular) / eb.interocular).toBeLessThan(0.08);
  });
});

describe('group photos', () => {
  it.each(GROUP_FIXTURES)('reports every clearly visible face in %s (3)', async (name) => {
    const faces = await processor.detect(await readFixture(name));
    expect(faces.length).toBe(3);
    for (const face of faces) expect(face.score).toBeGreaterThan(0.65);
    // Three different people: no two boxes overlap.
    for (let i = 0; i < faces.length; i++) {
      for (let j = i + 1; j < faces.length; j++) {
        const a = faces[i].box;
        const b = faces[j].box;
        const overlap = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
        expect(overlap).toBe(0);
      }
    }
  });

  it('finds the same faces in a 12-megapixel copy, whose detection copy starts with whole blocks', async () => {
    // 4032 px wide: 3.15× the detection copy, so 2×2 blocks are averaged before the resize.
    const big = await sharp(await readFixture('group-1.jpg')).resize(4032).jpeg({ quality: 92 }).toBuffer();
    const ratio = 4032 / 1920;
    const small = await processor.detect(await readFixture('group-1.jpg'));
    const large = await processor.detect(new Uint8Array(big));
    expect(large.length).toBe(small.length);
    for (const face of small) {
      const match = large.find((f) => Math.abs(f.box.x / ratio - face.box.x) < face.box.width * 0.05);
      expect(match).toBeDefined();
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs((match as (typeof large)[number]).box[key] / ratio - face.box[key])).toBeLessThan(face.box.width * 0.05);
    }
  });

  it('still makes a portrait of the largest face and reports all three', async () => {
    const result = await portraitOf('group-1.jpg');
    expect(result.faces.length).toBe(3);
    expect(result.metrics.faceCount).toBe(3);
    const areas = result.faces.map((f) => f.box.width * f.box.height);
    expect(areas[result.subjectIndex]).toBe(Math.max(...areas));
  });
});

describe('input formats and orientation', () => {
  it('turns a sideways photo with EXIF orientation 6 upright', async () => {
    const sideways = await processor.process(await readFixture('portrait-1-exif6.jpg'));
    expect(sideways.input.orientation).toBe(6);
    const analysis = await processor.analyze(sideways.jpeg);
    expect(Math.abs(analysis.rollDegrees)).toBeLessThanOrEqual(2);
    const eyes = eyeGeometry(analysis.landmarks);
    expect(eyes.midpoint.y).toBeLessThan(analysis.landmarks[LANDMARK_INDEX.chin].y);
    // The same portrait as from the upright JPEG (the sideways file is a re-encode: JPEG noise).
    expect(psnr(sideways.image, (await portraitOf('portrait-1.jpg')).image, { channels: 'rgba' })).toBeGreaterThan(28);
  });

  it('gives the same portrait from PNG, WebP and BMP copies of one photo', async () => {
    const png = await processor.process(await readFixture('portrait-1.png'));
    for (const name of ['portrait-1.webp', 'portrait-1.bmp']) {
      const other = await processor.process(await readFixture(name));
      expect(other.input.format).toBe(name.split('.').pop());
      expect(psnr(other.image, png.image, { channels: 'rgba' })).toBeGreaterThanOrEqual(40);
    }
  });
});

describe('the oval mask, kept per canvas size', () => {
  it('gives a 400×500 portrait made after a 648² one the pixels of a processor that makes it first, and the 648² one after it its own again', async () => {
    const bytes = await readFixture('portrait-2.jpg');
    const square = await portraitOf('portrait-2.jpg');
    const after = await processor.process(bytes, { width: 400, height: 500 });
    const fresh = await createNodePortraitProcessor({ modelsDir, device: 'cpu' });
    try {
      const first = await fresh.process(bytes, { width: 400, height: 500 });
      expect([after.width, after.height]).toEqual([400, 500]);
      expect(Buffer.from(after.image.data).equals(Buffer.from(first.image.data))).toBe(true);
    } finally {
      await fresh.release();
    }
    const again = await processor.process(bytes);
    expect(Buffer.from(again.image.data).equals(Buffer.from(square.image.data))).toBe(true);
  });
});

describe('the removed background', () => {
  it('is not kept in the PNG under alpha 0, at the crop size as after an upscale', async () => {
    // 200×250: the face window holds more pixels than the canvas, so no resize runs (the path
    // that once kept the photo's background colours under alpha 0); the default canvas upscales.
    const small = await processor.process(await readFixture('portrait-2.jpg'), { width: 200, height: 250 });
    expect(small.timings.resize).toBeUndefined();
    const upscaled = await portraitOf('portrait-2.jpg');
    expect(upscaled.timings.resize).toBeGreaterThan(0);
    for (const result of [small, upscaled]) {
      const png = await decodeForTest(result.png);
      let transparent = 0;
      let coloured = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        if (png.data[i + 3] !== 0) continue;
        transparent++;
        if (png.data[i] !== 0 || png.data[i + 1] !== 0 || png.data[i + 2] !== 0) coloured++;
      }
      expect(transparent).toBeGreaterThan(png.data.length / 4 / 5);
      expect(coloured).toBe(0);
    }
  });
});
