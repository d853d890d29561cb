// Landmarks checked against their detection, the fallback to the next face, and geometry that
// refuses impossible windows with a typed error: on the real models and real photos.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImpossibleWindowError, NoFaceError } from '../../src/errors.js';
import { checkLandmarks, eyeGeometry, LANDMARK_INDEX } from '../../src/geometry/face-landmarks.js';
import type { Point } from '../../src/geometry/point.js';
import { computePortraitWindow } from '../../src/geometry/portrait-window.js';
import { cropWindowAffine } from '../../src/image/affine.js';
import type { RgbaImage } from '../../src/image/rgba-image.js';
import { decodeImage } from '../../src/io/image-codec.js';
import { createNodePortraitProcessor } from '../../src/node.js';
import type { FaceDetection } from '../../src/pipeline/detect-faces.js';
import { detectLandmarks, placeLandmarks } from '../../src/pipeline/detect-landmarks.js';
import type { PortraitProcessor } from '../../src/pipeline/portrait-processor.js';
import { placeSubject, rankSubjects } from '../../src/pipeline/select-subject.js';
import { fixturesDir, GROUP_FIXTURES, modelsDir, PORTRAIT_FIXTURES, readFixture } from '../support/fixtures.js';

let processor: PortraitProcessor;

beforeAll(async () => {
  processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu' });
});
afterAll(() => processor?.release());

async function decoded(bytes: Uint8Array): Promise<RgbaImage> {
  return (await decodeImage(processor.codec, bytes, { maxPixels: 50_000_000 })).image;
}

/** A photo, its faces as the detector reports them, and the first face's landmarks. */
async function measured(bytes: Uint8Array) {
  const image = await decoded(bytes);
  const faces = await processor.detect(bytes);
  return { image, faces, landmarks: await detectLandmarks(image, faces[0], processor.models.landmarks) };
}

const WINDOW = { faceMargin: 0.3, topMarginFactor: 1.5, aspect: 1 };
/** A point turned 180° about the centre of a width × height image. */
const turned = (width: number, height: number) => (p: Point): Point => ({ x: width - p.x, y: height - p.y });

/** group-1 blurred until only a blob is left: the detector still finds a face there, the landmark net cannot place it. */
async function blurredGroup(): Promise<Buffer> {
  return sharp(`${fixturesDir}/group-1.jpg`).blur(19).jpeg().toBuffer();
}

describe('checkLandmarks', () => {
  it('passes every face in the portrait and group fixtures and the astronaut', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const name of [...PORTRAIT_FIXTURES, ...GROUP_FIXTURES, 'astronaut.png']) {
      const bytes = await readFixture(name);
      const image = await decoded(bytes);
      for (const [i, face] of (await processor.detect(bytes)).entries()) {
        const check = checkLandmarks(await detectLandmarks(image, face, processor.models.landmarks), face);
        count++;
        if (!check.ok) failures.push(`${name} #${i}: ${check.problems.join(', ')}`);
      }
    }
    expect(count).toBeGreaterThanOrEqual(16);
    expect(failures).toEqual([]);
  });

  it('a portrait turned 180°: its own landmarks agree with a detection turned with it, not with one that calls it upright', async () => {
    const bytes = await readFixture('portrait-1.jpg');
    const upright = await measured(bytes);
    const { width, height } = upright.image;
    const turnedBytes = new Uint8Array(await sharp(bytes).rotate(180).jpeg({ quality: 95 }).toBuffer());
    const image = await decoded(turnedBytes);
    const turn = turned(width, height);
    const face = upright.faces[0];
    const centre = turn({ x: face.box.x + face.box.width / 2, y: face.box.y + face.box.height / 2 });
    const box = { x: centre.x - face.box.width / 2, y: centre.y - face.box.height / 2, width: face.box.width, height: face.box.height };
    // The face where it now is, its keypoints turned too: the eyes' order and the face's up reversed.
    const agreeing: FaceDetection = { box, keypoints: face.keypoints.map(turn), score: face.score };
    const landmarks = await detectLandmarks(image, agreeing, processor.models.landmarks);
    expect(Math.abs(eyeGeometry(landmarks).rollDegrees)).toBeGreaterThan(170);
    expect(landmarks[LANDMARK_INDEX.chin].y).toBeLessThan(eyeGeometry(landmarks).midpoint.y);
    expect(checkLandmarks(landmarks, agreeing)).toEqual({ ok: true, problems: [] });

    // The same box with keypoints that say "upright" (what BlazeFace reports for some upside-down faces).
    const dx = centre.x - (face.box.x + face.box.width / 2);
    const dy = centre.y - (face.box.y + face.box.height / 2);
    const disagreeing: FaceDetection = { box, keypoints: face.keypoints.map((p) => ({ x: p.x + dx, y: p.y + dy })), score: face.score };
    const check = checkLandmarks(landmarks, disagreeing);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual(expect.arrayContaining(['orientation', 'eye_order']));
  });

  it('mirrored landmarks (eyes in order, chin above them) fail the orientation check', async () => {
    const { faces, landmarks } = await measured(await readFixture('portrait-3.jpg'));
    const eyeY = eyeGeometry(landmarks).midpoint.y;
    const mirrored = landmarks.map((p) => ({ x: p.x, y: 2 * eyeY - p.y }));
    expect(checkLandmarks(mirrored, faces[0]).problems).toContain('orientation');
  });

  it('landmarks far from the detector\'s eyes, squeezed to a point, or not numbers fail', async () => {
    const { faces, landmarks } = await measured(await readFixture('portrait-4.jpg'));
    const face = faces[0];
    const side = face.box.width;
    const shifted = landmarks.map((p) => ({ x: p.x + 1.5 * side, y: p.y }));
    expect(checkLandmarks(shifted, face).problems).toEqual(expect.arrayContaining(['eye_position', 'outside_box']));
    const centre = eyeGeometry(landmarks).midpoint;
    const squeezed = landmarks.map((p) => ({ x: centre.x + (p.x - centre.x) * 0.1, y: centre.y + (p.y - centre.y) * 0.1 }));
    expect(checkLandmarks(squeezed, face).problems).toEqual(expect.arrayContaining(['eye_distance', 'orientation']));
    expect(checkLandmarks(landmarks.map((p, i) => (i === 30 ? { x: Number.NaN, y: p.y } : p)), face).problems).toEqual(['not_finite']);
    expect(checkLandmarks(landmarks.slice(0, 67), face).problems).toEqual(['not_finite']);
  });
});

describe('windows from bad landmarks are refused with a typed error', () => {
  it('computePortraitWindow: landmarks with the chin above the eyes → ImpossibleWindowError (no_face), where it used to give a negative size', async () => {
    const { landmarks } = await measured(await readFixture('portrait-1.jpg'));
    expect(computePortraitWindow(landmarks, WINDOW).width).toBeGreaterThan(0);
    const eyeY = eyeGeometry(landmarks).midpoint.y;
    const mirrored = landmarks.map((p) => ({ x: p.x, y: 2 * eyeY - p.y }));
    let error: unknown;
    try {
      computePortraitWindow(mirrored, WINDOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImpossibleWindowError);
    expect(error).toBeInstanceOf(NoFaceError);
    expect((error as NoFaceError).code).toBe('no_face');
    expect((error as NoFaceError).details).toMatchObject({ reason: 'impossible_window' });
    expect((error as Error).message).toMatch(/landmarks could not be placed reliably/);
  });

  it('cropWindowAffine: a non-finite or non-positive size (or a non-finite centre or angle) → ImpossibleWindowError, never a RangeError', () => {
    const good = { centerX: 100, centerY: 80, width: 60, height: 40, angle: 0.2, outputWidth: 120, outputHeight: 80 };
    expect(cropWindowAffine(good)).toHaveLength(6);
    for (const bad of [{ width: -12 }, { width: 0 }, { height: -0.5 }, { width: Number.NaN }, { height: Number.POSITIVE_INFINITY }, { centerX: Number.NaN }, { centerY: Number.NEGATIVE_INFINITY }, { angle: Number.NaN }]) {
      const call = () => cropWindowAffine({ ...good, ...bad });
      expect(call, JSON.stringify(bad)).toThrow(ImpossibleWindowError);
      try {
        call();
      } catch (e) {
        expect(e).not.toBeInstanceOf(RangeError);
        expect((e as NoFaceError).code).toBe('no_face');
        expect((e as NoFaceError).details).toMatchObject({ reason: 'impossible_window' });
      }
    }
    // Not a number at all is still a caller's mistake.
    expect(() => cropWindowAffine({ ...good, width: '60' as unknown as number })).toThrow(TypeError);
  });

  it('a detection with no area gets a failed check from placeLandmarks, not an exception', async () => {
    const bytes = await readFixture('portrait-2.jpg');
    const { image, faces } = await measured(bytes);
    const flat: FaceDetection = { ...faces[0], box: { ...faces[0].box, width: 0, height: 0 } };
    expect(await placeLandmarks(image, flat, processor.models.landmarks)).toEqual({ landmarks: [], check: { ok: false, problems: ['not_finite'] } });
  });
});

describe('the subject falls back to the next face when its landmarks fail', () => {
  it('rankSubjects orders the faces by the policy', async () => {
    const bytes = await readFixture('group-1.jpg');
    const faces = await processor.detect(bytes);
    const image = await decoded(bytes);
    expect(rankSubjects(faces, 'largest', image.width, image.height)).toEqual([0, 1, 2]);
    const centre = rankSubjects(faces, 'center', image.width, image.height);
    expect([...centre].sort()).toEqual([0, 1, 2]);
    expect(() => rankSubjects(faces, 'single', image.width, image.height)).toThrow(expect.objectContaining({ code: 'multiple_faces' }));
    expect(() => rankSubjects([], 'largest', 1, 1)).toThrow(NoFaceError);
  });

  it('a heavily blurred photo: the detector finds a face, the landmarks cannot be placed → no_face with the reason', async () => {
    const bytes = new Uint8Array(await blurredGroup());
    const error = await processor.process(bytes, { segmentationSize: 320 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoFaceError);
    expect((error as NoFaceError).message).toBe('A face was detected but its landmarks could not be placed reliably');
    expect((error as NoFaceError).details).toMatchObject({ reason: 'landmarks_unreliable', faceCount: 1, rejected: [{ index: 0 }] });
    await expect(processor.analyze(bytes)).rejects.toMatchObject({ code: 'no_face', details: { reason: 'landmarks_unreliable' } });
  });

  it('the blurred blob is the largest face, a sharp portrait beside it is smaller: the portrait is made of the sharp one', async () => {
    const inset = await sharp(`${fixturesDir}/portrait-2.jpg`).resize(400, 400).toBuffer();
    const bytes = new Uint8Array(await sharp(await blurredGroup()).composite([{ input: inset, left: 1500, top: 880 }]).jpeg({ quality: 90 }).toBuffer());
    const result = await processor.process(bytes, { segmentationSize: 320 });
    expect(result.faces.length).toBeGreaterThanOrEqual(2);
    expect(result.subjectIndex).toBeGreaterThan(0);
    const subject = result.faces[result.subjectIndex];
    expect(subject.box.x).toBeGreaterThan(1500);
    expect(subject.box.y).toBeGreaterThan(880);
    expect(result.window.width).toBeGreaterThan(0);
    expect(result.metrics.rollAfterDegrees).toBeGreaterThan(-5);
    expect(result.metrics.rollAfterDegrees).toBeLessThan(5);

    // placeSubject says which face was passed over and why.
    const image = await decoded(bytes);
    const placed = await placeSubject(image, result.faces, 'largest', processor.models.landmarks, (points) => computePortraitWindow(points, WINDOW));
    expect(placed.subjectIndex).toBe(result.subjectIndex);
    expect(placed.rejected).toEqual([{ index: 0, problems: expect.arrayContaining(['orientation']) }]);
  });
});
