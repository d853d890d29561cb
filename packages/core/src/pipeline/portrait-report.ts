import type { PortraitResult } from './portrait-processor.js';

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/** A JSON-safe summary of a result (everything but the pixels and encoded bytes), for files and APIs. */
export function toPortraitReport(result: PortraitResult) {
  return {
    width: result.width,
    height: result.height,
    input: result.input,
    faceCount: result.faces.length,
    subjectIndex: result.subjectIndex,
    faces: result.faces.map((f) => ({
      box: { x: round(f.box.x, 1), y: round(f.box.y, 1), width: round(f.box.width, 1), height: round(f.box.height, 1) },
      score: round(f.score, 3),
      keypoints: f.keypoints.map((p) => ({ x: round(p.x, 1), y: round(p.y, 1) })),
    })),
    landmarks: result.landmarks.map((p) => ({ x: round(p.x, 1), y: round(p.y, 1) })),
    window: {
      centerX: round(result.window.centerX, 1),
      centerY: round(result.window.centerY, 1),
      width: round(result.window.width, 1),
      height: round(result.window.height, 1),
      angleDegrees: round(result.window.angleDegrees, 2),
    },
    metrics: Object.fromEntries(Object.entries(result.metrics).map(([k, v]) => [k, typeof v === 'number' ? round(v, 4) : v])),
    jpeg: { bytes: result.jpeg.length, quality: result.jpegQuality, fitsLimit: result.jpegFits, maxKb: result.options.maxJpegKb },
    png: { bytes: result.png.length },
    enhancement: result.enhancement,
    restoration: result.restoration,
    timings: result.timings,
    cutout: result.cutout,
    framing: { marginUsed: round(result.framing.marginUsed, 3), adjusted: result.framing.adjusted },
    warnings: result.warnings,
    backend: result.backend,
    options: result.options,
  };
}

export type PortraitReport = ReturnType<typeof toPortraitReport>;
