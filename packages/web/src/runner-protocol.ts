import type { BackendFailure, PortraitOptionsInput, PortraitReport, SerializedError, WebDevice, WeightType } from '@facecraft/core/web';
import type { EngineEvent, ModelRun } from './engine-types.js';

export interface RunnerConfig {
  /** Absolute URL of the folder with manifest.json and the model files. */
  readonly modelsUrl: string;
  /** Absolute URL of the folder with onnxruntime-web's .mjs/.wasm runtime files. */
  readonly wasmPaths: string;
  readonly device: WebDevice;
  /** ISNet variant to run instead of the device's preference (the playground's `?variant=`). */
  readonly segmentationVariant?: WeightType;
}

export interface RunnerInfo {
  /** Device the models ended up on: 'webgpu' or 'wasm' (per model in `runtimes`). */
  readonly device: string;
  readonly notice: string | undefined;
  /** Every device that could not start and every model moved off WebGPU, in order (the notice in parts). */
  readonly failures: readonly BackendFailure[];
  readonly runtimes: readonly ModelRun[];
  readonly crossOriginIsolated: boolean;
  readonly wasmThreads: number;
  /** Model bytes that came over the network during this load (0 when all came from Cache Storage). */
  readonly downloadedBytes: number;
  readonly modelBytes: number;
  readonly loadMs: number;
  readonly inWorker: boolean;
}

export interface RunnerOutput {
  readonly png: Uint8Array;
  readonly jpeg: Uint8Array;
  readonly report: PortraitReport;
}

/** The core's one serialised-error shape: its code is one of the error table's. */
export type { SerializedError } from '@facecraft/core/web';

export type ToWorker =
  | { readonly type: 'init'; readonly config: RunnerConfig }
  | { readonly type: 'process'; readonly id: number; readonly bytes: ArrayBuffer; readonly options: PortraitOptionsInput };

export type FromWorker =
  | { readonly type: 'event'; readonly event: EngineEvent }
  | { readonly type: 'ready'; readonly info: RunnerInfo }
  | { readonly type: 'init-failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly png: ArrayBuffer; readonly jpeg: ArrayBuffer; readonly report: PortraitReport }
  | { readonly type: 'failed'; readonly id: number; readonly error: SerializedError };
