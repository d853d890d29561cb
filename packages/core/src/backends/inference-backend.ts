import type { ModelEntry, WeightType } from '../models/model-manifest.js';
import type { BackendFailure } from './backend-failures.js';
import type { Device } from './devices.js';

/** A dense tensor as the pipeline sees it: no runtime types leak past the backend. */
export interface Tensor {
  readonly dims: readonly number[];
  readonly data: Float32Array | Uint8Array | Int32Array;
}

/** One inference runtime on one device (DEVICES in devices.ts); made by a BackendRegistry. */
export interface InferenceBackend {
  readonly name: string;
  /** The device sessions are created for; may differ from what was asked (see `failures`). */
  readonly device: Device;
  /** Every device that could not start before this one, and every model moved off this device, in order. */
  readonly failures?: readonly BackendFailure[];
  /** `failures` in words, one line; absent when there were none. */
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
  readonly device: Device;
  run(feeds: Record<string, Tensor>, outputNames?: readonly string[]): Promise<Record<string, Tensor>>;
  release(): Promise<void>;
}
