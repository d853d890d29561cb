import { describe, expect, it } from 'vitest';
import { fitWindowToPhoto, marginAtScale, minWindowScale, shareOutside, type HeadInWindow } from '../../src/geometry/fit-window.js';
import type { PortraitWindow } from '../../src/geometry/portrait-window.js';
import { photoEdgeCut } from '../../src/pipeline/frame-subject.js';
import { createGrayImage } from '../../src/image/rgba-image.js';

const head: HeadInWindow = { left: -100, right: 100, top: -160, bottom: 100 };
const window = (over: Partial<PortraitWindow> = {}): PortraitWindow => ({ centerX: 500, centerY: 500, width: 600, height: 600, angle: 0, ...over });

describe('fitting the window inside the photo', () => {
  it('leaves a window that lies inside the photo alone', () => {
    const fitted = fitWindowToPhoto(window(), head, 1000, 1000, 0.6);
    expect(fitted).toEqual({ window: window(), outside: 0, scale: 1, moved: false });
  });

  it('moves a window that runs past the top edge, keeping its size and the head inside it', () => {
    const asked = window({ centerY: 260 });
    expect(shareOutside(asked, 1000, 1000)).toBeGreaterThan(0.05);
    const fitted = fitWindowToPhoto(asked, head, 1000, 1000, 0.6);
    expect([fitted.outside, fitted.scale, fitted.moved]).toEqual([0, 1, true]);
    expect(fitted.window.centerY - 300).toBeGreaterThanOrEqual(-1e-9);
    // The head (260 − 160 … 260 + 100 in the photo) is still inside the moved window.
    expect(fitted.window.centerY - fitted.window.height / 2).toBeLessThanOrEqual(260 - 160);
  });

  it('shrinks the margin when moving is not enough, within the bound, and says by how much', () => {
    const fitted = fitWindowToPhoto(window({ width: 1100, height: 1100 }), head, 1000, 1000, minWindowScale(0.6, 1.5));
    expect(fitted.outside).toBe(0);
    expect(fitted.scale).toBeLessThan(1);
    expect(fitted.scale).toBeGreaterThanOrEqual(minWindowScale(0.6, 1.5) - 1e-9);
    const margin = marginAtScale(0.6, 1.5, fitted.scale);
    expect(margin).toBeLessThan(0.6);
    expect(margin).toBeGreaterThanOrEqual(0.6 * 0.4 - 1e-9);
  });

  it('keeps the framing as asked when no move or shrink within bounds fits', () => {
    const asked = window({ width: 2000, height: 2000 });
    const fitted = fitWindowToPhoto(asked, head, 1000, 1000, minWindowScale(0.3, 1.5));
    expect([fitted.window, fitted.scale, fitted.moved]).toEqual([asked, 1, false]);
    expect(fitted.outside).toBeGreaterThan(0);
  });

  it('never moves a window sideways (the eyes stay centred): past a side edge it shrinks about its centre', () => {
    const asked = window({ centerX: 250 });
    const fitted = fitWindowToPhoto(asked, head, 1000, 1000, minWindowScale(0.6, 1.5));
    expect(fitted.outside).toBe(0);
    expect(fitted.scale).toBeLessThan(1);
    expect(fitted.window.centerX).toBeCloseTo(250, 9);
  });

  it('follows a tilted window', () => {
    const asked = window({ centerY: 280, angle: (10 * Math.PI) / 180 });
    const fitted = fitWindowToPhoto(asked, head, 1000, 1000, 0.6);
    expect(fitted.outside).toBe(0);
    expect(fitted.window.angle).toBe(asked.angle);
  });
});

describe('measuring a cut by the photo edge', () => {
  const size = 100;
  const planes = (photoTop: number, subject: (x: number, y: number) => boolean) => {
    const alpha = createGrayImage(size, size);
    const inPhoto = createGrayImage(size, size);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
      inPhoto.data[y * size + x] = y >= photoTop ? 1 : 0;
      alpha.data[y * size + x] = y >= photoTop && subject(x, y) ? 1 : 0;
    }
    return { alpha, inPhoto };
  };

  it('gives the share of the width where the subject meets the photo edge', () => {
    const { alpha, inPhoto } = planes(20, (x) => x >= 30 && x < 70);
    expect(photoEdgeCut(alpha, inPhoto)).toBeCloseTo(0.44, 1);
  });

  it('is 0 where the photo edge runs through background only, and for a photo that fills the canvas', () => {
    const apart = planes(20, (x, y) => y > 40 && x >= 30 && x < 70);
    expect(photoEdgeCut(apart.alpha, apart.inPhoto)).toBe(0);
    const full = planes(0, () => true);
    expect(photoEdgeCut(full.alpha, full.inPhoto)).toBe(0);
  });

  it('does not count the canvas bottom', () => {
    const alpha = createGrayImage(size, size);
    const inPhoto = createGrayImage(size, size);
    for (let i = 0; i < size * size; i++) inPhoto.data[i] = 1;
    for (let i = 0; i < size * size; i++) alpha.data[i] = i >= size * 50 ? 1 : 0;
    expect(photoEdgeCut(alpha, inPhoto)).toBe(0);
  });
});
