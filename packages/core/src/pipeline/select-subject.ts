import { MultipleFacesError, NoFaceError } from '../errors.js';
import { boxArea, boxCenter } from '../geometry/point.js';
import type { FaceDetection } from './detect-faces.js';
import type { SubjectPolicy } from './portrait-options.js';

/**
 * Under `single`, a second face only counts when it is "clear": at least this fraction of the
 * largest face's area. Slivers of neighbours at a snapshot's edge do not make a group photo.
 */
const CLEAR_FACE_AREA_RATIO = 0.25;

/** Picks the subject's index among the detected faces by policy, or throws a typed error. */
export function selectSubject(faces: readonly FaceDetection[], policy: SubjectPolicy, imageWidth: number, imageHeight: number): number {
  if (faces.length === 0) throw new NoFaceError();
  const areas = faces.map((f) => boxArea(f.box));
  const largest = areas.indexOf(Math.max(...areas));
  switch (policy) {
    case 'largest':
      return largest;
    case 'single': {
      const clear = areas.filter((a) => a >= areas[largest] * CLEAR_FACE_AREA_RATIO).length;
      if (clear > 1) throw new MultipleFacesError(clear);
      return largest;
    }
    case 'center': {
      const cx = imageWidth / 2;
      const cy = imageHeight / 2;
      const distances = faces.map((f) => {
        const c = boxCenter(f.box);
        return Math.hypot(c.x - cx, c.y - cy);
      });
      return distances.indexOf(Math.min(...distances));
    }
  }
}
