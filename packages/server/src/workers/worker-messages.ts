import type { BackendFailure, DeviceRequest, GuardInfo, ModelRuntime, PortraitOptionsInput, PortraitReport, SerializedError, WeightType } from '@facecraft/core';

/** What a portrait worker is started with (workerData). */
export interface PortraitWorkerData {
  readonly modelsDir: string;
  readonly device: DeviceRequest<'node'>;
  /** onnxruntime intra-op threads per session. */
  readonly threads: number;
  /** A segmentation variant to run instead of the backend's preference. */
  readonly segmentationVariant?: WeightType;
}

/** Main thread → worker. The image's buffer is transferred, not copied. */
export interface ProcessRequest {
  readonly type: 'process';
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: PortraitOptionsInput;
  /** The header the main thread's upload check read, so that the worker does not read it again. */
  readonly guard?: GuardInfo;
}

export interface WorkerReady {
  readonly type: 'ready';
  readonly backend: string;
  readonly device: string;
  readonly notice?: string;
  /** Every device that could not start before this one (the backend registry's failures). */
  readonly failures?: readonly BackendFailure[];
  /** onnxruntime intra-op threads each session of this worker runs with (absent when the backend does not say). */
  readonly threads?: number;
  readonly runtimes: readonly ModelRuntime[];
  readonly loadMs: number;
}

export interface WorkerLoadFailed {
  readonly type: 'load-failed';
  readonly error: SerializedError;
}

export interface ProcessSucceeded {
  readonly type: 'done';
  readonly id: number;
  readonly ok: true;
  readonly png: Uint8Array;
  readonly jpeg: Uint8Array;
  readonly report: PortraitReport;
  /** Wall-clock time inside the worker. */
  readonly ms: number;
}

export interface ProcessFailed {
  readonly type: 'done';
  readonly id: number;
  readonly ok: false;
  readonly error: SerializedError;
  readonly ms: number;
}

/** Main thread → worker besides ProcessRequest: exit once the job in hand has ended. */
export interface WorkerClose {
  readonly type: 'close';
}

export type WorkerMessage = WorkerReady | WorkerLoadFailed | ProcessSucceeded | ProcessFailed;
