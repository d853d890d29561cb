import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/image/rgba-image.js';
import { COLOUR_VOTE, colourFavoursSubject, VOTE_BACKDROP, VOTE_CANDIDATE, VOTE_SUBJECT } from '../../src/pipeline/cutout/colour-vote.js';

/**
 * The colour vote on a 120 × 60 photo: the left third sure subject (brown), the right third sure
 * backdrop (green), the middle third candidates painted in stripes of either colour.
 */
const W = 120;
const H = 60;
const BROWN = [90, 60, 40];
const GREEN = [40, 150, 60];

function scene(candidateColour: (x: number, y: number) => readonly number[], roleOf: (x: number) => number = (x) => (x < 40 ? VOTE_SUBJECT : x >= 80 ? VOTE_BACKDROP : VOTE_CANDIDATE)): { crop: RgbaImage; roles: Uint8Array } {
  const data = new Uint8ClampedArray(W * H * 4);
  const roles = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const colour = x < 40 ? BROWN : x >= 80 ? GREEN : candidateColour(x, y);
      data.set([...colour, 255], i * 4);
      roles[i] = roleOf(x);
    }
  }
  return { crop: { width: W, height: H, data }, roles };
}

describe('colourFavoursSubject', () => {
  it("passes the candidates in the subject's colours and stops those in the backdrop's", () => {
    // Candidates: the top half brown, the bottom half green (bands 30 px high, far wider than the smoothing).
    const { crop, roles } = scene((_, y) => (y < 30 ? BROWN : GREEN));
    const vote = colourFavoursSubject(crop, roles, 100);
    expect(vote[10 * W + 60]).toBe(1);
    expect(vote[50 * W + 60]).toBe(0);
    // Only candidates get a vote.
    expect(vote[10 * W + 10]).toBe(0);
    expect(vote[10 * W + 100]).toBe(0);
  });

  it('passes every candidate when either side has too few sure pixels to learn from', () => {
    // A backdrop of a single column: fewer than COLOUR_VOTE.minSamples pixels.
    expect(H).toBeLessThan(COLOUR_VOTE.minSamples);
    const { crop, roles } = scene(() => GREEN, (x) => (x < 40 ? VOTE_SUBJECT : x === 119 ? VOTE_BACKDROP : x >= 80 ? 0 : VOTE_CANDIDATE));
    const vote = colourFavoursSubject(crop, roles, 100);
    expect(vote[30 * W + 60]).toBe(1);
  });

  it("passes none when told that an unsure vote fails: too few sure pixels, or the two sides' colours alike", () => {
    const few = scene(() => GREEN, (x) => (x < 40 ? VOTE_SUBJECT : x === 119 ? VOTE_BACKDROP : x >= 80 ? 0 : VOTE_CANDIDATE));
    expect(colourFavoursSubject(few.crop, few.roles, 100, Infinity, 'fails')[30 * W + 60]).toBe(0);
    // Both sides brown: the overlap is 1.
    const alike = scene(() => BROWN);
    for (let i = 0; i < W * H; i++) alike.crop.data.set([...BROWN, 255], i * 4);
    expect(colourFavoursSubject(alike.crop, alike.roles, 100, 0.5)[30 * W + 60]).toBe(1);
    expect(colourFavoursSubject(alike.crop, alike.roles, 100, 0.5, 'fails')[30 * W + 60]).toBe(0);
  });

  it('learns only from sure pixels near the candidates', () => {
    // 200 × 60: subject x < 40 (brown from x 16, green before), candidates x 40–79 (brown),
    // backdrop from x 80 (green up to x 103, brown beyond). The learning radius is 1.2 × 20 =
    // 24 px, so near the candidates brown is the subject's colour; over the whole photo the
    // backdrop has more brown than the subject.
    const width = 200;
    const scale = 20;
    expect(COLOUR_VOTE.learnWithin * scale).toBe(24);
    const data = new Uint8ClampedArray(width * H * 4);
    const roles = new Uint8Array(width * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < width; x++) {
        const colour = x < 16 ? GREEN : x < 80 ? BROWN : x < 104 ? GREEN : BROWN;
        data.set([...colour, 255], (y * width + x) * 4);
        roles[y * width + x] = x < 40 ? VOTE_SUBJECT : x < 80 ? VOTE_CANDIDATE : VOTE_BACKDROP;
      }
    }
    expect(colourFavoursSubject({ width, height: H, data }, roles, scale)[30 * width + 60]).toBe(1);
  });

  it('votes alike wherever the candidates lie, at the crop\'s edges too', () => {
    // The scene of the first test, candidates moved to the top rows and the right edge (the
    // learning window clamped by the crop on two sides): the same vote on the same colours.
    const { crop, roles } = scene((_, y) => (y < 30 ? BROWN : GREEN));
    const moved = new Uint8Array(roles);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (moved[y * W + x] === VOTE_CANDIDATE && y > 5) moved[y * W + x] = 0;
    for (let y = 0; y < H; y++) for (let x = 116; x < W; x++) moved[y * W + x] = VOTE_CANDIDATE;
    for (let y = 0; y < H; y++) for (let x = 116; x < W; x++) crop.data.set([...(y < 30 ? BROWN : GREEN), 255], (y * W + x) * 4);
    const vote = colourFavoursSubject(crop, moved, 100);
    expect(vote[2 * W + 60]).toBe(1); // brown, top rows
    expect(vote[10 * W + 118]).toBe(1); // brown, right edge
    expect(vote[50 * W + 118]).toBe(0); // green, right edge
    expect(vote[20 * W + 60]).toBe(0); // no longer a candidate
  });

  it('passes every candidate when the two sides share their colours beyond maxOverlap', () => {
    // The subject's side half brown (top) and half green (bottom), the backdrop green: a
    // Bhattacharyya coefficient of √0.5 ≈ 0.71. The green candidates are stopped without a limit
    // and pass with one below 0.71.
    const { crop, roles } = scene(() => GREEN);
    for (let y = 30; y < H; y++) for (let x = 0; x < 40; x++) crop.data.set([...GREEN, 255], (y * W + x) * 4);
    expect(colourFavoursSubject(crop, roles, 100)[10 * W + 60]).toBe(0);
    expect(colourFavoursSubject(crop, roles, 100, 0.75)[10 * W + 60]).toBe(0);
    expect(colourFavoursSubject(crop, roles, 100, 0.7)[10 * W + 60]).toBe(1);
  });
});
