/** One model file of the manifest (`models/manifest.json`). */
export interface ModelEntry {
  readonly id: string;
  readonly stage: ModelStage;
  readonly name: string;
  readonly format: 'onnx';
  /** Element type of the stored weights: WebGPU needs the 'shader-f16' feature for float16; int8 is a QDQ model. */
  readonly weightType?: WeightType;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly licence: string;
  readonly source: { readonly package: string; readonly version: string; readonly [key: string]: unknown };
  readonly transform: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** The square input size the model was exported for (ISNet accepts other multiples of 32). */
  readonly inputSize: number;
  /**
   * Only browsers run it (the float32 ISNet, for WebGPU without 'shader-f16'): assembled where the
   * playground is served (a clone, the images), skipped by installModels() unless asked for by id.
   */
  readonly browserOnly?: boolean;
}

/** The variants a model may come in; backends declare which they prefer (variant-preference.ts). */
export type WeightType = 'float32' | 'float16' | 'int8';
export const WEIGHT_TYPES: readonly WeightType[] = ['float32', 'float16', 'int8'];

/** `person`: a person prior (whole body, neck and clothes included) next to the salient-object `segmentation`. */
export type ModelStage = 'detection' | 'landmarks' | 'segmentation' | 'person' | 'restoration';

export interface ModelManifest {
  readonly version: number;
  readonly models: readonly ModelEntry[];
}

const STAGES: readonly ModelStage[] = ['detection', 'landmarks', 'segmentation', 'person', 'restoration'];

/** Checks the shape of a parsed manifest so that a broken file fails with a precise message. */
export function parseModelManifest(json: unknown): ModelManifest {
  const fail = (message: string): never => {
    throw new TypeError(`Invalid model manifest: ${message}`);
  };
  if (typeof json !== 'object' || json === null) fail('expected an object');
  const { version, models } = json as { version?: unknown; models?: unknown };
  if (version !== 1) fail(`expected version 1 but received ${String(version)}`);
  if (!Array.isArray(models)) return fail('expected a models array');
  const ids = new Set<string>();
  for (const [index, model] of models.entries()) {
    const m = model as Partial<Record<keyof ModelEntry, unknown>>;
    const where = `models[${index}]`;
    for (const key of ['id', 'name', 'file', 'sha256', 'licence', 'transform'] as const) {
      if (typeof m[key] !== 'string' || (m[key] as string).length === 0) fail(`${where}.${key} must be a non-empty string`);
    }
    if (!STAGES.includes(m.stage as ModelStage)) fail(`${where}.stage must be one of ${STAGES.join(', ')}`);
    if (m.format !== 'onnx') fail(`${where}.format must be "onnx"`);
    if (m.weightType !== undefined && !WEIGHT_TYPES.includes(m.weightType as WeightType)) fail(`${where}.weightType must be one of ${WEIGHT_TYPES.join(', ')}`);
    if (!/^[a-f0-9]{64}$/.test(m.sha256 as string)) fail(`${where}.sha256 must be 64 hex digits`);
    if (!/^[A-Za-z0-9._-]+$/.test(m.file as string)) fail(`${where}.file must be a plain file name`);
    if (!Number.isInteger(m.bytes) || (m.bytes as number) <= 0) fail(`${where}.bytes must be a positive integer`);
    if (!Number.isInteger(m.inputSize) || (m.inputSize as number) <= 0) fail(`${where}.inputSize must be a positive integer`);
    if (!Array.isArray(m.inputs) || !Array.isArray(m.outputs)) fail(`${where}.inputs and .outputs must be arrays`);
    if (m.browserOnly !== undefined && typeof m.browserOnly !== 'boolean') fail(`${where}.browserOnly must be a boolean`);
    if (ids.has(m.id as string)) fail(`duplicate id ${String(m.id)}`);
    ids.add(m.id as string);
  }
  return json as ModelManifest;
}
