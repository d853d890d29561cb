// Bad input gets a typed error, and a huge declared size is refused before any pixel is decoded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageTooLargeError, InvalidImageError, InvalidOptionError, MultipleFacesError, NoFaceError } from '../../src/errors.js';
import { createFileModelSource } from '../../src/models/file-model-source.js';
import { createOrtNodeBackend } from '../../src/backends/ort-node-backend.js';
import { createSharpCodec } from '../../src/io/node-codec.js';
import type { ImageCodec } from '../../src/io/image-codec.js';
import { createPortraitProcessor, type PortraitProcessor } from '../../src/pipeline/portrait-processor.js';
import { modelsDir, readFixture } from '../support/fixtures.js';

let processor: PortraitProcessor;
const decodeCalls: number[] = [];

beforeAll(async () => {
  const sharpCodec = createSharpCodec();
  // The real codec, counting how often it is asked to decode.
  const countingCodec: ImageCodec = {
    name: sharpCodec.name,
    decode: (bytes, limits) => {
      decodeCalls.push(bytes.length);
      return sharpCodec.decode(bytes, limits);
    },
    encodePng: (image) => sharpCodec.encodePng(image),
    encodeJpeg: (image, quality) => sharpCodec.encodeJpeg(image, quality),
  };
  processor = await createPortraitProcessor({
    backend: await createOrtNodeBackend({ device: 'cpu' }),
    models: createFileModelSource(modelsDir),
    codec: countingCodec,
  });
});
afterAll(() => processor?.release());

describe('bad input', () => {
  it('a cat photo → no-face error', async () => {
    await expect(processor.process(await readFixture('no-face-cat.png'))).rejects.toBeInstanceOf(NoFaceError);
  });

  it('random bytes and text → invalid-image error, never handed to the decoder', async () => {
    decodeCalls.length = 0;
    for (const name of ['random-bytes.bin', 'text-as-image.jpg']) {
      const error = await processor.process(await readFixture(name)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidImageError);
      expect((error as InvalidImageError).code).toBe('invalid_image');
    }
    await expect(processor.process(new Uint8Array(0))).rejects.toBeInstanceOf(InvalidImageError);
    expect(decodeCalls).toEqual([]);
  });

  it('a truncated JPEG → invalid-image error', async () => {
    await expect(processor.process(await readFixture('truncated.jpg'))).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('a PNG declaring 40000×40000 → too-large error from the header, without decoding', async () => {
    decodeCalls.length = 0;
    const error = await processor.process(await readFixture('huge-header.png')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect((error as Error).message).toMatch(/40000×40000/);
    expect(decodeCalls).toEqual([]);
  });

  it('a pixel limit below the photo → too-large error', async () => {
    await expect(processor.process(await readFixture('portrait-4.jpg'), { maxPixels: 100_000 })).rejects.toBeInstanceOf(ImageTooLargeError);
  });

  it('bad options → invalid-option error naming the option', async () => {
    const photo = await readFixture('portrait-4.jpg');
    await expect(processor.process(photo, { width: 0 })).rejects.toThrow(/width/);
    await expect(processor.process(photo, { subject: 'tallest' as never })).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(processor.process(photo, { segmentationSize: 700 })).rejects.toThrow(/multiple of 32/);
  });

  it('processes the next good photo after all of that', async () => {
    const result = await processor.process(await readFixture('portrait-4.jpg'));
    expect(result.width).toBe(648);
  });
});

describe('subject policy', () => {
  it('single: a group photo → several-faces error with the count', async () => {
    const error = await processor.process(await readFixture('group-2.jpg'), { subject: 'single' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultipleFacesError);
    expect((error as MultipleFacesError).details).toEqual({ count: 3 });
  });

  it('single: a portrait with slivers of neighbours at the edges is fine', async () => {
    const result = await processor.process(await readFixture('portrait-1.jpg'), { subject: 'single' });
    expect(result.subjectIndex).toBe(0);
  });

  it('center picks the face nearest the middle, largest the biggest', async () => {
    const photo = await readFixture('group-1.jpg');
    const center = await processor.analyze(photo, { subject: 'center' });
    const largest = await processor.analyze(photo, { subject: 'largest' });
    const distanceToCentre = (i: number) => {
      const b = center.faces[i].box;
      return Math.hypot(b.x + b.width / 2 - center.width / 2, b.y + b.height / 2 - center.height / 2);
    };
    for (let i = 0; i < center.faces.length; i++) expect(distanceToCentre(center.subjectIndex)).toBeLessThanOrEqual(distanceToCentre(i));
    const areas = largest.faces.map((f) => f.box.width * f.box.height);
    expect(areas[largest.subjectIndex]).toBe(Math.max(...areas));
  });
});
