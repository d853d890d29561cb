import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { PortraitProcessor } from '../../src/pipeline/portrait-processor.js';
import { describePortraitWarnings, lowResolutionWarning, MAX_ENLARGEMENT, MAX_NEIGHBOUR_CUT, PORTRAIT_WARNINGS, touchesOtherPersonWarning } from '../../src/pipeline/portrait-warnings.js';
import { modelsDir, readFixture } from '../support/fixtures.js';

const readme = readFileSync(path.resolve(modelsDir, '../README.md'), 'utf8');

describe('lowResolutionWarning', () => {
  it('warns only past the enlargement limit, saying by how much', () => {
    expect(lowResolutionWarning(648 / MAX_ENLARGEMENT + 1, 648)).toBeUndefined();
    const warning = lowResolutionWarning(100, 648);
    expect(warning).toMatchObject({ code: 'low_resolution', enlargement: 6.5 });
    expect(warning?.message).toContain('6.5×');
  });

  it('touches_other_person only past its share of the canvas width, saying how much', () => {
    expect(touchesOtherPersonWarning(MAX_NEIGHBOUR_CUT)).toBeUndefined();
    expect(touchesOtherPersonWarning(0)).toBeUndefined();
    const warning = touchesOtherPersonWarning(0.4567);
    expect(warning).toMatchObject({ code: 'touches_other_person', share: 0.457 });
    expect(warning?.message).toContain('46 % as long as the canvas is wide');
  });

  it('documents every declared warning once', () => {
    const text = describePortraitWarnings();
    for (const code of Object.keys(PORTRAIT_WARNINGS)) expect(text).toContain(`${code}:`);
    expect(text).toContain(`${MAX_ENLARGEMENT}×`);
    expect(text).toContain(`${Math.round(MAX_NEIGHBOUR_CUT * 100)} %`);
  });

  it('are each explained in the README with the limits declared here', () => {
    for (const code of Object.keys(PORTRAIT_WARNINGS)) expect(readme).toContain(`\`${code}\``);
    expect(readme).toContain(`more than ${MAX_ENLARGEMENT}×`);
    expect(readme).toContain(`more than ${Math.round(MAX_NEIGHBOUR_CUT * 100)} % of the canvas width`);
  });
});

describe('warnings on real photos', () => {
  let processor: PortraitProcessor;
  beforeAll(async () => {
    processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu', threads: 2 });
  }, 120_000);
  afterAll(async () => processor?.release());

  const options = { ovalMask: false, enhance: false, segmentationSize: 512 } as const;

  it('low_resolution: says when a small photo is blown up to the canvas, and not when the photo has the pixels', async () => {
    const bytes = await readFixture('portrait-1.jpg');
    const small = new Uint8Array(await sharp(bytes).resize({ width: 160 }).jpeg({ quality: 92 }).toBuffer());
    const blownUp = await processor.process(small, { ...options, width: 648, height: 648 });
    const warning = blownUp.warnings.find((w) => w.code === 'low_resolution');
    expect(warning).toBeDefined();
    expect(warning && 'enlargement' in warning ? warning.enlargement : 0).toBeGreaterThan(MAX_ENLARGEMENT);

    const sharpEnough = await processor.process(bytes, { ...options, width: 320, height: 320 });
    expect(sharpEnough.warnings.map((w) => w.code)).not.toContain('low_resolution');
  }, 120_000);

  it('touches_other_person: says when the subject is parted from someone cheek to cheek, and not for a portrait of one', async () => {
    // A couple hugging: her hair and shoulder meet his along most of the canvas's height.
    const couple = await processor.process(await readFixture('bar-night-couple-flash.jpg'), { ovalMask: false });
    const warning = couple.warnings.find((w) => w.code === 'touches_other_person');
    expect(warning).toBeDefined();
    expect(warning && 'share' in warning ? warning.share : 0).toBeGreaterThan(MAX_NEIGHBOUR_CUT);
    const alone = await processor.process(await readFixture('astronaut.png'), { ovalMask: false });
    expect(alone.warnings.map((w) => w.code)).not.toContain('touches_other_person');
  }, 120_000);
});
