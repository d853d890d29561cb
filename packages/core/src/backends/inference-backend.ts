import type { ModelEntry, WeightType } from '../models/model-manifest.js';

/** A dense tensor as the pipeline sees it: no runtime types leak past the backend. */
export interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float32Array | Uint8Array | Int32Array;
}

/** One inference runtime on one device ('ort-node' on 'cpu' or 'cuda', 'ort-web' on 'webgpu' or 'wasm'). */
export interface InferenceBackend {
  readonly name: string;
  /** The device sessions are created for; may differ from what was asked (see `notice`). */
  readonly device: string;
  /** Set when the backend fell back from the requested device, saying why. */
  readonly notice?: string;
  /** Intra-op threads each session runs with, where the backend sets them. */
  readonly threads?: number;
  /** Model variants this backend runs best, most preferred first (from VARIANT_PREFERENCE). */
  readonly variantPreference?: readonly WeightType[];
  load(model: ModelEntry, bytes: Uint8Array): Promise<InferenceSession>;
}

export interface InferenceSession {
  /** Which backend/device this session actually runs on. */
  readonly backend: string;
  readonly device: string;
  run(feeds: Record<string, Tensor>, outputNames?: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}
