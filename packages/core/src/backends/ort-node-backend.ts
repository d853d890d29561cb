import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
// Must come before onnxruntime-node: it sets the environment the native library reads at load.
import './ort-node-env.js';
import type { ModelEntry } from '../models/model-manifest.js';
import type { InferenceBackend } from './inference-backend.js';
import { createOrtSession, type OrtModule } from './ort-backend.js';
import { importOptionalPeer } from './optional-peer.js';
import { intraOpThreads } from './thread-policy.js';
import { variantPreferenceFor } from './variant-preference.js';

export type NodeDevice = 'auto' | 'cpu' | 'cuda';

export interface OrtNodeBackendOptions {
  /** 'auto' uses CUDA when its provider loads, else the CPU; 'cuda' does the same but says so loudly. */
  device?: NodeDevice;
  /** Intra-op threads per session (default: every available core, see thread-policy.ts). */
  threads?: number;
}

// A 68-byte ONNX model with one Identity node (float32 [1] → [1]): enough to ask onnxruntime
// whether the CUDA execution provider can be created, before any real model is read.
const CUDA_PROBE_MODEL = Uint8Array.from(
  atob('CAc6OgoTCgF4EgF5GgF5IghJZGVudGl0eRIBZ1oPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0='),
  (c) => c.charCodeAt(0),
);

/** Where onnxruntime-node's install script puts the CUDA provider (absent when it was skipped). */
function cudaProviderPath(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
}

type OrtNode = typeof import('onnxruntime-node');

async function cudaAvailable(ort: OrtNode): Promise<string | undefined> {
  if (process.platform !== 'linux' && process.platform !== 'win32') return `no CUDA build of onnxruntime for ${process.platform}`;
  if (process.platform === 'linux' && !existsSync(cudaProviderPath())) {
    return 'the onnxruntime CUDA provider is not installed (onnxruntime-node was installed with ONNXRUNTIME_NODE_INSTALL=skip)';
  }
  try {
    const session = await ort.InferenceSession.create(CUDA_PROBE_MODEL, { executionProviders: ['cuda'], logSeverityLevel: 3 });
    await session.release();
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/**
 * onnxruntime-node on the CPU, or on CUDA when the CUDA provider (installed in the GPU image
 * by onnxruntime-node's install script) loads on this machine.
 */
export async function createOrtNodeBackend(options: OrtNodeBackendOptions = {}): Promise<InferenceBackend> {
  const requested = options.device ?? 'auto';
  // An optional peer: loaded here, so that importing @facecraft/core/node never fails for its absence.
  const ort = await importOptionalPeer('onnxruntime-node', () => import('onnxruntime-node'));
  let device: 'cpu' | 'cuda' = 'cpu';
  let notice: string | undefined;
  if (requested !== 'cpu') {
    const failure = await cudaAvailable(ort);
    if (failure === undefined) device = 'cuda';
    else notice = `CUDA is not available (${failure}); running on the CPU`;
  }
  const executionProviders = device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
  const threads = intraOpThreads({ cores: os.availableParallelism(), ...(options.threads !== undefined ? { override: options.threads } : {}) });
  return {
    name: 'ort-node',
    device,
    threads,
    variantPreference: variantPreferenceFor(device),
    ...(notice ? { notice } : {}),
    load: (_model: ModelEntry, bytes: Uint8Array) =>
      createOrtSession(ort as unknown as OrtModule, bytes, {
        executionProviders,
        // onnxruntime's CPU arena grows to the largest run it has seen and never gives memory
        // back: two 4096² portraits pinned 5.7 GB for good. Without it a worker stays at its
        // working size (0.6 GB instead of 1.0 GB warm here) at no measurable cost in speed.
        enableCpuMemArena: false,
        intraOpNumThreads: threads,
      }, { backend: 'ort-node', device }),
  };
}
