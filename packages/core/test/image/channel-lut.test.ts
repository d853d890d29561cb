import { describe, expect, it } from 'vitest';
import { applyChannelLuts, applyLut } from '../../src/image/channel-lut.js';
import { createRgbaImage } from '../../src/image/rgba-image.js';

describe('applyLut / applyChannelLuts', () => {
  const img = createRgbaImage(2, 1, new Uint8ClampedArray([0, 100, 255, 7, 10, 20, 30, 255]));
  const invert = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);

  it('maps R, G, B through the table and copies alpha', () => {
    expect(Array.from(applyLut(img, invert).data)).toEqual([255, 155, 0, 7, 245, 235, 225, 255]);
  });

  it('uses one table per channel', () => {
    const identity = Uint8Array.from({ length: 256 }, (_, i) => i);
    const zero = new Uint8Array(256);
    expect(Array.from(applyChannelLuts(img, zero, identity, invert).data)).toEqual([0, 100, 0, 7, 0, 20, 225, 255]);
  });

  it('validates the tables', () => {
    expect(() => applyLut(img, new Uint8Array(255))).toThrow(new RangeError('Expected 256 entries for lut but received 255'));
    expect(() => applyLut(img, new Array(256).fill(0) as never)).toThrow(TypeError);
  });
});
