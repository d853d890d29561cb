import { MultipleFacesError, NoFaceError } from '../errors.js';
import type { LandmarkProblem } from '../geometry/face-landmarks.js';
import { boxArea, boxCenter, type Point } from '../geometry/point.js';
import type { RgbaImage } from '../image/rgba-image.js';
import type { FaceDetection } from './detect-faces.js';
import { placeLandmarks, type LandmarkModel } from './detect-landmarks.js';
import type { SubjectPolicy } from '../options/index.js';

/**
 * Under `single`, a second face only counts when it is "clear": at least this fraction of the
 * largest face's area. Slivers of neighbours at a snapshot's edge do not make a group photo.
 */
const CLEAR_FACE_AREA_RATIO = 0.25;

/**
 * Every face's index in the order the policy prefers them: the subject first, then the faces to
 * fall back to when the subject's landmarks cannot be placed (see `checkLandmarks`). `largest`
 * and `single` go by area, `center` by distance from the photo's centre. Throws NoFaceError when
 * there is no face, MultipleFacesError under `single` when several are clear.
 */
export function rankSubjects(faces: readonly FaceDetection[], policy: SubjectPolicy, imageWidth: number, imageHeight: number): number[] {
  if (faces.length === 0) throw new NoFaceError();
  const areas = faces.map((f) => boxArea(f.box));
  const indices = faces.map((_, i) => i);
  // Stable: ties keep the detector's order (largest first).
  const by = (key: readonly number[]) => indices.sort((a, b) => key[a] - key[b] || a - b);
  switch (policy) {
    case 'largest':
      return by(areas.map((a) => -a));
    case 'single': {
      const largest = Math.max(...areas);
      const clear = areas.filter((a) => a >= largest * CLEAR_FACE_AREA_RATIO).length;
      if (clear > 1) throw new MultipleFacesError(clear);
      return by(areas.map((a) => -a));
    }
    case 'center': {
      const cx = imageWidth / 2;
      const cy = imageHeight / 2;
      return by(
        faces.map((f) => {
          const c = boxCenter(f.box);
          return Math.hypot(c.x - cx, c.y - cy);
        }),
      );
    }
  }
}

/** Picks the subject's index among the detected faces by policy, or throws a typed error. */
export function selectSubject(faces: readonly FaceDetection[], policy: SubjectPolicy, imageWidth: number, imageHeight: number): number {
  return rankSubjects(faces, policy, imageWidth, imageHeight)[0];
}

/** A face passed over as the subject: its index and what its landmarks failed. */
export interface RejectedFace {
  readonly index: number;
  readonly problems: readonly (LandmarkProblem | 'impossible_window')[];
}

export interface PlacedSubject<T> {
  readonly subjectIndex: number;
  /** The subject's 68 landmarks, checked against its detection. */
  readonly landmarks: Point[];
  /** What `frame` made of them (the portrait window). */
  readonly framed: T;
  /** Faces tried before it, in the policy's order. */
  readonly rejected: readonly RejectedFace[];
}

/**
 * The subject and its landmarks: the faces in the policy's order (see `rankSubjects`), the first
 * whose landmarks pass `checkLandmarks` against its detection and that `frame` can frame (a
 * `NoFaceError` from it, such as an impossible window, passes the face over too). A false
 * detection, say at a collage's edge, whose landmarks come out upside down is passed over for the
 * next face; when no face is left, NoFaceError with `details.reason = 'landmarks_unreliable'`
 * and each face's problems.
 */
export async function placeSubject<T>(
  image: RgbaImage,
  faces: readonly FaceDetection[],
  policy: SubjectPolicy,
  model: LandmarkModel,
  frame: (landmarks: readonly Point[]) => T,
): Promise<PlacedSubject<T>> {
  const rejected: RejectedFace[] = [];
  for (const index of rankSubjects(faces, policy, image.width, image.height)) {
    const { landmarks, check } = await placeLandmarks(image, faces[index], model);
    if (!check.ok) {
      rejected.push({ index, problems: check.problems });
      continue;
    }
    try {
      return { subjectIndex: index, landmarks, framed: frame(landmarks), rejected };
    } catch (error) {
      if (!(error instanceof NoFaceError)) throw error;
      rejected.push({ index, problems: ['impossible_window'] });
    }
  }
  const message =
    faces.length === 1
      ? 'A face was detected but its landmarks could not be placed reliably'
      : `${faces.length} faces were detected but the landmarks of none could be placed reliably`;
  throw new NoFaceError(message, {
    reason: 'landmarks_unreliable',
    faceCount: faces.length,
    rejected: rejected.map((r) => ({ index: r.index, problems: [...r.problems] })),
  });
}
