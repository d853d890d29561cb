import { DEVICES, type PortraitReport } from '@facecraft/core';
import type { EngineKind, PortraitOutcome } from './engine-types.js';

/** The kind shown for an in-browser result: WebGPU when the models ran there, else WASM. */
export function browserEngineKind(devices: readonly string[]): EngineKind {
  return DEVICES[devices.includes('webgpu') ? 'webgpu' : 'wasm'].label;
}

export function outcomeFromReport(report: PortraitReport, png: ArrayBuffer, jpeg: ArrayBuffer, totalMs: number): PortraitOutcome {
  return {
    engine: browserEngineKind(report.backend.map((b) => b.device)),
    png: new Blob([png], { type: 'image/png' }),
    jpeg: new Blob([jpeg], { type: 'image/jpeg' }),
    width: report.width,
    height: report.height,
    faces: report.faces.map((f) => ({ box: f.box, score: f.score })),
    subjectIndex: report.subjectIndex,
    landmarks: report.landmarks,
    window: report.window,
    metrics: report.metrics,
    timings: report.timings,
    totalMs,
    runtimes: report.backend,
    jpegQuality: report.jpeg.quality,
    jpegFits: report.jpeg.fitsLimit,
    warnings: report.warnings.map((w) => ({ code: w.code, message: w.message })),
    report,
  };
}
