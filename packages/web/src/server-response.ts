import type { Point } from '@facecraft/core';
import type { ModelRun, OutcomeFace, OutcomeMetrics, OutcomeWarning, OutcomeWindow } from './engine-types.js';

/**
 * Reads the JSON of POST /api/v1/process. The server keeps the original service's snake_case
 * field names; values nested under other names are looked up in both spellings so that the
 * page keeps working when the server adds or renames a summary field.
 */
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function field(obj: unknown, key: string): unknown {
  if (!isObject(obj)) return undefined;
  return obj[key] ?? obj[snake(key)];
}

function box(v: unknown): OutcomeFace['box'] | undefined {
  const src = isObject(field(v, 'box')) ? field(v, 'box') : v;
  const x = num(field(src, 'x'));
  const y = num(field(src, 'y'));
  const width = num(field(src, 'width'));
  const height = num(field(src, 'height'));
  return x === undefined || y === undefined || width === undefined || height === undefined ? undefined : { x, y, width, height };
}

function faces(v: unknown): OutcomeFace[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((f) => {
    const b = box(f);
    return b ? [{ box: b, score: num(field(f, 'score')) ?? num(field(f, 'confidence')) ?? 1 }] : [];
  });
}

function points(v: unknown): Point[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((p) => {
    const x = Array.isArray(p) ? num(p[0]) : num(field(p, 'x'));
    const y = Array.isArray(p) ? num(p[1]) : num(field(p, 'y'));
    return x === undefined || y === undefined ? [] : [{ x, y }];
  });
}

function window(v: unknown): OutcomeWindow | undefined {
  const keys = ['centerX', 'centerY', 'width', 'height', 'angleDegrees'] as const;
  const values = keys.map((k) => num(field(v, k)));
  if (values.some((x) => x === undefined)) return undefined;
  const [centerX, centerY, width, height, angleDegrees] = values as number[];
  return { centerX, centerY, width, height, angleDegrees };
}

function warnings(v: unknown): OutcomeWarning[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((w) => (isObject(w) && typeof w.code === 'string' && typeof w.message === 'string' ? [{ code: w.code, message: w.message }] : []));
}

function metrics(v: unknown): OutcomeMetrics {
  const keys = ['headHeightRatio', 'eyeLineFromTopRatio', 'eyeLineFromBottomRatio', 'eyeCenterOffsetRatio', 'rollBeforeDegrees', 'rollAfterDegrees', 'faceCount'] as const;
  return Object.fromEntries(keys.flatMap((k) => (num(field(v, k)) === undefined ? [] : [[k, num(field(v, k))]]))) as OutcomeMetrics;
}

function timings(v: unknown): Record<string, number> {
  if (!isObject(v)) return {};
  return Object.fromEntries(Object.entries(v).flatMap(([k, t]) => (num(t) === undefined ? [] : [[k, num(t) as number]])));
}

function runtimes(v: unknown): ModelRun[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r) => {
    const model = field(r, 'model');
    const device = field(r, 'device');
    if (typeof model !== 'string' || typeof device !== 'string') return [];
    const variant = field(r, 'variant');
    return [{ model, device, stage: String(field(r, 'stage') ?? ''), backend: String(field(r, 'backend') ?? ''), ...(typeof variant === 'string' ? { variant } : {}) }];
  });
}

export interface ServerSummary {
  readonly jobId: string | undefined;
  readonly pngUrl: string | undefined;
  readonly jpgUrl: string | undefined;
  readonly pngBase64: string | undefined;
  readonly jpgBase64: string | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly faces: OutcomeFace[];
  readonly subjectIndex: number;
  readonly landmarks: Point[];
  readonly window: OutcomeWindow | undefined;
  readonly metrics: OutcomeMetrics;
  readonly timings: Record<string, number>;
  readonly runtimes: ModelRun[];
  readonly jpegQuality: number | undefined;
  readonly jpegFits: boolean | undefined;
  readonly warnings: OutcomeWarning[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export function readServerResponse(body: unknown): ServerSummary {
  const face = field(body, 'faceData') ?? field(body, 'face') ?? {};
  const jpeg = field(body, 'jpeg');
  return {
    jobId: str(field(body, 'jobId')),
    pngUrl: str(field(body, 'pngUrl')),
    jpgUrl: str(field(body, 'jpgUrl')),
    pngBase64: str(field(body, 'pngBase64')) ?? str(field(body, 'imageBase64')),
    jpgBase64: str(field(body, 'jpgBase64')) ?? str(field(body, 'jpegBase64')),
    width: num(field(body, 'width')),
    height: num(field(body, 'height')),
    faces: faces(field(body, 'faces') ?? field(face, 'faces')),
    subjectIndex: num(field(body, 'subjectIndex')) ?? num(field(face, 'subjectIndex')) ?? 0,
    landmarks: points(field(body, 'landmarks') ?? field(face, 'landmarks')),
    window: window(field(body, 'window') ?? field(face, 'window')),
    metrics: metrics(field(body, 'metrics') ?? field(face, 'metrics')),
    timings: timings(field(body, 'timings')),
    runtimes: runtimes(field(body, 'backend') ?? field(body, 'runtimes')),
    jpegQuality: num(field(jpeg, 'quality')) ?? num(field(body, 'jpegQuality')),
    jpegFits: (field(jpeg, 'fitsLimit') ?? field(body, 'jpegFits')) as boolean | undefined,
    warnings: warnings(field(body, 'warnings')),
  };
}
