import { centroid, type Point } from './point.js';

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
