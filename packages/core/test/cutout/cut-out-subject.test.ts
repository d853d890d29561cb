import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eyeGeometry, LANDMARK_INDEX } from '../../src/geometry/face-landmarks.js';
import { centroid, distance, type Point } from '../../src/geometry/point.js';
import { applyAffine, cropWindowAffine, invertAffine } from '../../src/image/affine.js';
import { convexHull, fillPolygon } from '../../src/image/fill-polygon.js';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { PortraitProcessor, PortraitResult } from '../../src/pipeline/portrait-processor.js';
import { compositeOf, CH, CW } from '../support/composites.js';
import { modelsDir, PORTRAIT_FIXTURES, readFixture } from '../support/fixtures.js';

/**
 * The cut-out on real photos with the real models, judged on the output as a photographer
 * would: the face solid, the neck under the chin solid, the top corners clear, no other
 * person's face. The 'salient' runs show what the person model adds.
 */
let processor: PortraitProcessor;
beforeAll(async () => {
  processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu', threads: 2 });
}, 120_000);
afterAll(async () => processor?.release());

const options = { ovalMask: false, enhance: false, width: 320, height: 320, segmentationSize: 512 } as const;

/** Photo pixel → output pixel for a result, as an affine map. */
function toOutputAffine(result: PortraitResult) {
  const w = result.window;
  return invertAffine(cropWindowAffine({ centerX: w.centerX, centerY: w.centerY, width: w.width, height: w.height, angle: (w.angleDegrees * Math.PI) / 180, outputWidth: result.width, outputHeight: result.height }));
}

/** Photo pixel → output pixel for a result. */
function toOutput(result: PortraitResult): (p: Point) => Point {
  const m = toOutputAffine(result);
  return (p) => applyAffine(m, p.x, p.y);
}

const meanAlpha = (result: PortraitResult, region: Float32Array) => {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < region.length; i++) {
    sum += region[i] * (result.image.data[i * 4 + 3] / 255);
    weight += region[i];
  }
  return weight > 0 ? sum / weight : NaN;
};

function faceHullMean(result: PortraitResult): number {
  const map = toOutput(result);
  const points = result.landmarks.map(map);
  // The jaw points lie on the face's edge, where a good matte is legitimately soft: judged 3 % inside it.
  const hull = convexHull(points.slice(...LANDMARK_INDEX.jaw));
  const cx = hull.reduce((s, p) => s + p.x, 0) / hull.length;
  const cy = hull.reduce((s, p) => s + p.y, 0) / hull.length;
  return meanAlpha(result, fillPolygon(result.width, result.height, hull.map((p) => ({ x: cx + (p.x - cx) * 0.97, y: cy + (p.y - cy) * 0.97 }))).data);
}

/** A band under the chin: 0.1–0.5 eye-to-chin lengths down, half a jaw width wide (a neck is about that); only its pixels in `within` where given. */
function neckBandMean(result: PortraitResult, within?: Float32Array): number {
  const points = result.landmarks.map(toOutput(result));
  const chin = points[LANDMARK_INDEX.chin];
  const eyes = eyeGeometry(points);
  const length = Math.hypot(chin.x - eyes.midpoint.x, chin.y - eyes.midpoint.y);
  const half = (Math.hypot(points[16].x - points[0].x, points[16].y - points[0].y) * 0.5) / 2;
  const region = new Float32Array(result.width * result.height);
  for (let y = Math.ceil(chin.y + 0.1 * length); y < Math.min(result.height, chin.y + 0.5 * length); y++) {
    for (let x = Math.max(0, Math.round(chin.x - half)); x < Math.min(result.width, chin.x + half); x++) region[y * result.width + x] = within ? within[y * result.width + x] : 1;
  }
  return meanAlpha(result, region);
}

/** Which output pixels show the photo (1) rather than the canvas past its edge (0). */
function inPhotoPlane(result: PortraitResult): Float32Array {
  const toPhoto = invertAffine(toOutputAffine(result));
  const plane = new Float32Array(result.width * result.height);
  for (let y = 0; y < result.height; y++) {
    for (let x = 0; x < result.width; x++) {
      const p = applyAffine(toPhoto, x + 0.5, y + 0.5);
      plane[y * result.width + x] = p.x >= 0 && p.y >= 0 && p.x <= result.input.width && p.y <= result.input.height ? 1 : 0;
    }
  }
  return plane;
}

/**
 * The shoulders, left and right of the neck: 0.5–0.9 eye-to-chin lengths below the chin, from
 * 0.6 to 1.0 jaw widths out from the chin's line, along the face's own down direction (within
 * the canvas).
 */
function shoulderMeans(result: PortraitResult): [number, number] {
  const points = result.landmarks.map(toOutput(result));
  const chin = points[LANDMARK_INDEX.chin];
  const eyes = eyeGeometry(points);
  const length = Math.hypot(chin.x - eyes.midpoint.x, chin.y - eyes.midpoint.y);
  const down = { x: (chin.x - eyes.midpoint.x) / length, y: (chin.y - eyes.midpoint.y) / length };
  const jaw = Math.hypot(points[16].x - points[0].x, points[16].y - points[0].y);
  return [-1, 1].map((side) => {
    const region = new Float32Array(result.width * result.height);
    for (let y = 0; y < result.height; y++) {
      for (let x = 0; x < result.width; x++) {
        const along = ((x + 0.5 - chin.x) * down.x + (y + 0.5 - chin.y) * down.y) / length;
        const across = (side * ((x + 0.5 - chin.x) * -down.y + (y + 0.5 - chin.y) * down.x)) / jaw;
        if (along >= 0.5 && along <= 0.9 && across >= 0.6 && across <= 1.0) region[y * result.width + x] = 1;
      }
    }
    return meanAlpha(result, region);
  }) as [number, number];
}

describe('cut-out with the person model', () => {
  it('keeps the neck that ISNet alone drops at margin 0.4 (portrait-4), with the face solid', async () => {
    const bytes = await readFixture('portrait-4.jpg');
    const salient = await processor.process(bytes, { ...options, faceMargin: 0.4, cutout: 'salient' });
    const person = await processor.process(bytes, { ...options, faceMargin: 0.4, cutout: 'person' });
    expect(person.cutout).toBe('person');
    expect(neckBandMean(salient)).toBeLessThan(0.9);
    expect(neckBandMean(person)).toBeGreaterThanOrEqual(0.95);
    expect(faceHullMean(person)).toBeGreaterThanOrEqual(0.99);
  }, 120_000);

  it.each(PORTRAIT_FIXTURES)('%s: face ≥ 99 % and neck band ≥ 95 % opaque, top corners clear', async (name) => {
    const result = await processor.process(await readFixture(name), { ...options, faceMargin: 0.3, cutout: 'person' });
    expect(faceHullMean(result)).toBeGreaterThanOrEqual(0.99);
    expect(neckBandMean(result)).toBeGreaterThanOrEqual(0.95);
    // portrait-4 raises her arm into the top-left corner: there the corner is the subject.
    const corner = Math.round(result.width * 0.06);
    for (const x0 of name === 'portrait-4.jpg' ? [] : [0, result.width - corner]) {
      let sum = 0;
      for (let y = 0; y < corner; y++) for (let x = x0; x < x0 + corner; x++) sum += result.image.data[(y * result.width + x) * 4 + 3] / 255;
      expect(sum / (corner * corner)).toBeLessThanOrEqual(0.02);
    }
  }, 120_000);

  it('keeps the neck and the shirt under the chin of a face that fills a close-up, and says the photo ends inside the portrait', async () => {
    // The face fills the 800×533 photo, so the portrait's window, margin and all, is twice the
    // photo's size. The person model, shown the whole of its context region, saw the photo as a
    // small picture in smeared edges and called only the head a person; ISNet holds the dark
    // neck and shirt on the dark backdrop at 0.3: both were lost up to the jaw.
    const result = await processor.process(await readFixture('closeup-dark-tshirt.jpg'), { ...options, width: 648, height: 648, segmentationSize: 768, faceMargin: 0.4, cutout: 'refined' });
    expect(result.warnings.map((w) => w.code)).toContain('frame_exceeds_photo');
    expect(faceHullMean(result)).toBeGreaterThanOrEqual(0.99);
    const inPhoto = inPhotoPlane(result);
    expect(neckBandMean(result, inPhoto)).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('gives a 30-pixel face in a wide group photo a solid face and neck, and says the photo is too small', async () => {
    // At the default sizes: enlarged 10× to ISNet's 768², such faces are a blur in which ISNet may
    // see nothing (the person model's matte then stands in, see isnet-blind.ts).
    const result = await processor.process(await readFixture('conference-group-wide.jpg'), { ...options, width: 648, height: 648, segmentationSize: 768, faceMargin: 0.3, cutout: 'refined' });
    expect(result.warnings.map((w) => w.code)).toContain('low_resolution');
    expect(faceHullMean(result)).toBeGreaterThanOrEqual(0.99);
    expect(neckBandMean(result)).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('gives a small face cut from a group photo its shoulders where ISNet keeps only the head and a column of neck', async () => {
    // A man in a black shirt, cut from that group photo with room around him (his is the face
    // nearest the centre): enlarging his 29-pixel face, ISNet keeps the head and the neck and
    // nothing of the shoulders, which the person model sees plainly.
    const side = 29;
    const [cx, cy] = [295 + side / 2, 134 + side / 2];
    const sharp = (await import('sharp')).default;
    const crop = await sharp(await readFixture('conference-group-wide.jpg'))
      .extract({ left: Math.round(cx - 2.2 * side), top: Math.round(cy - 1.8 * side), width: Math.round(4.4 * side), height: Math.round(4.6 * side) })
      .jpeg({ quality: 95 })
      .toBuffer();
    const result = await processor.process(crop, { ovalMask: false, enhance: false, faceMargin: 0.4, subject: 'center', cutout: 'refined' });
    expect(faceHullMean(result)).toBeGreaterThanOrEqual(0.99);
    expect(neckBandMean(result)).toBeGreaterThanOrEqual(0.95);
    // ISNet's outline alone (as when its neck was taken for the body): no shoulder at all.
    const salient = await processor.process(crop, { ovalMask: false, enhance: false, faceMargin: 0.4, subject: 'center', cutout: 'salient' });
    expect(Math.max(...shoulderMeans(salient))).toBeLessThan(0.1);
    expect(Math.min(...shoulderMeans(result))).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it("keeps the subject's curls and shoulder over someone half hidden behind them, and leaves that person out (composite with the true alpha)", async () => {
    // portrait-5's subject (long blond curls) over a room, with the next foreground standing
    // behind her right shoulder, the face half under her curls: the people split grew that face
    // from the middle of its box, on her curls, and took them with the shoulder below.
    const c = await compositeOf('portrait-5', 'room-indoor+person');
    const result = await processor.process(c.png, { ovalMask: false, enhance: false, faceMargin: 0.4, cutout: 'refined' });
    // The true alpha in the output's frame (nearest composite pixel through the result's window).
    const toPhoto = invertAffine(toOutputAffine(result));
    const truth = new Float32Array(result.width * result.height);
    for (let i = 0; i < truth.length; i++) {
      const p = applyAffine(toPhoto, (i % result.width) + 0.5, Math.floor(i / result.width) + 0.5);
      const [x, y] = [Math.floor(p.x), Math.floor(p.y)];
      truth[i] = x >= 0 && y >= 0 && x < CW && y < CH ? c.truth[y * CW + x] : 0;
    }
    const subjectThere = new Float32Array(truth.length);
    const noOneThere = new Float32Array(truth.length);
    for (let i = 0; i < truth.length; i++) {
      if (i % result.width < 0.75 * result.width) continue; // the right quarter, where the one behind stands
      subjectThere[i] = truth[i] >= 0.9 ? 1 : 0;
      noOneThere[i] = truth[i] <= 0.05 ? 1 : 0;
    }
    expect(meanAlpha(result, subjectThere)).toBeGreaterThanOrEqual(0.9);
    expect(meanAlpha(result, noOneThere)).toBeLessThanOrEqual(0.15); // the backdrop and the one behind (the edge of their shoulder against hers stays)
  }, 120_000);

  it("leaves out the blonde ponytail of a friend standing back to back with the subject, and keeps the subject's dark hair beside it", async () => {
    // group-3's right-hand woman, cut as the quality bench cuts group members (her face box with
    // room around it): ISNet joins her friend's ponytail, behind her, to her own hair.
    const sharp = (await import('sharp')).default;
    const crop = await sharp(await readFixture('group-3.jpg')).extract({ left: 1114, top: 57, width: 806, height: 1005 }).jpeg({ quality: 95 }).toBuffer();
    const result = await processor.process(crop, { ovalMask: false, enhance: false, faceMargin: 0.4, subject: 'center', cutout: 'refined' });
    const map = toOutput(result);
    const regionOf = (polygon: [number, number][]) => fillPolygon(result.width, result.height, polygon.map(([x, y]) => map({ x, y }))).data;
    // A strand of the ponytail beside her hair, and her own hair beside it (in the crop's pixels).
    expect(meanAlpha(result, regionOf([[222, 304], [253, 297], [253, 356], [219, 352]]))).toBeLessThanOrEqual(0.15);
    expect(meanAlpha(result, regionOf([[265, 340], [320, 340], [320, 480], [265, 480]]))).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it("leaves out the black lock of the young woman beside her that hangs in front of a white-haired woman's face", async () => {
    // The people split's line ran through the lock, and where both sides hold skin the colours
    // overlap too much for the band to move it: the lock stayed in her portrait (0.81 in the
    // region measured here before, 0 now).
    const result = await processor.process(await readFixture('older-woman-magnifier-lamp.jpg'), { ovalMask: false, enhance: false, faceMargin: 0.3, cutout: 'refined' });
    const map = toOutput(result);
    const regionOf = (polygon: [number, number][]) => fillPolygon(result.width, result.height, polygon.map(([x, y]) => map({ x, y }))).data;
    // The lock (photo pixels), and her own face beside it.
    expect(meanAlpha(result, regionOf([[858, 380], [878, 380], [882, 500], [864, 500]]))).toBeLessThanOrEqual(0.15);
    expect(faceHullMean(result)).toBeGreaterThanOrEqual(0.99);
  }, 120_000);

  it("keeps the top of a blonde subject's hair, dark at the roots, beside a dark-haired man cheek to cheek with her", async () => {
    // By colour her dark roots are his: with only her skull (0.8 eye-to-chin lengths above her
    // brows) kept from the colour split, the top of her hair above it went to him and her crown
    // came out cut flat there (alpha 0.12 in the band measured here, 0.97 now; her hair ends about 0.87 up).
    const result = await processor.process(await readFixture('bar-night-couple-flash.jpg'), { ovalMask: false, enhance: false, faceMargin: 0.4, cutout: 'refined' });
    const points = result.landmarks.map(toOutput(result));
    const eyes = eyeGeometry(points);
    const chin = points[LANDMARK_INDEX.chin];
    const length = Math.hypot(chin.x - eyes.midpoint.x, chin.y - eyes.midpoint.y);
    const up = { x: (eyes.midpoint.x - chin.x) / length, y: (eyes.midpoint.y - chin.y) / length };
    // Above the brows' middle third, from 0.8 to 0.85 eye-to-chin lengths up.
    const [browsFrom, browsTo] = [LANDMARK_INDEX.rightBrow[0], LANDMARK_INDEX.leftBrow[1]];
    const browsMid = centroid(points.slice(browsFrom, browsTo));
    const half = distance(points[browsFrom], points[browsTo - 1]) / 6;
    const at = (across: number, along: number) => ({ x: browsMid.x - up.y * across + up.x * along * length, y: browsMid.y + up.x * across + up.y * along * length });
    const crownTop = fillPolygon(result.width, result.height, [at(-half, 0.8), at(half, 0.8), at(half, 0.85), at(-half, 0.85)]).data;
    expect(meanAlpha(result, crownTop)).toBeGreaterThanOrEqual(0.8);
  }, 120_000);

  it('makes solid the lock of long hair beside her cheek that ISNet holds half see-through over a busy backdrop (portrait-4)', async () => {
    // Her hair falls past her raised arm and a pink cushion: ISNet held it at 0.3-0.8, and above
    // the chin only the skull was lifted. 0.74-0.76 in the band measured here before, 1 now.
    const result = await processor.process(await readFixture('portrait-4.jpg'), { ovalMask: false, enhance: false, faceMargin: 0.4, cutout: 'refined' });
    const points = result.landmarks.map(toOutput(result));
    const eyes = eyeGeometry(points).midpoint;
    const length = distance(points[LANDMARK_INDEX.chin], eyes);
    const nose = centroid(points.slice(...LANDMARK_INDEX.nose));
    // 0.1-0.3 eye-to-chin lengths out from the jaw line between its 2nd and 5th points (her right cheek, the image's left).
    const out = (j: number, k: number) => {
      const d = distance(points[j], nose);
      return { x: points[j].x + ((points[j].x - nose.x) / d) * k * length, y: points[j].y + ((points[j].y - nose.y) / d) * k * length };
    };
    const band = fillPolygon(result.width, result.height, [out(1, 0.1), out(4, 0.1), out(4, 0.3), out(1, 0.3)]).data;
    expect(meanAlpha(result, band)).toBeGreaterThanOrEqual(0.95);
  }, 120_000);

  it('keeps the whole forearm of a hand raised to her mouth, which ISNet holds faintly (group-2, margin 0.6)', async () => {
    // The forearm runs from her wrist (photo ≈ 215, 410) down to her elbow near the photo's left
    // edge, outside the body the landmarks predict; ISNet held it at 0.28-0.46 and the output kept
    // only the fingers, a severed hand (0 on these discs). Discs of 12 photo pixels on the
    // forearm's middle line, marked by hand on the photo.
    const result = await processor.process(await readFixture('group-2.jpg'), { ovalMask: false, enhance: false, faceMargin: 0.6, cutout: 'refined' });
    const map = toOutput(result);
    const scale = distance(map({ x: 0, y: 0 }), map({ x: 100, y: 0 })) / 100;
    const forearm = [{ x: 200, y: 420 }, { x: 175, y: 445 }, { x: 150, y: 470 }, { x: 130, y: 490 }].map(map);
    const region = new Float32Array(result.width * result.height);
    for (const c of forearm) {
      const r = 12 * scale;
      for (let y = Math.max(0, Math.floor(c.y - r)); y <= Math.min(result.height - 1, Math.ceil(c.y + r)); y++) {
        for (let x = Math.max(0, Math.floor(c.x - r)); x <= Math.min(result.width - 1, Math.ceil(c.x + r)); x++) if (Math.hypot(x + 0.5 - c.x, y + 0.5 - c.y) <= r) region[y * result.width + x] = 1;
      }
    }
    expect(region.reduce((a, b) => a + b, 0)).toBeGreaterThan(400); // the discs lie on the canvas
    expect(meanAlpha(result, region)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it.each(['group-1.jpg', 'group-3.jpg'])('leaves the neighbours out of a group photo (%s, wide margin)', async (name) => {
    const result = await processor.process(await readFixture(name), { ...options, faceMargin: 1, cutout: 'person' });
    const map = toOutput(result);
    let checked = 0;
    result.faces.forEach((face, i) => {
      if (i === result.subjectIndex) return;
      const corners = [map({ x: face.box.x, y: face.box.y }), map({ x: face.box.x + face.box.width, y: face.box.y + face.box.height })];
      const region = fillPolygon(result.width, result.height, [corners[0], { x: corners[1].x, y: corners[0].y }, corners[1], { x: corners[0].x, y: corners[1].y }]);
      if (region.data.reduce((a, b) => a + b, 0) < 20) return; // not in the canvas
      checked++;
      expect(meanAlpha(result, region.data)).toBeLessThanOrEqual(0.05);
    });
    expect(checked).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
