import { ERROR_CODES, ERROR_TABLE, type Box, type DeviceOf, type DEVICES, type Point, type PortraitOptionsInput } from '@facecraft/core';

/** What made a portrait: the names the page shows (and tests look for): a browser device's label, or the server. */
export type EngineKind = (typeof DEVICES)[DeviceOf<'web'>]['label'] | 'Server';

export interface OutcomeFace {
  readonly box: Box;
  readonly score: number;
}

/** The rotated crop window in the photo (degrees: tilt of its top edge, clockwise on screen). */
export interface OutcomeWindow {
  readonly centerX: number;
  readonly centerY: number;
  readonly width: number;
  readonly height: number;
  readonly angleDegrees: number;
}

export interface OutcomeMetrics {
  readonly headHeightRatio?: number;
  readonly eyeLineFromTopRatio?: number;
  readonly eyeLineFromBottomRatio?: number;
  readonly eyeCenterOffsetRatio?: number;
  readonly rollBeforeDegrees?: number;
  readonly rollAfterDegrees?: number;
  readonly faceCount?: number;
}

export interface ModelRun {
  readonly model: string;
  readonly stage: string;
  readonly backend: string;
  readonly device: string;
  /** The model variant that ran: int8, float16 or float32 (absent from servers that do not say). */
  readonly variant?: string;
}

export interface OutcomeWarning {
  readonly code: string;
  readonly message: string;
}

export interface PortraitOutcome {
  readonly engine: EngineKind;
  readonly png: Blob;
  readonly jpeg: Blob;
  readonly width: number;
  readonly height: number;
  readonly faces: readonly OutcomeFace[];
  readonly subjectIndex: number;
  /** The subject's 68 landmarks in the (upright) photo's pixels; empty when unknown. */
  readonly landmarks: readonly Point[];
  readonly window: OutcomeWindow | undefined;
  readonly metrics: OutcomeMetrics;
  /** Per-stage milliseconds as the engine measured them. */
  readonly timings: Readonly<Record<string, number>>;
  /** Wall-clock milliseconds the page waited, from request to result. */
  readonly totalMs: number;
  readonly runtimes: readonly ModelRun[];
  readonly jpegQuality: number | undefined;
  readonly jpegFits: boolean | undefined;
  /** What to know about a portrait that was still made (e.g. the photo's edge cutting the subject). */
  readonly warnings: readonly OutcomeWarning[];
  /** The engine's own JSON summary, for "Copy report". */
  readonly report: unknown;
}

export type ModelPhase = 'download' | 'verify' | 'compile' | 'ready';

export type EngineEvent =
  | { readonly type: 'model'; readonly model: string; readonly phase: ModelPhase; readonly loaded: number; readonly total: number }
  | { readonly type: 'stage'; readonly stage: string; readonly phase: 'start' | 'end' }
  | { readonly type: 'upload'; readonly loaded: number; readonly total: number };

/** An error with the pipeline's (or the server's) code: no_face, invalid_image, image_too_large, … */
export class PlaygroundError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PlaygroundError';
    this.code = code;
  }
}

/** Codes that describe the photo or the options, not a failure of the engine: the table's pipeline codes below 500. */
export const USER_ERROR_CODES: ReadonlySet<string> = new Set(ERROR_CODES.filter((code) => ERROR_TABLE[code].kind === 'pipeline' && ERROR_TABLE[code].status < 500));

export interface PortraitEngine {
  process(photo: Blob, options: PortraitOptionsInput, onEvent: (event: EngineEvent) => void): Promise<PortraitOutcome>;
}
