import { centroid, distance, type Box, type Point } from './point.js';

/**
 * The 68-point layout shared by dlib and face-api (iBUG 300-W): jaw 0–16 (chin 8), brows
 * 17–26, nose 27–35, the subject's right eye 36–41 (on the image's left), left eye 42–47,
 * mouth 48–67.
 */
export const LANDMARK_INDEX = {
  jaw: [0, 17],
  chin: 8,
  rightBrow: [17, 22],
  leftBrow: [22, 27],
  nose: [27, 36],
  rightEye: [36, 42],
  leftEye: [42, 48],
  mouth: [48, 68],
} as const;

export interface EyeGeometry {
  /** Centre of the eye on the image's left (the subject's right eye). */
  readonly imageLeftEye: Point;
  readonly imageRightEye: Point;
  readonly midpoint: Point;
  /** Eye-line tilt in degrees; positive = the line falls to the right (clockwise on screen, y down). */
  readonly rollDegrees: number;
  readonly interocular: number;
}

export function eyeGeometry(landmarks: readonly Point[]): EyeGeometry {
  if (landmarks.length !== 68) throw new RangeError(`Expected 68 landmarks but received ${landmarks.length}`);
  const imageLeftEye = centroid(landmarks.slice(...LANDMARK_INDEX.rightEye));
  const imageRightEye = centroid(landmarks.slice(...LANDMARK_INDEX.leftEye));
  const dx = imageRightEye.x - imageLeftEye.x;
  const dy = imageRightEye.y - imageLeftEye.y;
  return {
    imageLeftEye,
    imageRightEye,
    midpoint: { x: (imageLeftEye.x + imageRightEye.x) / 2, y: (imageLeftEye.y + imageRightEye.y) / 2 },
    rollDegrees: (Math.atan2(dy, dx) * 180) / Math.PI,
    interocular: Math.hypot(dx, dy),
  };
}

/** What a face's detection says about it: BlazeFace's box and keypoints (eyes first). */
export interface LandmarkReference {
  readonly box: Box;
  /** Keypoint 0 is the eye on the image's left (the subject's right eye), keypoint 1 the other. */
  readonly keypoints: readonly Point[];
}

/** The ways 68 landmarks can disagree with their face's detection. */
export type LandmarkProblem =
  /** Not 68 points, or a coordinate that is NaN or infinite. */
  | 'not_finite'
  /** Eyes, nose tip, mouth and chin are not in that order down the face. */
  | 'orientation'
  /** The image-left eye is not on the left once the face is levelled by the detection's eyes. */
  | 'eye_order'
  /** The landmark eyes are far from the detector's eye keypoints. */
  | 'eye_position'
  /** Too many landmarks outside the (enlarged) detection box. */
  | 'outside_box'
  /** The eyes are implausibly close together or far apart for the size of the box. */
  | 'eye_distance';

export interface LandmarkCheck {
  readonly ok: boolean;
  readonly problems: readonly LandmarkProblem[];
}

/**
 * Limits of {@link checkLandmarks}, as fractions of the detection box's longer side. Measured on
 * the fixtures and on collages, crops and turns of them: real faces have the nose tip 0.1–0.35
 * below the eyes, the chin 0.45–0.85, the landmark eyes within 0.3 of the detector's, the eyes
 * 0.14 (a profile) to 0.55 apart, and all 68 points inside the box grown 1.5×. The limits leave
 * room beyond that; landmarks that fail them are not a face the pipeline can place.
 */
export const LANDMARK_LIMITS = Object.freeze({
  /** The chin at least this far below the eye line (in the landmarks' own levelled frame). */
  minChinBelowEyes: 0.2,
  /** Each landmark eye within this distance of the detector's keypoint for it. */
  maxEyeOffset: 0.6,
  minInterocular: 0.08,
  maxInterocular: 1.0,
  /** The detection box is grown by this factor about its centre… */
  boxGrowth: 2,
  /** …and at least this share of the landmarks must lie in it. */
  minInsideShare: 0.9,
});

/**
 * Checks 68 landmarks against the detection they were measured from: they must form an upright
 * face in the frame the detector's eye keypoints give (eyes above nose above mouth above chin,
 * the image-left eye on the left), in its own frame too (so that the face can be levelled and
 * framed), near the detector's eyes, mostly inside the detection box, with a plausible eye
 * distance. Landmarks the net places on something that is not a face, or on a face turned away
 * from how the detector saw it, fail here instead of making an impossible crop later.
 */
export function checkLandmarks(landmarks: readonly Point[], detection: LandmarkReference): LandmarkCheck {
  const problems: LandmarkProblem[] = [];
  const box = detection.box;
  const side = Math.max(box.width, box.height);
  const [k0, k1] = detection.keypoints;
  const finite = (p: Point | undefined) => p !== undefined && Number.isFinite(p.x) && Number.isFinite(p.y);
  if (landmarks.length !== 68 || !landmarks.every(finite) || !(side > 0 && Number.isFinite(side)) || !finite(k0) || !finite(k1) || !finite(box)) {
    return { ok: false, problems: ['not_finite'] };
  }
  const eyes = eyeGeometry(landmarks);
  const nose = landmarks[30];
  const mouth = centroid(landmarks.slice(...LANDMARK_INDEX.mouth));
  const chin = landmarks[LANDMARK_INDEX.chin];

  // Distances down the face from the eye line, in box sides, for a face whose eye line runs at `angle`.
  const downFrom = (angle: number) => (p: Point) =>
    ((p.x - eyes.midpoint.x) * -Math.sin(angle) + (p.y - eyes.midpoint.y) * Math.cos(angle)) / side;
  const detectorAngle = Math.atan2(k1.y - k0.y, k1.x - k0.x);
  const ordered = (down: (p: Point) => number) => {
    const [n, m, c] = [down(nose), down(mouth), down(chin)];
    return n > 0 && m > n && c > m;
  };
  const ownDown = downFrom((eyes.rollDegrees * Math.PI) / 180);
  if (!ordered(downFrom(detectorAngle)) || !ordered(ownDown) || ownDown(chin) < LANDMARK_LIMITS.minChinBelowEyes) problems.push('orientation');

  const alongDetectorEyes = (eyes.imageRightEye.x - eyes.imageLeftEye.x) * Math.cos(detectorAngle) + (eyes.imageRightEye.y - eyes.imageLeftEye.y) * Math.sin(detectorAngle);
  if (!(alongDetectorEyes > 0)) problems.push('eye_order');

  const offset = Math.max(distance(eyes.imageLeftEye, k0), distance(eyes.imageRightEye, k1)) / side;
  if (!(offset <= LANDMARK_LIMITS.maxEyeOffset)) problems.push('eye_position');

  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const halfW = (box.width * LANDMARK_LIMITS.boxGrowth) / 2;
  const halfH = (box.height * LANDMARK_LIMITS.boxGrowth) / 2;
  const inside = landmarks.filter((p) => Math.abs(p.x - cx) <= halfW && Math.abs(p.y - cy) <= halfH).length;
  if (inside < LANDMARK_LIMITS.minInsideShare * landmarks.length) problems.push('outside_box');

  const interocular = eyes.interocular / side;
  if (!(interocular >= LANDMARK_LIMITS.minInterocular && interocular <= LANDMARK_LIMITS.maxInterocular)) problems.push('eye_distance');

  return { ok: problems.length === 0, problems };
}
