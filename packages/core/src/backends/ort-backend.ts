import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-common';
import type { Device } from './devices.js';
import type { InferenceSession, Tensor } from './inference-backend.js';

/**
 * The part of the onnxruntime API that onnxruntime-node and onnxruntime-web share: both
 * packages implement onnxruntime-common, so one adapter serves the server and the browser.
 */
export interface OrtModule {
  InferenceSession: { create(bytes: Uint8Array, options?: OrtSession.SessionOptions): Promise<OrtSession> };
  Tensor: new (type: 'float32' | 'uint8' | 'int32', data: Float32Array | Uint8Array | Int32Array, dims: readonly number[]) => OrtTensor;
}

function toOrtTensor(ort: OrtModule, tensor: Tensor): OrtTensor {
  const type = tensor.data instanceof Float32Array ? 'float32' : tensor.data instanceof Int32Array ? 'int32' : 'uint8';
  return new ort.Tensor(type, tensor.data, tensor.dims);
}

function fromOrtTensor(tensor: OrtTensor): Tensor {
  const data = tensor.data;
  if (!(data instanceof Float32Array || data instanceof Uint8Array || data instanceof Int32Array)) {
    throw new TypeError(`Unsupported output tensor type ${tensor.type}`);
  }
  return { dims: [...tensor.dims], data };
}

export async function createOrtSession(
  ort: OrtModule,
  bytes: Uint8Array,
  options: OrtSession.SessionOptions,
  labels: { backend: string; device: Device },
): Promise<InferenceSession> {
  const session = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, graphOptimizationLevel: 'all', ...options });
  return {
    backend: labels.backend,
    device: labels.device,
    async run(feeds, outputNames) {
      const ortFeeds: Record<string, OrtTensor> = {};
      for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(ort, tensor);
      const results = outputNames ? await session.run(ortFeeds, outputNames as string[]) : await session.run(ortFeeds);
      const out: Record<string, Tensor> = {};
      for (const [name, tensor] of Object.entries(results)) {
        out[name] = fromOrtTensor(tensor);
        // GPU-resident outputs are downloaded by `data`; free the runtime copy right away.
        tensor.dispose?.();
      }
      for (const tensor of Object.values(ortFeeds)) tensor.dispose?.();
      return out;
    },
    release: () => session.release(),
  };
}
