import type { Point } from '@facecraft/core';
import type { OutcomeWindow } from './engine-types.js';

/** dlib/face-api 68-point layout: the eyes and the chin. */
const LEFT_EYE = [36, 42] as const;
const RIGHT_EYE = [42, 48] as const;
export const CHIN = 8;

function mean(points: readonly Point[]): Point {
  const n = Math.max(1, points.length);
  return { x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n };
}

/** Eye centres from 68 landmarks, or undefined when the landmarks are missing. */
export function eyeCentres(landmarks: readonly Point[]): [Point, Point] | undefined {
  if (landmarks.length < 68) return undefined;
  return [mean(landmarks.slice(...LEFT_EYE)), mean(landmarks.slice(...RIGHT_EYE))];
}

/**
 * Maps photo pixels into the output canvas: the inverse of the pipeline's crop warp (the window's
 * centre goes to the canvas centre, its top edge becomes horizontal, its size becomes the canvas's).
 */
export function photoToOutput(window: OutcomeWindow, outputWidth: number, outputHeight: number): (p: Point) => Point {
  const angle = (window.angleDegrees * Math.PI) / 180;
  const cos = Math.cos(-angle);
  const sin = Math.sin(-angle);
  const sx = outputWidth / window.width;
  const sy = outputHeight / window.height;
  return (p) => {
    const dx = p.x - window.centerX;
    const dy = p.y - window.centerY;
    const qx = dx * cos - dy * sin;
    const qy = dx * sin + dy * cos;
    return { x: (qx + window.width / 2) * sx, y: (qy + window.height / 2) * sy };
  };
}

/** The window's four corners in photo pixels (top-left, top-right, bottom-right, bottom-left). */
export function windowCorners(window: OutcomeWindow): Point[] {
  const angle = (window.angleDegrees * Math.PI) / 180;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const hw = window.width / 2;
  const hh = window.height / 2;
  return [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ].map(([x, y]) => ({ x: window.centerX + x * c - y * s, y: window.centerY + x * s + y * c }));
}
