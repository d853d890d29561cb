import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/random.js';
import type { Point } from '../../src/geometry/point.js';
import { convexHull, fillPolygon } from '../../src/image/fill-polygon.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { bodyRegion, faceRegion, faceScale, forcedFace, NECK_STRIP } from '../../src/pipeline/cutout/face-region.js';
import { FUSION, fuseAlpha, salientHoldsBody, salientHoldsSides } from '../../src/pipeline/cutout/fuse-alpha.js';
import { personMatte, salientMissesFace } from '../../src/pipeline/cutout/isnet-blind.js';
import { continuedPastPhoto } from '../../src/pipeline/cutout/person-prior.js';
import { fillEnclosedSpecks, SPECKS } from '../../src/pipeline/cutout/fill-holes.js';
import { narrowEdgeForUpscale, refineEdge } from '../../src/pipeline/cutout/refine-edge.js';
import { INTERIOR, solidifyInterior } from '../../src/pipeline/cutout/solid-interior.js';
import { COLOUR_SPLIT, splitByColour } from '../../src/pipeline/cutout/split-by-colour.js';
import { HAIR_OVER_FACES, giveBackHair, hairOverOtherFaces, type FaceBehind } from '../../src/pipeline/cutout/hair-over-faces.js';
import { otherPeopleMask, OWNER_SPREAD, OWN_REGION_COLOUR, ownSalientRegion, ownWhereColourAgrees, SIDEWAYS_COST, splitLineLength, subjectHeadOf, UNSEEN_PEOPLE } from '../../src/pipeline/cutout/split-people.js';
import { ellipseMask, headEllipse } from '../../src/pipeline/cutout/head-ellipse.js';

/**
 * The fusion's rules on synthetic planes, where the right answer is known: a frontal face's 68
 * landmarks on a 200² crop, ISNet's alpha and the person model's depth drawn by hand.
 */
const W = 200;
const H = 200;

/** A frontal face: jaw from (70, 80) round to (130, 80) with the chin at (100, 130), brows at y 70, eyes at y 80. */
function frontalLandmarks(): Point[] {
  const points: Point[] = [];
  for (let k = 0; k < 17; k++) {
    const a = Math.PI * (k / 16);
    points.push({ x: 100 - 30 * Math.cos(a), y: 80 + 50 * Math.sin(a) });
  }
  for (let k = 0; k < 10; k++) points.push({ x: 75 + k * 5.5, y: 70 }); // brows 17–26
  for (let k = 0; k < 9; k++) points.push({ x: 100, y: 85 + k * 3 }); // nose 27–35
  for (let k = 0; k < 6; k++) points.push({ x: 80 + 6 * Math.cos((k / 6) * 2 * Math.PI), y: 80 + 2 * Math.sin((k / 6) * 2 * Math.PI) }); // right eye 36–41
  for (let k = 0; k < 6; k++) points.push({ x: 120 + 6 * Math.cos((k / 6) * 2 * Math.PI), y: 80 + 2 * Math.sin((k / 6) * 2 * Math.PI) }); // left eye 42–47
  for (let k = 0; k < 20; k++) points.push({ x: 90 + (k % 10) * 2, y: 115 + (k < 10 ? 0 : 3) }); // mouth 48–67
  return points;
}

const plane = (f: (x: number, y: number) => number): GrayImage => {
  const g = createGrayImage(W, H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) g.data[y * W + x] = f(x + 0.5, y + 0.5);
  return g;
};
const at = (g: GrayImage, x: number, y: number) => g.data[y * W + x];
/** A crop in two colours, `first` where `isFirst` holds and `second` elsewhere, each with the same fixed grain of ±5 (no real hair or cloth is flat). */
const twoToneCrop = (isFirst: (x: number, y: number) => boolean, first: readonly number[], second: readonly number[]): RgbaImage => {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const noise = ((x * 7 + y * 13) % 11) - 5;
      const [r, g, b] = isFirst(x, y) ? first : second;
      data.set([r + noise, g + noise, b + noise, 255], (y * W + x) * 4);
    }
  }
  return { width: W, height: H, data };
};

describe('forcedFace', () => {
  const landmarks = frontalLandmarks();

  it('makes the landmark hull solid where the matte sees a trace, the forehead only where the matte sees it plainly', () => {
    const faint = forcedFace(landmarks, plane(() => 0.08));
    expect(at(faint, 100, 100)).toBe(1); // cheek, inside the jaw-and-brow hull: a nearly see-through face is made solid
    expect(at(faint, 100, 60)).toBeLessThan(0.3); // above the brows the faint matte is not enough
    const nothing = forcedFace(landmarks, createGrayImage(W, H));
    expect(at(nothing, 100, 100)).toBe(0); // nothing at all in the matte: a profile's far-side points lie on the background
    const foreheadSeen = forcedFace(landmarks, plane((_, y) => (y < 70 ? 0.6 : 0.08)));
    expect(at(foreheadSeen, 100, 60)).toBe(1); // a see-through forehead (0.6) is made solid
    const lifted = faceRegion(landmarks, W, H);
    expect(at(lifted, 100, 60)).toBe(1); // the region the forehead may reach
  });
});

describe('when ISNet misses the face', () => {
  const landmarks = frontalLandmarks();

  it('tells a blind matte (nothing on the face) from a see-through one (0.6 on a greyscale face)', () => {
    expect(salientMissesFace(landmarks, createGrayImage(W, H))).toBe(true);
    expect(salientMissesFace(landmarks, plane(() => 0.1))).toBe(true);
    expect(salientMissesFace(landmarks, plane(() => 0.6))).toBe(false);
    // ISNet kept only the hair above the face: still blind on the face.
    expect(salientMissesFace(landmarks, plane((_, y) => (y < 70 ? 1 : 0)))).toBe(true);
  });

  it("stands in the person model's matte: a soft ramp across its contour, solid inside, clear outside", () => {
    // The person model's depth: a disc of radius 60 round the face centre.
    const depth = plane((x, y) => 60 - Math.hypot(x - 100, y - 100));
    const matte = personMatte(depth, faceScale(landmarks));
    expect(at(matte, 100, 100)).toBe(1);
    expect(at(matte, 100, 156)).toBe(1); // 3.5 px inside; the ramp's half-width is 0.05 × 50 px
    expect(at(matte, 100, 159)).toBeCloseTo(0.5 + 0.5 / 5, 1);
    expect(at(matte, 100, 163)).toBe(0);
    // With it, the face is forced solid as when ISNet sees it.
    expect(at(forcedFace(landmarks, matte), 100, 100)).toBe(1);
  });
});

describe('fuseAlpha', () => {
  const landmarks = frontalLandmarks();
  const scale = faceScale(landmarks);
  const face = forcedFace(landmarks, createGrayImage(W, H));
  const body = bodyRegion(landmarks, W, H);
  const neck = bodyRegion(landmarks, W, H, NECK_STRIP);
  // The person model: a blob that covers the head, the body under it and, wrongly, the whole bottom of the crop.
  const personDepth = plane((x, y) => (y > 140 ? 60 : 40 - Math.hypot(x - 100, y - 100)));

  it('fills the body from the person model where ISNet dropped the neck', () => {
    const salient = plane((x, y) => (Math.hypot(x - 100, y - 95) < 45 && y < 130 ? 1 : 0)); // the head only
    const inputs = { salient, personDepth, face, body, neck, faceScale: scale };
    expect(salientHoldsBody(inputs)).toBe(false);
    const fused = fuseAlpha(inputs);
    expect(at(fused, 100, 170)).toBe(1); // under the chin
  });

  it("keeps ISNet's outline of the body where ISNet holds the neck: the person model's blob beside the shoulders stays out", () => {
    // Head, a neck 30 px wide and shoulders from y 160, 150 px wide (2.5 jaw widths).
    const salient = plane((x, y) => (Math.hypot(x - 100, y - 95) < 45 && y < 130) || (Math.abs(x - 100) < 15 && y >= 120) || (Math.abs(x - 100) < 75 && y >= 160) ? 1 : 0);
    const inputs = { salient, personDepth, face, body, neck, faceScale: scale };
    expect(salientHoldsBody(inputs)).toBe(true);
    const fused = fuseAlpha(inputs);
    expect(at(fused, 100, 180)).toBe(1);
    expect(at(fused, 100, 145)).toBe(1);
    expect(at(fused, 15, 185)).toBe(0); // beside the shoulder: the blob is not painted in
    expect(at(fused, 70, 145)).toBe(0); // beside the neck
  });

  it('fills the shoulders from the person model where ISNet holds the neck but not the shoulders (a small, blurred face)', () => {
    // ISNet: the head and a neck column running down to the crop's bottom, nothing of the shoulders.
    const salient = plane((x, y) => (Math.hypot(x - 100, y - 95) < 45 && y < 130) || (Math.abs(x - 100) < 15 && y >= 120) ? 1 : 0);
    // The person model: the head and shoulders 150 px wide from y 160.
    const shouldersDepth = plane((x, y) => (y > 160 ? Math.min(y - 160, 75 - Math.abs(x - 100)) : 40 - Math.hypot(x - 100, y - 100)));
    const inputs = { salient, personDepth: shouldersDepth, face, body, neck, faceScale: scale };
    expect(salientHoldsBody({ ...inputs, body: neck })).toBe(true); // the neck strip alone says "held"
    expect(salientHoldsBody(inputs)).toBe(false);
    const fused = fuseAlpha(inputs);
    expect(at(fused, 50, 190)).toBe(1); // the shoulder
    expect(at(fused, 10, 190)).toBe(0); // beyond the person model's shoulder and its reach
    // Where the photo ends beside the neck (the shoulders band inside the photo is empty), the neck decides.
    const empty = createGrayImage(W, H);
    expect(salientHoldsBody({ ...inputs, shoulders: empty })).toBe(true);
  });

  // ISNet's head, neck and shoulders 100 px wide; the person model sees the body only left of x 125.
  const heldBody = (x: number, y: number) => (Math.hypot(x - 100, y - 95) < 45 && y < 130) || (Math.abs(x - 100) < 15 && y >= 120) || (Math.abs(x - 100) < 50 && y >= 160);
  const lostShoulder = plane((x, y) => (y > 140 ? (125 - x) * 3 : 40 - Math.hypot(x - 100, y - 100)));

  it('keeps the shoulder ISNet holds where the person model lost it (a pale jumper on a pale wall), but not a lamp beside the head', () => {
    // ISNet: head, neck, shoulders 100 px wide, and a lamp up at the right. The person model
    // sees the body only left of x 125: its right shoulder lies far outside the person.
    const salient = plane((x, y) => (heldBody(x, y) || Math.hypot(x - 185, y - 25) < 10 ? 1 : 0));
    const inputs = { salient, personDepth: lostShoulder, face, body, neck, faceScale: scale };
    expect(salientHoldsBody(inputs)).toBe(true);
    expect(at(lostShoulder, 145, 185)).toBeLessThan(-1.2 * scale); // beyond the reach: the gate alone would clear it
    expect(at(body, 145, 185)).toBeGreaterThan(0.9);
    const fused = fuseAlpha(inputs);
    expect(at(fused, 145, 185)).toBeGreaterThan(0.9); // ISNet's shoulder stays
    expect(at(fused, 185, 25)).toBe(0); // the lamp, outside the body band, is cleared
    expect(at(fused, 100, 185)).toBe(1);
  });

  it('clears what lies above the eyes within the reach kept for the shoulders when the head is known (a cup behind the head)', () => {
    // ISNet holds head, neck and shoulders, and a cup up above the head: 40 px outside the
    // person model's head (0.8 eye-to-chin lengths: inside reachWhenHeld, beyond reach).
    const salient = plane((x, y) => (heldBody(x, y) || Math.hypot(x - 100, y - 20) < 6 ? 1 : 0));
    const inputs = { salient, personDepth: lostShoulder, face, body, neck, faceScale: scale };
    expect(salientHoldsBody(inputs)).toBe(true);
    expect(scale).toBe(50);
    expect(at(fuseAlpha(inputs), 100, 20)).toBeGreaterThan(0.2); // without the head: kept for the shoulders' sake
    const head = { eyes: { x: 100, y: 80 }, up: { x: 0, y: -1 }, scale };
    const fused = fuseAlpha({ ...inputs, head });
    expect(at(fused, 100, 20)).toBe(0); // 1.2 lengths above the eyes: the plain reach, the cup is cleared
    expect(at(fused, 145, 185)).toBeGreaterThan(0.9); // the shoulder the person model lost stays
    expect(at(fused, 100, 185)).toBe(1);
  });

  it("clears what ISNet holds beside the cheek beyond the reach when the head is known (a neighbour's coat beside a small face)", () => {
    // ISNet holds head, neck and shoulders, and a patch at eye height 68 px from the head's
    // middle: 28 px outside the person model's head (beyond reach, inside reachWhenHeld).
    const salient = plane((x, y) => (heldBody(x, y) || Math.hypot(x - 165, y - 80) < 6 ? 1 : 0));
    const inputs = { salient, personDepth: lostShoulder, face, body, neck, faceScale: scale };
    expect(salientHoldsBody(inputs)).toBe(true);
    expect(at(body, 165, 80)).toBe(0); // not where shoulders can be
    expect(at(fuseAlpha(inputs), 165, 80)).toBeGreaterThan(0.4); // without the head: kept for the shoulders' sake
    const head = { eyes: { x: 100, y: 80 }, up: { x: 0, y: -1 }, scale };
    const fused = fuseAlpha({ ...inputs, head });
    expect(at(fused, 165, 80)).toBe(0); // at the eyes' height the plain reach holds
    expect(at(fused, 145, 185)).toBeGreaterThan(0.9); // the shoulder the person model lost, below the chin, stays
  });

  describe("ISNet's shoulder beyond the person model's contour, by the photo's colours", () => {
    // As in the pale-jumper case: ISNet holds a shoulder out to x 150, the person model sees
    // the body only left of x 125. The photo: the backdrop, the subject's colour on what ISNet
    // holds, and the part of the shoulder beyond the person (x ≥ 125) in its own colour.
    const salient = plane((x, y) => (heldBody(x, y) ? 1 : 0));
    const inputs = { salient, personDepth: lostShoulder, face, body, neck, faceScale: scale };
    const photo = (backdrop: readonly number[], subject: readonly number[], beyond: readonly number[], bodyColour = subject): RgbaImage => {
      const data = new Uint8ClampedArray(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const colour = !heldBody(x, y) ? backdrop : x >= 125 && y >= 160 ? beyond : y >= 120 ? bodyColour : subject;
          data.set([...colour, 255], (y * W + x) * 4);
        }
      }
      return { width: W, height: H, data };
    };
    const green = [40, 160, 50];
    const brown = [70, 45, 30];
    const pale = [228, 226, 220];

    it("keeps it where its colours are the subject's", () => {
      expect(salientHoldsBody(inputs)).toBe(true);
      const fused = fuseAlpha({ ...inputs, crop: photo(green, brown, brown) });
      expect(at(fused, 145, 185)).toBeGreaterThan(0.9);
      expect(at(fused, 100, 185)).toBe(1);
    });

    it("clears it where its colours are the backdrop's (a cup, a leaf or a neighbour's coat joined to the shoulder)", () => {
      expect(at(lostShoulder, 145, 185)).toBeLessThan(-FUSION.reach * scale); // beyond the plain reach
      const fused = fuseAlpha({ ...inputs, crop: photo(green, brown, green) });
      expect(at(fused, 145, 185)).toBe(0);
      expect(at(fused, 100, 185)).toBe(1); // the body inside the person stays
    });

    it('keeps it where subject and backdrop share their colours (a pale jumper on a pale wall)', () => {
      const fused = fuseAlpha({ ...inputs, crop: photo(pale, brown, pale, pale) });
      expect(at(fused, 145, 185)).toBeGreaterThan(0.9);
    });
  });

  it("fills a gap in ISNet's body narrower than the hug, but does not widen its outline by it where ISNet sees nothing", () => {
    // As above, with a strap ISNet dropped: a 4 px gap through the shoulders at x 120–123.
    const held = (x: number, y: number) => (Math.hypot(x - 100, y - 95) < 45 && y < 130) || (Math.abs(x - 100) < 15 && y >= 120) || (Math.abs(x - 100) < 75 && y >= 160);
    const salient = plane((x, y) => (held(x, y) && !(x >= 120 && x < 124 && y >= 160) ? 1 : 0));
    const inputs = { salient, personDepth, face, body, neck, faceScale: scale };
    expect(salientHoldsBody(inputs)).toBe(true);
    const hug = Math.round(0.06 * scale);
    expect(hug).toBeGreaterThanOrEqual(2); // the gap (4 px) is narrower than twice the hug
    const fused = fuseAlpha(inputs);
    expect(at(fused, 121, 185)).toBe(1); // the strap: filled
    expect(at(body, 176, 185)).toBeGreaterThan(0.9); // beside the shoulder, inside the body band and deep in the person
    expect(at(fused, 175 + hug - 1, 185)).toBe(0); // but within the hug of ISNet's edge: still clear
    // Where ISNet sees a trace beside the edge (an arm it half lost), the fill reaches the hug.
    const traced = plane((x, y) => (x >= 175 && x < 175 + hug && y >= 190 && y < 200 ? 0.2 : at(salient, Math.floor(x), Math.floor(y))));
    expect(at(fuseAlpha({ ...inputs, salient: traced }), 175 + hug - 1, 195)).toBe(1);
  });

  describe('when ISNet holds one shoulder and loses the other', () => {
    // The person model: the head and shoulders 150 px wide from y 160. ISNet: head, neck and
    // only the right shoulder (x ≥ 100).
    const shouldersDepth = plane((x, y) => (y > 160 ? Math.min(y - 160, 75 - Math.abs(x - 100)) : 40 - Math.hypot(x - 100, y - 100)));
    const onPerson = (x: number, y: number) => at(shouldersDepth, Math.floor(x), Math.floor(y)) > 0;
    const salient = plane((x, y) => (Math.hypot(x - 100, y - 95) < 45 && y < 130) || (Math.abs(x - 100) < 15 && y >= 120) || (x >= 100 && Math.abs(x - 100) < 75 && y >= 160) ? 1 : 0);
    const head = { eyes: { x: 100, y: 80 }, up: { x: 0, y: -1 }, scale };
    // A green backdrop; the person in dark brown, and on the left either dark brown too (hair
    // over the shoulder ISNet dropped) or, in the second photo, the backdrop's green (the person
    // model took a patch of backdrop for a shoulder).
    const photo = (leftShoulder: readonly number[]): RgbaImage => {
      const data = new Uint8ClampedArray(W * H * 4);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const colour = !onPerson(x + 0.5, y + 0.5) ? [40, 160, 50] : x < 90 && y > 160 ? leftShoulder : [70, 45, 30];
          data.set([...colour, 255], (y * W + x) * 4);
        }
      }
      return { width: W, height: H, data };
    };
    const inputs = { salient, personDepth: shouldersDepth, face, body, neck, faceScale: scale, head };

    it('tells the sides apart: the right held, the left not', () => {
      expect(salientHoldsSides(inputs)).toEqual([false, true]);
      expect(salientHoldsBody(inputs)).toBe(false);
      // Without the head frame there is no axis: both sides counted together (more than half held).
      expect(salientHoldsSides({ ...inputs, head: undefined })).toEqual([true, true]);
    });

    it('fills the lost shoulder from the person model where its colours are the subject’s', () => {
      const fused = fuseAlpha({ ...inputs, crop: photo([70, 45, 30]) });
      expect(at(fused, 45, 190)).toBe(1); // the lost shoulder
      expect(at(fused, 150, 190)).toBe(1); // the held one
      expect(at(fused, 10, 190)).toBe(0); // beyond the person
    });

    it('leaves the lost side clear where its colours are the backdrop’s', () => {
      const fused = fuseAlpha({ ...inputs, crop: photo([40, 160, 50]) });
      expect(at(fused, 45, 190)).toBe(0);
      expect(at(fused, 150, 190)).toBe(1);
    });
  });
});

describe('solidifyInterior', () => {
  const scale = 100; // eye-to-chin length: the kept soft edge is INTERIOR.edgeBand × 100 px wide
  const band = INTERIOR.edgeBand * scale;
  const insidePerson = plane(() => 10);

  it('makes a see-through coat solid inside, keeps its soft edge, and leaves clear holes and faint haze alone', () => {
    // A coat at α 0.6: a disc of radius 80, with a clear hole (r 12) at (100, 100) and a faint haze (0.2) at the right.
    const alpha = plane((x, y) => {
      const r = Math.hypot(x - 100, y - 100);
      if (r < 12) return 0;
      if (x > 150 && x < 170 && Math.abs(y - 100) < 10) return 0.2;
      return r < 80 ? 0.6 : 0;
    });
    solidifyInterior(alpha, insidePerson, scale);
    expect(at(alpha, 100, 60)).toBe(1); // 40 px from the outline and 28 px from the hole: solid
    expect(at(alpha, 100, 178)).toBeCloseTo(0.6, 5); // within the edge band of the outline: soft as before
    expect(at(alpha, 100, 100)).toBe(0); // the clear hole stays clear
    expect(at(alpha, 100, 100 + 12 + Math.floor(band / 2))).toBeCloseTo(0.6, 5); // next to the hole: its edge is kept too
    expect(at(alpha, 160, 100)).toBeCloseTo(0.2, 5); // faint haze: not lifted
  });

  it('with the head known, lifts only below the chin: soft hair above it stays as the matte has it', () => {
    // The coat disc again (α 0.6, radius 80); eyes at y 40, chin at y 140.
    const alpha = plane((x, y) => (Math.hypot(x - 100, y - 100) < 80 ? 0.6 : 0));
    solidifyInterior(alpha, insidePerson, scale, undefined, { eyes: { x: 100, y: 40 }, up: { x: 0, y: -1 }, scale });
    expect(at(alpha, 100, 60)).toBeCloseTo(0.6, 5); // above the chin: hair, not lifted
    expect(at(alpha, 100, 100)).toBeCloseTo(0.6, 5);
    expect(at(alpha, 100, 160)).toBe(1); // below it, 20 px inside: solid
  });

  it('with the skull known, lifts a see-through head inside it, not the hair around it', () => {
    // The coat disc again (α 0.6, radius 80) as dark hair ISNet half lost; eyes at y 40, chin at
    // y 140: all of it above the chin. The skull: a disc of radius 50 at (100, 70).
    const alpha = plane((x, y) => (Math.hypot(x - 100, y - 100) < 80 ? 0.6 : 0));
    const skull = plane((x, y) => (Math.hypot(x - 100, y - 70) < 50 ? 1 : 0));
    solidifyInterior(alpha, insidePerson, scale, undefined, { eyes: { x: 100, y: 40 }, up: { x: 0, y: -1 }, scale }, skull);
    expect(at(alpha, 100, 70)).toBe(1); // inside the skull, 30 px from the clear: solid
    expect(at(alpha, 100, 110)).toBe(1);
    expect(at(alpha, 100, 24)).toBeCloseTo(0.6, 5); // inside the skull but within the edge band of the clear: soft as before
    expect(at(alpha, 160, 100)).toBeCloseTo(0.6, 5); // hair beside the skull: as the matte has it
    expect(at(alpha, 100, 160)).toBe(1); // below the chin as before
  });

  it('lifts nothing the person model calls background', () => {
    const alpha = plane((x, y) => (Math.hypot(x - 100, y - 100) < 80 ? 0.6 : 0));
    solidifyInterior(alpha, plane(() => -5), scale);
    expect(at(alpha, 100, 100)).toBeCloseTo(0.6, 5);
  });

  it("makes a shoulder the photo's edge cuts solid up to the cut: the clear past the photo is not the background", () => {
    // A sweater at α 0.6 fills the crop from y 60 down; the photo ends at x 150 (the crop's
    // alpha is 0 beyond it, and so is the matte), with one soft pixel at x 150.
    const matte = () => plane((x, y) => (y > 60 && x < 150 ? 0.6 : 0));
    const crop: RgbaImage = { width: W, height: H, data: new Uint8ClampedArray(W * H * 4) };
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) crop.data[(y * W + x) * 4 + 3] = x < 150 ? 255 : x === 150 ? 128 : 0;
    const byPhoto = matte();
    solidifyInterior(byPhoto, insidePerson, scale, crop);
    expect(at(byPhoto, 148, 150)).toBe(1); // two pixels from the photo's edge, far from the background above: solid
    expect(at(byPhoto, 100, 62)).toBeCloseTo(0.6, 5); // the sweater's real edge (the clear above it) keeps its soft band
    expect(at(byPhoto, 170, 150)).toBe(0); // past the photo: nothing made up
    const alone = matte();
    solidifyInterior(alone, insidePerson, scale);
    expect(at(alone, 148, 150)).toBeCloseTo(0.6, 5); // without the crop the photo's edge counted as background
  });
});

describe('continuedPastPhoto', () => {
  it("continues the person model's plane past the photo's edge from a little way inside, where the model's blur across the edge does not reach", () => {
    // The plane (one photo pixel per plane pixel, shifted by 20) covers a 100×100 photo and 20
    // pixels around it. The model saw a person filling the photo's lower half, blurred to 0.3
    // over the two pixels next to the right edge, and background past the edge.
    const plane = createGrayImage(140, 140);
    for (let y = 0; y < 140; y++) {
      for (let x = 0; x < 140; x++) {
        const px = x - 20;
        const py = y - 20;
        const inPhoto = px >= 0 && py >= 0 && px < 100 && py < 100;
        plane.data[y * 140 + x] = !inPhoto || py < 50 ? 0.05 : px >= 98 ? 0.3 : 0.9;
      }
    }
    const map = { plane, planeToPhoto: [1, 0, -20, 0, 1, -20] as const, photoWidth: 100, photoHeight: 100 };
    const continued = continuedPastPhoto(map);
    const v = (px: number, py: number) => continued.data[(py + 20) * 140 + px + 20];
    expect(v(99, 80)).toBeCloseTo(0.9, 5); // the blurred edge pixel: the value from inside
    expect(v(110, 80)).toBeCloseTo(0.9, 5); // past the right edge, beside the person: the person continues
    expect(v(80, 110)).toBeCloseTo(0.9, 5); // past the bottom edge too
    expect(v(110, 20)).toBeCloseTo(0.05, 5); // past the edge beside the background: background
    expect(v(50, 80)).toBeCloseTo(0.9, 5); // inside, away from the edge: unchanged
    expect(v(50, 20)).toBeCloseTo(0.05, 5);
    expect(plane.data[(80 + 20) * 140 + 110 + 20]).toBeCloseTo(0.05, 5); // the map's own plane is left as it was
  });
});

describe('fillEnclosedSpecks', () => {
  const scale = 100; // a speck is at most (SPECKS.side × 100)² pixels
  const coatWithHole = (radius: number) => plane((x, y) => (Math.hypot(x - 100, y - 100) < radius ? 0 : Math.hypot(x - 100, y - 100) < 80 ? 0.7 : 0));

  it("fills a pinhole in a sleeve the person model holds with the sleeve's own alpha", () => {
    const radius = 5; // π·5² ≈ 79 px, well under a speck
    expect(Math.PI * radius ** 2).toBeLessThan((SPECKS.side * scale) ** 2);
    const alpha = coatWithHole(radius);
    fillEnclosedSpecks(alpha, plane(() => 10), scale);
    expect(at(alpha, 100, 100)).toBeCloseTo(0.7, 5);
    expect(at(alpha, 195, 100)).toBe(0); // the background outside stays clear
  });

  it('leaves an opening larger than a speck, one the person model calls background, and the background at the border', () => {
    const radius = 25; // π·25² ≈ 1963 px: an opening between an arm and the body
    expect(Math.PI * radius ** 2).toBeGreaterThan((SPECKS.side * scale) ** 2);
    const large = coatWithHole(radius);
    fillEnclosedSpecks(large, plane(() => 10), scale);
    expect(at(large, 100, 100)).toBe(0);
    const notPerson = coatWithHole(5);
    fillEnclosedSpecks(notPerson, plane(() => -5), scale);
    expect(at(notPerson, 100, 100)).toBe(0);
  });
});

describe('splitByColour', () => {
  it("moves the people split's straight line onto the colour edge between the subject's hair and the neighbour behind", () => {
    // The subject (blond, left) reaches x 130; the neighbour (dark brown) fills the rest. The
    // split put its line at x 110, through the subject's hair.
    const crop = twoToneCrop((x) => x < 130, [225, 190, 120], [90, 60, 40]);
    const matte = plane(() => 1); // ISNet holds both people as one region
    const others = plane((x) => (x >= 110 ? 1 : 0));
    splitByColour(crop, matte, others, 60); // band 30 px around the line, samples to 72 px
    expect(at(others, 120, 100)).toBe(0); // blond beyond the old line: the subject's again
    expect(at(others, 135, 100)).toBe(1); // brown: still the neighbour's
    expect(at(others, 100, 100)).toBe(0);
    expect(at(others, 190, 100)).toBe(1); // beyond the band: the split's own decision
  });

  it("gives the subject only what joins the subject's side: a patch of the neighbour's jacket the colour of the subject's top stays the neighbour's", () => {
    // The subject's black top reaches x 104 past the split's line at x 100; the neighbour is
    // brown, with a black patch (x 116–126) set apart from the subject by brown.
    const black = (x: number) => x < 104 || (x >= 116 && x < 126);
    const crop = twoToneCrop(black, [30, 30, 32], [150, 100, 60]);
    const matte = plane(() => 1);
    const others = plane((x) => (x >= 100 ? 1 : 0));
    splitByColour(crop, matte, others, 60);
    expect(at(others, 102, 100)).toBe(0); // the subject's top past the line, joined to her side: hers
    expect(at(others, 110, 100)).toBe(1); // brown: the neighbour's
    expect(at(others, 121, 100)).toBe(1); // the black patch is an island on the neighbour's side: theirs
  });

  it("never gives the subject's crown to a neighbour by colour, though its colour is the neighbour's", () => {
    // Blond subject, brown neighbour from x 140 on, and dark roots on the subject's crown
    // (x 104–128, y 34–60) the same brown as the neighbour; the split's line runs at x 125.
    const brown = (x: number, y: number) => x >= 140 || (x >= 104 && x < 128 && y >= 34 && y < 60);
    const crop = twoToneCrop(brown, [90, 60, 40], [225, 190, 120]);
    const split = (crown?: GrayImage) => {
      const others = plane((x) => (x >= 125 ? 1 : 0));
      splitByColour(crop, plane(() => 1), others, 60, [], crown);
      return others;
    };
    const crown = faceRegion(frontalLandmarks(), W, H, COLOUR_SPLIT.crown);
    expect(at(crown, 115, 40)).toBe(1);
    expect(at(split(), 115, 40)).toBe(1); // by colour alone the roots went to the neighbour
    const kept = split(crown);
    expect(at(kept, 115, 40)).toBe(0);
    expect(at(kept, 150, 100)).toBe(1); // the neighbour is still the neighbour's
  });

  it("never gives a neighbour's hair above their face to the subject, though its colour is the subject's", () => {
    // Blond subject left of the line at x 120; the neighbour right of it, brown but for a dark
    // blond tuft (x 120-170, y 20-50, touching the subject's side) above their face box (x 130-190,
    // y 60-120): the colour of the subject's side. By colour alone the tuft went to the subject.
    const tuft = (x: number, y: number) => x >= 120 && x < 170 && y >= 20 && y < 50;
    const crop = twoToneCrop((x, y) => x < 120 || tuft(x, y), [225, 190, 120], [90, 60, 40]);
    const box = { x: 130, y: 60, width: 60, height: 60 };
    const split = (faces: { x: number; y: number; width: number; height: number }[]) => {
      const others = plane((x) => (x >= 120 ? 1 : 0));
      splitByColour(crop, plane(() => 1), others, 60, faces);
      return others;
    };
    expect(COLOUR_SPLIT.neighbourCrown * box.height).toBeGreaterThan(box.y - 30); // the tuft's middle lies in the head's oval
    expect(at(split([]), 150, 35)).toBe(0); // no face known there: the colour gives the tuft away
    expect(at(split([box]), 150, 35)).toBe(1);
    expect(at(split([box]), 100, 100)).toBe(0); // the subject is still the subject's
  });

  it("never gives the top of a neighbour's full hair to the subject where their landmarks are known, though its colour is the subject's", () => {
    // Blond subject left of the line at x 120; the neighbour right of it, brown but for a blond
    // tuft (x 120-180, y 12-28) on top of their head: their brows at y 70, eye to chin 50, so
    // the tuft lies between 0.8 and 1.2 eye-to-chin lengths above the brows.
    const tuft = (x: number, y: number) => x >= 120 && x < 180 && y >= 12 && y < 28;
    const crop = twoToneCrop((x, y) => x < 120 || tuft(x, y), [225, 190, 120], [90, 60, 40]);
    const neighbour = frontalLandmarks().map((p) => ({ x: p.x + 60, y: p.y }));
    const others = plane((x) => (x >= 120 ? 1 : 0));
    splitByColour(crop, plane(() => 1), others, 60, [{ x: 125, y: 50, width: 70, height: 85 }], undefined, [neighbour]);
    expect(COLOUR_SPLIT.hairLift).toBeGreaterThan(COLOUR_SPLIT.crown);
    expect(at(faceRegion(neighbour, W, H, COLOUR_SPLIT.crown), 140, 20)).toBe(0); // above the skull's lift (crown), below hairLift
    expect(at(others, 140, 20)).toBe(1); // the neighbour's
    expect(at(others, 100, 100)).toBe(0); // the subject is still the subject's
  });

  it("gives the subject back her hair under a neighbour's box margin when the neighbour's landmarks say where their face is", () => {
    // Blond subject up to x 130, the brown neighbour beyond; the split's line at x 110. The
    // neighbour's detector box (x 112–196) reaches over the subject's hair; their face, as the
    // hull of their landmarks, starts at the jaw (x 130).
    const crop = twoToneCrop((x) => x < 130, [225, 190, 120], [90, 60, 40]);
    const neighbour = frontalLandmarks().map((p) => ({ x: p.x + 60, y: p.y }));
    const box = { x: 112, y: 40, width: 84, height: 100 };
    const split = (landmarks?: Point[]) => {
      const others = plane((x) => (x >= 110 ? 1 : 0));
      splitByColour(crop, plane(() => 1), others, 60, [box], undefined, [landmarks]);
      return others;
    };
    expect(at(split(), 120, 100)).toBe(1); // the box keeps the subject's hair for the neighbour
    const withFace = split(neighbour);
    expect(at(withFace, 120, 100)).toBe(0);
    expect(at(withFace, 160, 100)).toBe(1); // the neighbour's face is still theirs
  });

  it("changes nothing where the two people's clothes are the same colour: chance differences in dark cloth are not a line", () => {
    // Two people in the same dark cloth, drawn from one set of colours in 8-px patches (a weave's
    // shading), each patch's colour at random; the split's line at x 100. The two sides' colour
    // counts differ only by chance, and by chance alone some patches in the band looked decisively
    // like one side and moved: speckle of the neighbour's shirt in the subject's portrait.
    const random = mulberry32(7);
    const patches = new Map<number, number[]>();
    const data = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const key = (y >> 3) * 64 + (x >> 3);
        if (!patches.has(key)) patches.set(key, [0, 1, 2].map(() => 16 + Math.floor(random() * 48)));
        data.set([...(patches.get(key) as number[]), 255], (y * W + x) * 4);
      }
    }
    const crop: RgbaImage = { width: W, height: H, data };
    const others = plane((x) => (x >= 100 ? 1 : 0));
    const before = Float32Array.from(others.data);
    splitByColour(crop, plane(() => 1), others, 60);
    expect(Array.from(others.data)).toEqual(Array.from(before));
  });

  it("gives the neighbour a dark lock of theirs that hangs across the line where both sides hold skin, and nothing else", () => {
    // Line at x 100 (band 30 px, samples to 72 px). The subject: white hair (x < 40), skin, and
    // a dark patch of her own at x 75–85, y 20–50 (a shadow) set apart by skin. The neighbour:
    // dark hair at x 100–110 and 140–160, skin elsewhere, and white (the subject's colour) at
    // x 110–125, y 20–50. Both sides' samples hold skin: the colours overlap and the band alone
    // would change nothing. Their lock hangs across the line at x 82–100, y 100–160.
    const skin = [210, 160, 130];
    const white = [235, 235, 230];
    const dark = [40, 30, 25];
    const colourAt = (x: number, y: number) => {
      if (x < 100) {
        if (x >= 82 && y >= 100 && y < 160) return dark; // the neighbour's lock
        if (x >= 75 && x < 85 && y >= 20 && y < 50) return dark; // the subject's shadow
        return x < 40 ? white : skin;
      }
      if (x < 110 || (x >= 140 && x < 160)) return dark;
      if (x < 125 && y >= 20 && y < 50) return white;
      return skin;
    };
    const data = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...colourAt(x, y), 255], (y * W + x) * 4);
    const others = plane((x) => (x >= 100 ? 1 : 0));
    splitByColour({ width: W, height: H, data }, plane(() => 1), others, 60);
    expect(at(others, 90, 130)).toBe(1); // the lock: the neighbour's
    expect(at(others, 84, 110)).toBe(1);
    expect(at(others, 80, 35)).toBe(0); // the subject's own dark patch, not joined to their side: hers
    expect(at(others, 60, 130)).toBe(0); // her skin: hers
    expect(at(others, 118, 35)).toBe(1); // white on the neighbour's side: where colours overlap, the subject gains nothing
  });

  it("takes past the band only what joins the neighbour's side: their lock, not the subject's patch of their colour", () => {
    // Blond subject left of the line at x 100 (band 30 px, samples to 72 px), brown neighbour
    // right of it. A brown lock of theirs runs from the line to x 5 (y 100–115); a brown patch
    // of the subject's own (x 40–50, y 20–35) is set apart by blond. (Each of the two passes
    // moves the line by a band at most: the band alone left the lock's end, past x 40.)
    const brown = (x: number, y: number) => x >= 100 || (x >= 5 && y >= 100 && y < 115) || (x >= 40 && x < 50 && y >= 20 && y < 35);
    const crop = twoToneCrop(brown, [90, 60, 40], [225, 190, 120]);
    const others = plane((x) => (x >= 100 ? 1 : 0));
    splitByColour(crop, plane(() => 1), others, 60);
    expect(at(others, 55, 107)).toBe(1); // the lock: the neighbour's, to its end
    expect(at(others, 20, 107)).toBe(1);
    expect(at(others, 45, 27)).toBe(0); // the patch: the subject's
    expect(at(others, 60, 60)).toBe(0);
  });

  it('changes nothing when one side has too little to learn from', () => {
    const data = new Uint8ClampedArray(W * H * 4).fill(128);
    const crop: RgbaImage = { width: W, height: H, data };
    const others = plane((x) => (x >= 190 ? 1 : 0)); // a sliver of neighbour at the edge
    const before = Float32Array.from(others.data);
    splitByColour(crop, plane(() => 1), others, 60);
    expect(Array.from(others.data)).toEqual(Array.from(before));
  });
});

describe('refineEdge', () => {
  it("moves the edge along the photo's own edges but never past the matte's support", () => {
    // The photo: a bright disc (r 50) on dark; the matte: a smaller disc (r 40) with a soft rim to r 44.
    const data = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const v = Math.hypot(x + 0.5 - 100, y + 0.5 - 100) < 50 ? 220 : 30;
        data.set([v, v, v, 255], (y * W + x) * 4);
      }
    }
    const crop: RgbaImage = { width: W, height: H, data };
    const alpha = plane((x, y) => Math.min(1, Math.max(0, (44 - Math.hypot(x - 100, y - 100)) / 4)));
    const refined = refineEdge(crop, alpha, createGrayImage(W, H));
    for (let i = 0; i < refined.data.length; i++) if (alpha.data[i] <= 0.05) expect(refined.data[i]).toBe(0);
    expect(at(refined, 100, 100)).toBeCloseTo(1, 2);
  });
});

describe('narrowEdgeForUpscale', () => {
  // A soft edge falling from 1 to 0 over 8 crop pixels (x 96–104), the face left of x 40.
  const ramp = () => plane((x) => Math.min(1, Math.max(0, (104 - x) / 8)));
  const face = plane((x) => (x < 40 ? 1 : 0));
  const width = (g: GrayImage) => Array.from({ length: W }, (_, x) => at(g, x, 100)).filter((a) => a > 0 && a < 1).length;

  it('makes a crop enlarged k times to the canvas keep an edge 1/k as wide (its width on the canvas)', () => {
    const alpha = ramp();
    narrowEdgeForUpscale(alpha, face, 2);
    expect(width(ramp())).toBe(8);
    expect(width(alpha)).toBe(4);
    // The middle of the edge stays where it was; solid and clear stay solid and clear.
    expect(at(alpha, 99, 100)).toBeCloseTo(at(ramp(), 99, 100) * 2 - 0.5, 5);
    expect(at(alpha, 50, 100)).toBe(1);
    expect(at(alpha, 150, 100)).toBe(0);
  });

  it('leaves a crop at the canvas size, and the face, as they are', () => {
    const alpha = ramp();
    narrowEdgeForUpscale(alpha, face, 1);
    expect(Array.from(alpha.data)).toEqual(Array.from(ramp().data));
    const softFace = plane((x) => (x < 40 ? 0.7 : 0));
    narrowEdgeForUpscale(softFace, face, 3);
    expect(at(softFace, 20, 100)).toBe(1); // the face is opaque whatever the matte says
  });
});

describe('ownSalientRegion', () => {
  // The subject's face at (60, 100); ISNet's region: a disc of radius 45 around it.
  const seeds = [{ x: 60, y: 100 }];
  const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (Math.hypot(x - cx, y - cy) < r ? 1 : 0);

  it("gives the subject ISNet's region when ISNet parts it from a neighbour, even one half hidden behind it", () => {
    const salient = plane(disc(60, 100, 45));
    // A neighbour's face box from x 95 to 155: its middle (125) is off the disc, its left edge on the subject's hair.
    const own = ownSalientRegion(salient, seeds, [{ x: 95, y: 80, width: 60, height: 60 }]);
    expect(own).toBeDefined();
    expect(at(own!, 80, 100)).toBe(1);
    expect(at(own!, 100, 100)).toBe(0); // inside the neighbour's face box: never the subject's
    // A box whose middle lies on the subject's hair but most of it outside.
    expect(ownSalientRegion(salient, seeds, [{ x: 90, y: 80, width: 60, height: 40 }])).toBeDefined();
  });

  it("takes the hull of a neighbour's landmarks from the subject when they are known, not the box's margin", () => {
    // ISNet's region (x to 117) reaches past the neighbour's box's edge (x 95) into their face,
    // whose jaw starts about x 111 at this height.
    const salient = plane(disc(60, 100, 57));
    const box = { x: 95, y: 60, width: 80, height: 90 };
    const neighbour = frontalLandmarks().map((p) => ({ x: p.x + 40, y: p.y + 5 }));
    expect(at(ownSalientRegion(salient, seeds, [box])!, 100, 100)).toBe(0);
    const own = ownSalientRegion(salient, seeds, [box], [neighbour]);
    expect(own).toBeDefined();
    expect(at(own!, 100, 100)).toBe(1); // the subject's hair under the box's margin
    expect(at(salient, 114, 100)).toBe(1);
    expect(at(own!, 114, 100)).toBe(0); // the neighbour's face
  });

  it("takes only the oval of a neighbour's box without landmarks: its corners lie beside the face, on the subject's hair", () => {
    const salient = plane(disc(60, 100, 45));
    const own = ownSalientRegion(salient, seeds, [{ x: 95, y: 80, width: 60, height: 60 }]);
    expect(at(salient, 96, 82)).toBe(1);
    expect(at(own!, 96, 82)).toBe(1); // the box's top-left corner: a square notch out of the hair before
    expect(at(own!, 100, 100)).toBe(0); // inside the oval: the neighbour's face
  });

  it('gives nothing when ISNet holds the neighbour too (one region for both): the split decides there', () => {
    const salient = plane((x, y) => Math.max(disc(60, 100, 45)(x, y), disc(140, 100, 45)(x, y)));
    expect(ownSalientRegion(salient, seeds, [{ x: 120, y: 80, width: 40, height: 40 }])).toBeUndefined();
  });
});

describe('ownWhereColourAgrees', () => {
  // ISNet holds x < 130: the subject's dark hair (x < 100) and, joined to it, a blonde ponytail
  // (100–129) of the neighbour, whom the split gives x >= 100. The neighbour's part outside
  // ISNet's region (x >= 130) shows the neighbour's colours. The subject's body: y >= 150.
  const DARK = [60, 40, 30];
  const BLONDE = [220, 190, 120];
  const photo = (neighbour: (y: number) => readonly number[]): RgbaImage => {
    const data = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set([...(x < 100 ? DARK : x < 130 ? BLONDE : neighbour(y)), 255], (y * W + x) * 4);
    return { width: W, height: H, data };
  };
  const matte = plane(() => 1);
  const others = plane((x) => (x >= 100 ? 1 : 0));
  const body = plane((_, y) => (y >= 150 ? 1 : 0));

  it("takes back from ISNet's region what is in the other person's colours, not the subject's, outside the subject's body", () => {
    const own = plane((x) => (x < 130 ? 1 : 0));
    ownWhereColourAgrees(photo(() => BLONDE), matte, own, others, 50, body);
    expect(at(own, 115, 50)).toBe(0); // the ponytail goes to the split's line
    expect(at(own, 50, 50)).toBe(1); // the subject's hair stays
    expect(at(own, 115, 170)).toBe(1); // in the subject's body, ISNet's region stands
  });

  it("leaves ISNet's region as it is where the two people's colours overlap", () => {
    // The neighbour's part half dark (top), half blonde: √0.5 ≈ 0.71 shared with the subject's dark.
    expect(OWN_REGION_COLOUR.maxOverlap).toBeLessThan(0.7);
    const own = plane((x) => (x < 130 ? 1 : 0));
    ownWhereColourAgrees(photo((y) => (y < 100 ? DARK : BLONDE)), matte, own, others, 50, body);
    expect(at(own, 115, 50)).toBe(1);
    expect(at(own, 115, 120)).toBe(1);
  });
});

describe('otherPeopleMask', () => {
  it('gives each of two people side by side the column under their own face, though the subject\'s face is lower', () => {
    // One person mask over the whole plane (two people in black jumpers touching); the subject's
    // face box lower left, the neighbour's higher right, the same size.
    expect(SIDEWAYS_COST).toBeGreaterThan(1);
    const context = plane(() => 1);
    const mask = otherPeopleMask({
      context,
      contextToCrop: [1, 0, 0, 0, 1, 0],
      subject: { x: 40, y: 70, width: 40, height: 40 },
      others: [{ x: 120, y: 30, width: 40, height: 40 }],
      width: W,
      height: H,
    })!.others;
    expect(at(mask, 60, 90)).toBe(0); // the subject's face
    expect(at(mask, 140, 50)).toBe(1); // the neighbour's face
    expect(at(mask, 140, 190)).toBeGreaterThan(0.9); // under the neighbour's face, at the bottom: the neighbour's body
    expect(at(mask, 60, 190)).toBeLessThan(0.1); // under the subject's face: the subject's
  });

  it("gives a smaller face beside a larger subject the column under it, down to the bottom", () => {
    // One person mask over the whole plane; the subject's face box twice the neighbour's side,
    // both at about the same height. Down, both grow at the subject's pace: at the
    // neighbour's own (half the subject's), the subject's body outran them down their column
    // (a young woman's hanging hair and raised hand stayed in an older woman's portrait).
    const mask = otherPeopleMask({
      context: plane(() => 1),
      contextToCrop: [1, 0, 0, 0, 1, 0],
      subject: { x: 20, y: 40, width: 60, height: 60 },
      others: [{ x: 120, y: 50, width: 30, height: 30 }],
      width: W,
      height: H,
    })!.others;
    expect(at(mask, 135, 65)).toBe(1); // the neighbour's face
    expect(at(mask, 135, 190)).toBeGreaterThan(0.9); // under it, at the bottom: the neighbour's
    expect(at(mask, 50, 190)).toBeLessThan(0.1); // under the subject's face: the subject's
    expect(at(mask, 95, 120)).toBeLessThan(0.1); // beside the subject's chin: still the subject's (the neighbour's pace sideways is their own)
  });
});

describe('otherPeopleMask past the person contour', () => {
  it("gives the wisps just past a neighbour's person contour to the neighbour, and the subject's to no one else", () => {
    // Two heads on the person mask, 20 px apart: the subject's (radius 35 round (60, 90)) and a
    // neighbour's (round (150, 80)); the spread reaches OWNER_SPREAD × 40 = 6 px past them.
    expect(OWNER_SPREAD * 40).toBeCloseTo(6);
    const disc = (cx: number, cy: number) => (x: number, y: number) => Math.hypot(x - cx, y - cy) <= 35;
    const [subjectHead, neighbourHead] = [disc(60, 90), disc(150, 80)];
    const context = plane((x, y) => (subjectHead(x, y) || neighbourHead(x, y) ? 1 : 0));
    const others = otherPeopleMask({ context, contextToCrop: [1, 0, 0, 0, 1, 0], subject: { x: 40, y: 70, width: 40, height: 40 }, others: [{ x: 130, y: 60, width: 40, height: 40 }], width: W, height: H })!.others;
    expect(at(others, 150, 41)).toBeGreaterThan(0.9); // 3 px above the neighbour's head: their hair's wisps
    expect(at(others, 112, 80)).toBeGreaterThan(0.9); // 3 px past their cheek, towards the subject
    expect(at(others, 60, 51)).toBe(0); // 3 px above the subject's head
    expect(at(others, 104, 85)).toBe(0); // the gap's middle, 9 px from each: no one's
  });
});

describe('hairOverOtherFaces', () => {
  // The subject: the frontal face, pink skin, dark brown hair over the crown. Another face to
  // the right (the same landmarks moved 70 px right, 10 down), tan skin, dark brows and eyes.
  // With `hairTo`, the subject's hair falls down her right side as far as x = hairTo.
  const subject = frontalLandmarks();
  const other = frontalLandmarks().map((p) => ({ x: p.x + 70, y: p.y + 10 }));
  const BROWN = [70, 45, 30];
  const PINK = [230, 170, 150];
  const TAN = [200, 150, 100];
  const GREY = [128, 128, 128];
  const scene = (hairTo: number) => {
    const subjectFace = faceRegion(subject, W, H);
    const subjectCrown = faceRegion(subject, W, H, COLOUR_SPLIT.crown);
    const otherFace = faceRegion(other, W, H);
    const otherFeatures = fillPolygon(W, H, convexHull([...other.slice(17, 27), ...other.slice(36, 48)]));
    const data = new Uint8ClampedArray(W * H * 4);
    const matte = createGrayImage(W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const hairFall = x >= 125 && x < hairTo && y >= 40 && y < 170;
        let colour = GREY;
        if (subjectFace.data[i] >= 0.5) colour = PINK;
        else if (subjectCrown.data[i] >= 0.5 || hairFall) colour = BROWN;
        else if (otherFace.data[i] >= 0.5) colour = otherFeatures.data[i] >= 0.5 ? BROWN : TAN;
        const noise = ((x * 7 + y * 13) % 11) - 5;
        data.set([colour[0] + noise, colour[1] + noise, colour[2] + noise, 255], i * 4);
        matte.data[i] = colour === GREY ? 0 : 1;
      }
    }
    return { crop: { width: W, height: H, data } as RgbaImage, matte };
  };
  const judge = (hairTo: number) => {
    const { crop, matte } = scene(hairTo);
    return hairOverOtherFaces(crop, matte, () => matte, subject, [other, undefined])[0];
  };

  it("finds a face behind the subject's hair, and which of it shows", () => {
    const behind = judge(165)?.behind as FaceBehind;
    expect(behind).toBeDefined();
    expect(behind.share).toBeGreaterThanOrEqual(HAIR_OVER_FACES.coveredShare);
    expect(behind.covering[100 * W + 150]).toBe(1); // the hair over the other face's left cheek
    expect(behind.visible[100 * W + 150]).toBe(0);
    expect(behind.visible[110 * W + 185]).toBe(1); // the other face's right cheek shows
    expect(behind.barred[100 * W + 100]).toBe(1); // the subject's face is never theirs
    expect(behind.barred[110 * W + 185]).toBe(0); // their own face is
  });

  it("does not take a face beside the subject for one behind: the hair stops short of it, and the face's dark brows and eyes touching it do not count", () => {
    expect(judge(147)?.behind).toBeUndefined();
  });

  it("gives the subject back their hair over the edge of a face beside them, but not that face's brows the hair touches", () => {
    const hair = judge(147)!;
    expect(hair.onFace?.[100 * W + 143]).toBe(1); // the hair over the other face's cheek
    expect(hair.onFace?.[80 * W + 150]).toBe(0); // their brow, touching the hair
    // The split gave everything from x 140 on to the other person, the hair over the cheek too.
    const others = plane((x) => (x >= 140 ? 1 : 0));
    giveBackHair(others, [hair, undefined], 50);
    expect(at(others, 143, 100)).toBeLessThan(0.5); // the subject's hair again
    expect(at(others, 150, 80)).toBeGreaterThan(0.5); // the brow stays theirs
    expect(at(others, 170, 110)).toBe(1); // and their cheek
  });
});

describe('otherPeopleMask with a face behind the subject', () => {
  it('grows that face from the part that shows, and never into what ISNet holds of the subject', () => {
    // One person mask over the plane; the other face's box (x 120–180) lies half under the
    // subject's hair (x < 150), which ISNet holds with the subject down to the bottom.
    const base = { context: plane(() => 1), contextToCrop: [1, 0, 0, 0, 1, 0] as const, subject: { x: 40, y: 60, width: 60, height: 60 }, others: [{ x: 120, y: 60, width: 60, height: 60 }], width: W, height: H };
    const visible = new Uint8Array(W * H);
    const barred = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (x >= 150 && x < 180 && y >= 60 && y < 120) visible[y * W + x] = 1;
        if (x < 150) barred[y * W + x] = 1;
      }
    }
    const behind: FaceBehind = { covering: new Uint8Array(W * H), visible, barred, share: 0.5 };
    const sideBySide = otherPeopleMask(base)!.others;
    const inFront = otherPeopleMask({ ...base, behind: [behind] })!.others;
    expect(at(sideBySide, 130, 90)).toBe(1); // side by side: the middle of their box is theirs
    expect(at(inFront, 130, 90)).toBe(0); // behind: the subject's hair over it is the subject's
    expect(at(inFront, 140, 190)).toBe(0); // and so is the subject's shoulder below it
    expect(at(inFront, 170, 90)).toBe(1); // the face that shows is theirs
    expect(at(inFront, 190, 190)).toBe(1); // and the body beyond the subject
  });
});

describe('otherPeopleMask: people whose faces are out of view', () => {
  // The frontal face (eyes at y 80, chin at y 130: 50 px from eye to chin) with hair up to y 20,
  // the body below; an arm comes down from the top of a context plane that reaches `reach` px
  // above the crop and rests its hand on the top of the hair (x 120–135): the row standing
  // behind a seated subject.
  const landmarks = frontalLandmarks();
  const subject = { x: 70, y: 60, width: 60, height: 70 };
  const person = (x: number, y: number) => {
    const head = (x - 100) ** 2 / 55 ** 2 + (y - 75) ** 2 / 55 ** 2 <= 1;
    const body = y >= 120 && x >= 40 && x <= 160;
    const arm = x >= 120 && x <= 135 && y <= 25;
    return head || body || arm ? 1 : 0;
  };
  const split = (reach: number, withHead = true) => {
    const context = createGrayImage(W, H + reach);
    for (let y = 0; y < context.height; y++) for (let x = 0; x < W; x++) context.data[y * W + x] = person(x + 0.5, y + 0.5 - reach);
    return otherPeopleMask({
      context,
      contextToCrop: [1, 0, 0, 0, 1, -reach],
      subject,
      others: [],
      width: W,
      height: H,
      subjectHead: withHead ? subjectHeadOf(landmarks, () => faceRegion(landmarks, W, H, COLOUR_SPLIT.crown)) : undefined,
    });
  };

  it('gives the arm coming down from far above the head to someone unseen, and none of the head or the body', () => {
    const result = split(100); // the view ends 3.6 eye-to-chin lengths above the eyes ((100 + 80) / 50)
    expect(result).toBeDefined();
    const { others, unseen } = result!;
    expect(at(others, 127, 5)).toBeGreaterThan(0.9); // the forearm inside the crop
    expect(at(unseen!, 127, 5)).toBeGreaterThan(0.9);
    expect(at(others, 100, 45)).toBe(0); // the crown
    expect(at(others, 80, 30)).toBe(0); // the hair beside the hand
    expect(at(others, 100, 100)).toBe(0); // the face
    expect(at(others, 60, 180)).toBe(0); // the body
    // With no one else seen, the two planes hold the same values but are not one plane: the cut-out changes `others` in place.
    expect(unseen!.data).toEqual(others.data);
    expect(unseen!.data).not.toBe(others.data);
  });

  it('sees no one where what leaves the view is narrower than UNSEEN_PEOPLE.minExit (a lock of hair, the blur at the edge)', () => {
    const reach = 100;
    const lock = (x: number, y: number) => x >= 120 && x < 120 + Math.floor(UNSEEN_PEOPLE.minExit * 50) - 1 && y <= 25;
    const context = createGrayImage(W, H + reach);
    for (let y = 0; y < context.height; y++) {
      for (let x = 0; x < W; x++) {
        const [px, py] = [x + 0.5, y + 0.5 - reach];
        const arm = px >= 120 && px <= 135 && py <= 25;
        context.data[y * W + x] = (person(px, py) && !arm) || lock(px, py) ? 1 : 0;
      }
    }
    const head = subjectHeadOf(landmarks, () => faceRegion(landmarks, W, H, COLOUR_SPLIT.crown));
    expect(otherPeopleMask({ context, contextToCrop: [1, 0, 0, 0, 1, -reach], subject, others: [], width: W, height: H, subjectHead: head })).toBeUndefined();
  });

  it('sees no one unseen where the body leaving the view is a neighbour whose face is seen, and gives them none of the head', () => {
    // No arm this time, but a tall neighbour beside the subject (x ≥ 150), their face seen,
    // their hair leaving the top of the view.
    const reach = 100;
    const context = createGrayImage(W, H + reach);
    const inArm = (x: number, y: number) => x >= 120 && x <= 135 && y <= 25;
    for (let y = 0; y < context.height; y++) {
      for (let x = 0; x < W; x++) {
        const [px, py] = [x + 0.5, y + 0.5 - reach];
        context.data[y * W + x] = (person(px, py) && !inArm(px, py)) || x >= 150 ? 1 : 0;
      }
    }
    const result = otherPeopleMask({
      context,
      contextToCrop: [1, 0, 0, 0, 1, -reach],
      subject,
      others: [{ x: 160, y: 40, width: 35, height: 40 }],
      width: W,
      height: H,
      subjectHead: subjectHeadOf(landmarks, () => faceRegion(landmarks, W, H, COLOUR_SPLIT.crown)),
    });
    expect(result).toBeDefined();
    expect(result!.unseen).toBeUndefined(); // before: someone unseen, grown down the neighbour's hair
    expect(at(result!.others, 180, 5)).toBe(1); // the neighbour's hair
    expect(at(result!.others, 100, 25)).toBe(0); // the subject's crown
  });

  it('sees no one where the view ends closer above the eyes than UNSEEN_PEOPLE.seedAbove: that may be the subject\'s own hair', () => {
    const reach = Math.floor(UNSEEN_PEOPLE.seedAbove * 50 - 80) - 5; // the top row just under seedAbove (the eyes are 80 px down the crop)
    expect(split(reach)).toBeUndefined();
  });

  it('looks for no one unseen without the subject\'s head', () => {
    expect(split(100, false)).toBeUndefined();
  });

  describe('a limb that ends inside the view (the person model lost its owner\'s body)', () => {
    // The view reaches 100 px above the crop; a neighbour, face seen, stands at the right edge
    // (x ≥ 185), so the split runs. `limb` is added to the subject's person region.
    const reach = 100;
    const neighbour = { x: 190, y: 60, width: 10, height: 30 };
    const withLimb = (limb: (x: number, y: number) => boolean) => {
      const context = createGrayImage(W, H + reach);
      for (let y = 0; y < context.height; y++) {
        for (let x = 0; x < W; x++) {
          const [px, py] = [x + 0.5, y + 0.5 - reach];
          const arm = px >= 120 && px <= 135 && py <= 25;
          context.data[y * W + x] = (person(px, py) && !arm) || limb(px, py) || px >= 185 ? 1 : 0;
        }
      }
      return otherPeopleMask({
        context,
        contextToCrop: [1, 0, 0, 0, 1, -reach],
        subject,
        others: [neighbour],
        width: W,
        height: H,
        subjectHead: subjectHeadOf(landmarks, () => faceRegion(landmarks, W, H, COLOUR_SPLIT.crown)),
      })!;
    };

    it('gives a forearm resting on the head and ending far above it to someone unseen, and none of the head', () => {
      // From the hair's top (y 20) up to y −70: 3 eye-to-chin lengths above the eyes, short of the view's top.
      const { others, unseen } = withLimb((x, y) => x >= 120 && x <= 135 && y >= -70 && y <= 25);
      expect(unseen).toBeDefined();
      expect(at(others, 127, 0)).toBeGreaterThan(0.9); // the forearm inside the crop
      expect(at(unseen!, 127, 0)).toBeGreaterThan(0.9);
      expect(at(others, 100, 45)).toBe(0); // the crown
      expect(at(others, 100, 100)).toBe(0); // the face
      expect(at(others, 60, 180)).toBe(0); // the body
    });

    it("keeps the subject's own raised arm: it hangs from the shoulder, beside the head", () => {
      // Up from the shoulder (the body's right end, x 160) beside the head to the same height.
      const { others, unseen } = withLimb((x, y) => x >= 160 && x <= 175 && y >= -70 && y <= 130);
      expect(unseen).toBeUndefined();
      expect(at(others, 167, 0)).toBe(0);
      expect(at(others, 167, 60)).toBe(0);
    });

    it('keeps what ends nearer above the eyes than UNSEEN_PEOPLE.seedAbove: a top knot', () => {
      const top = 80 - (UNSEEN_PEOPLE.seedAbove - 0.2) * 50; // 2.3 eye-to-chin lengths above the eyes
      const { others, unseen } = withLimb((x, y) => x >= 92 && x <= 108 && y >= top && y <= 25);
      expect(unseen).toBeUndefined();
      expect(at(others, 100, 2)).toBe(0);
    });
  });
});

describe('splitLineLength', () => {
  // Two people side by side, one matte: the split gives the right half (x ≥ 100) to the neighbour.
  const before = plane((_x, y) => (y > 40 && y < 160 ? 1 : 0));
  const others = plane((x) => (x >= 100 ? 1 : 0));

  it('is the length of the line where the cut-out stops and someone else begins, inside what the matte held', () => {
    const kept = plane((x, y) => (x < 100 && y > 40 && y < 160 ? 1 : 0));
    expect(splitLineLength(before.data, others, kept)).toBe(120); // rows 40..159 (pixel centres 40.5..159.5) on column 100
  });

  it('is 0 where the subject does not reach the split (a gap between the two people)', () => {
    const kept = plane((x, y) => (x < 80 && y > 40 && y < 160 ? 1 : 0));
    expect(splitLineLength(before.data, others, kept)).toBe(0);
  });

  it("does not count the matte's own edge against the background", () => {
    const kept = plane((x, y) => (x < 100 && y > 40 && y < 160 ? 1 : 0));
    expect(splitLineLength(before.data, plane(() => 0), kept)).toBe(0);
  });
});

describe('headEllipse', () => {
  it("is the box's oval, reaching the crown's share of the box's height above it", () => {
    const box = { x: 20, y: 50, width: 40, height: 60 };
    expect(headEllipse(box)).toEqual({ centerX: 40, centerY: 80, radiusX: 20, radiusY: 30 });
    const head = headEllipse(box, 0.5); // 30 px above the box's top
    expect(head.centerY - head.radiusY).toBe(20);
    expect(head.centerY + head.radiusY).toBe(110);
  });

  it('masks the pixels whose centres lie inside it', () => {
    const ellipse = { centerX: 50, centerY: 40, radiusX: 30, radiusY: 20 };
    const seen = ellipseMask(ellipse, 100, 100);
    let count = 0;
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        const inside = ((x + 0.5 - 50) / 30) ** 2 + ((y + 0.5 - 40) / 20) ** 2 <= 1;
        expect(seen[y * 100 + x]).toBe(inside ? 1 : 0);
        count += seen[y * 100 + x];
      }
    }
    expect(count / (Math.PI * 30 * 20)).toBeCloseTo(1, 1);
    // Clipped at the plane's edges, nothing outside.
    const clipped = ellipseMask({ centerX: 0, centerY: 0, radiusX: 20, radiusY: 20 }, 30, 30);
    expect(Math.max(...clipped)).toBe(1);
    expect(clipped[0]).toBe(1);
    expect(clipped[29 * 30 + 29]).toBe(0);
  });
});
