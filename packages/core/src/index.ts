/**
 * @facecraft/core — the platform-free part: the pipeline, written against abstract inference
 * backends, model sources and image codecs. `@facecraft/core/node` and `@facecraft/core/web`
 * add the onnxruntime-node / onnxruntime-web backends and the sharp / canvas codecs.
 */
export * from './error-table.js';
export * from './error-serialization.js';
export * from './errors.js';
export type { InferenceBackend, InferenceSession, Tensor } from './backends/inference-backend.js';
export { BackendRegistry, type BackendRegistration } from './backends/backend-registry.js';
export { FailureLog, withFailures, type BackendFailure } from './backends/backend-failures.js';
export {
  ALL_DEVICES,
  DEVICES,
  deviceChoicesText,
  devicesOf,
  isDevice,
  isDeviceRequest,
  type Device,
  type DeviceOf,
  type DevicePlatform,
  type DeviceRequest,
  type DeviceSpec,
} from './backends/devices.js';
export { intraOpThreads, type ThreadPolicyInput } from './backends/thread-policy.js';
export { parseModelManifest, WEIGHT_TYPES, type ModelEntry, type ModelManifest, type ModelStage, type WeightType } from './models/model-manifest.js';
export { chooseVariant, VARIANT_PREFERENCE, variantPreferenceFor, weightTypeOf, type VariantTarget } from './backends/variant-preference.js';
export { readVerifiedModel, type ModelSource } from './models/model-source.js';
export { sha256Hex } from './models/sha256.js';
export {
  createPortraitProcessor,
  type CreatePortraitProcessorOptions,
  type ModelRuntime,
  type PortraitAnalysis,
  type PortraitProcessor,
  type PortraitResult,
  type ProcessCallbacks,
} from './pipeline/portrait-processor.js';
export * from './options/index.js';
export { CUTOUT_MODES, type CutoutMode } from './pipeline/cutout/cut-out-subject.js';
export { describePortraitWarnings, MAX_ENLARGEMENT, PORTRAIT_WARNINGS, type PortraitWarning, type PortraitWarningCode } from './pipeline/portrait-warnings.js';
export type { FaceDetection } from './pipeline/detect-faces.js';
export { toPortraitReport, type PortraitReport } from './pipeline/portrait-report.js';
export { selectPortraitModels, type LoadModelsOptions, type ModelLoadProgress, type PortraitModelEntries, type PortraitModels } from './pipeline/load-models.js';
export type { EnhanceReport } from './pipeline/enhance-photo.js';
export type { StageTimings } from './pipeline/stage-timer.js';
export { eyeGeometry, LANDMARK_INDEX, type EyeGeometry } from './geometry/face-landmarks.js';
export type { PortraitMetrics } from './geometry/portrait-metrics.js';
export type { Box, Point } from './geometry/point.js';
export * from './image/index.js';
export * from './io/index.js';
