import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { PortraitProcessor } from '../../src/pipeline/portrait-processor.js';
import { describePortraitWarnings, lowResolutionWarning, MAX_ENLARGEMENT, PORTRAIT_WARNINGS } from '../../src/pipeline/portrait-warnings.js';
import { modelsDir, readFixture } from '../support/fixtures.js';

describe('lowResolutionWarning', () => {
  it('warns only past the enlargement limit, saying by how much', () => {
    expect(lowResolutionWarning(648 / MAX_ENLARGEMENT + 1, 648)).toBeUndefined();
    const warning = lowResolutionWarning(100, 648);
    expect(warning).toMatchObject({ code: 'low_resolution', enlargement: 6.5 });
    expect(warning?.message).toContain('6.5×');
  });

  it('documents every declared warning once', () => {
    const text = describePortraitWarnings();
    for (const code of Object.keys(PORTRAIT_WARNINGS)) expect(text).toContain(`${code}:`);
    expect(text).toContain(`${MAX_ENLARGEMENT}×`);
  });
});

describe('low_resolution on real photos', () => {
  let processor: PortraitProcessor;
  beforeAll(async () => {
    processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu', threads: 2 });
  }, 120_000);
  afterAll(async () => processor?.release());

  const options = { ovalMask: false, enhance: false, segmentationSize: 512 } as const;

  it('says when a small photo is blown up to the canvas, and not when the photo has the pixels', async () => {
    const bytes = await readFixture('portrait-1.jpg');
    const small = new Uint8Array(await sharp(bytes).resize({ width: 160 }).jpeg({ quality: 92 }).toBuffer());
    const blownUp = await processor.process(small, { ...options, width: 648, height: 648 });
    const warning = blownUp.warnings.find((w) => w.code === 'low_resolution');
    expect(warning).toBeDefined();
    expect(warning && 'enlargement' in warning ? warning.enlargement : 0).toBeGreaterThan(MAX_ENLARGEMENT);

    const sharpEnough = await processor.process(bytes, { ...options, width: 320, height: 320 });
    expect(sharpEnough.warnings.map((w) => w.code)).not.toContain('low_resolution');
  }, 120_000);
});
