import type { GrayImage } from '../image/rgba-image.js';
import { eyeGeometry, LANDMARK_INDEX } from './face-landmarks.js';
import type { Point } from './point.js';

export interface PortraitMetrics {
  /** Chin to crown as a fraction of the output height (crown from the mask, else estimated). */
  readonly headHeightRatio: number;
  /** How the crown was found: the top of the subject's mask above the eyes, or the landmark estimate. */
  readonly crownSource: 'mask' | 'landmarks';
  /** Eye line (eye midpoint) from the top, as a fraction of the output height. */
  readonly eyeLineFromTopRatio: number;
  /** The same from the bottom, the way passport rules state it. */
  readonly eyeLineFromBottomRatio: number;
  /** Eye midpoint's offset from the vertical centre line, as a fraction of the output width. */
  readonly eyeCenterOffsetRatio: number;
  /** Eye-line tilt in the photo, degrees (positive = clockwise on screen). */
  readonly rollBeforeDegrees: number;
  /** Eye-line tilt measured again on the output by the landmark model. */
  readonly rollAfterDegrees: number;
  readonly faceCount: number;
}

/** Topmost row above the eyes where the subject's mask, across a band as wide as the eyes, is mostly opaque. */
export function findCrownInMask(mask: GrayImage, eyeMidpoint: Point, interocular: number): number | undefined {
  const x0 = Math.max(0, Math.round(eyeMidpoint.x - interocular / 2));
  const x1 = Math.min(mask.width, Math.round(eyeMidpoint.x + interocular / 2) + 1);
  const bottom = Math.min(mask.height, Math.max(0, Math.round(eyeMidpoint.y)));
  if (x1 <= x0) return undefined;
  for (let y = 0; y < bottom; y++) {
    let sum = 0;
    for (let x = x0; x < x1; x++) sum += mask.data[y * mask.width + x];
    if (sum / (x1 - x0) > 0.5) return y;
  }
  return undefined;
}

/**
 * Portrait geometry on the output: `landmarks` are the subject's 68 points measured on the
 * output image, `mask` the subject's alpha before any oval (undefined when the background was kept).
 */
export function measurePortrait(input: {
  readonly landmarks: readonly Point[];
  readonly mask: GrayImage | undefined;
  readonly width: number;
  readonly height: number;
  readonly rollBeforeDegrees: number;
  readonly faceCount: number;
}): PortraitMetrics {
  const eyes = eyeGeometry(input.landmarks);
  const chin = input.landmarks[LANDMARK_INDEX.chin];
  const fromMask = input.mask ? findCrownInMask(input.mask, eyes.midpoint, eyes.interocular) : undefined;
  // Without a mask: the eyes sit near the middle of the head's height.
  const crownY = fromMask ?? eyes.midpoint.y - (chin.y - eyes.midpoint.y);
  return {
    headHeightRatio: (chin.y - crownY) / input.height,
    crownSource: fromMask === undefined ? 'landmarks' : 'mask',
    eyeLineFromTopRatio: eyes.midpoint.y / input.height,
    eyeLineFromBottomRatio: 1 - eyes.midpoint.y / input.height,
    eyeCenterOffsetRatio: (eyes.midpoint.x - input.width / 2) / input.width,
    rollBeforeDegrees: input.rollBeforeDegrees,
    rollAfterDegrees: eyes.rollDegrees,
    faceCount: input.faceCount,
  };
}
