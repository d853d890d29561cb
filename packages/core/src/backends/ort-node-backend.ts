import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
// Must come before onnxruntime-node: it sets the environment the native library reads at load.
import './ort-node-env.js';
import type { ModelEntry } from '../models/model-manifest.js';
import { firstLine, withFailures, type FailureLog } from './backend-failures.js';
import { BackendRegistry, type BackendRegistration } from './backend-registry.js';
import type { DeviceOf, DeviceRequest } from './devices.js';
import type { InferenceBackend } from './inference-backend.js';
import { createOrtSession, type OrtModule } from './ort-backend.js';
import { importOptionalPeer } from './optional-peer.js';
import { intraOpThreads } from './thread-policy.js';
import { variantPreferenceFor } from './variant-preference.js';

export type NodeDevice = DeviceRequest<'node'>;

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

/** Throws saying why the CUDA execution provider cannot run on this machine. */
async function assertCudaAvailable(ort: OrtNode): Promise<void> {
  const unavailable = (why: string) => new Error(`CUDA is not available (${why})`);
  if (process.platform !== 'linux' && process.platform !== 'win32') throw unavailable(`no CUDA build of onnxruntime for ${process.platform}`);
  if (process.platform === 'linux' && !existsSync(cudaProviderPath())) {
    throw unavailable('the onnxruntime CUDA provider is not installed (onnxruntime-node was installed with ONNXRUNTIME_NODE_INSTALL=skip)');
  }
  try {
    const session = await ort.InferenceSession.create(CUDA_PROBE_MODEL, { executionProviders: ['cuda'], logSeverityLevel: 3 });
    await session.release();
  } catch (error) {
    throw unavailable(firstLine(error));
  }
}

// An optional peer: loaded when a backend starts, so that importing @facecraft/core/node never fails for its absence.
const loadOrtNode = () => importOptionalPeer('onnxruntime-node', () => import('onnxruntime-node'));

/**
 * Session settings of every onnxruntime-node session (also read by the models' own tests, so
 * that they run the models as the pipeline does):
 *
 * force_spinning_stop: onnxruntime's pool threads keep spinning after a run returns, for the
 * next one; here the next thing to run is the pipeline's own JavaScript and sharp, which then
 * share the cores with them. Stopped when a run returns (and spinning again inside the next
 * run, where the many small operators need it): 918 → 875 ms a portrait, every fixture faster.
 *
 * x64quantprecision: on x86 without VNNI (SSE4.1, AVX2, AVX-512 before VNNI) the int8
 * ISNet's uint8 × int8 products are summed in pairs into a saturating 16-bit integer, and
 * our full-range weights overflow it: on an AVX2-only EPYC up to 3.1 % of ISNet's pixels
 * came out more than 0.1 from float32 (bench/isnet-int8-drift.mts), and a group portrait
 * kept a neighbour's ponytail (the core's cut-out test). The option makes onnxruntime run
 * such weights as uint8 × uint8 on those CPUs only, without the overflow (0.17 %, as the
 * WASM build), at about twice ISNet's time there; CPUs with VNNI and other platforms run
 * as before.
 */
export const ORT_NODE_SESSION_CONFIG: Readonly<Record<string, string>> = Object.freeze({ force_spinning_stop: '1', x64quantprecision: '1' });

function ortNodeBackend(ort: OrtNode, device: DeviceOf<'node'>, options: OrtNodeBackendOptions, failures: FailureLog): InferenceBackend {
  const executionProviders = device === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
  const threads = intraOpThreads({ cores: os.availableParallelism(), ...(options.threads !== undefined ? { override: options.threads } : {}) });
  return withFailures({
    name: 'ort-node',
    device,
    threads,
    variantPreference: variantPreferenceFor(device),
    load: (_model: ModelEntry, bytes: Uint8Array) =>
      createOrtSession(ort as unknown as OrtModule, bytes, {
        executionProviders,
        // onnxruntime's CPU arena grows to the largest run it has seen and never gives memory
        // back: two 4096² portraits pinned 5.7 GB for good. Without it a worker stays at its
        // working size (0.6 GB instead of 1.0 GB warm here). The cost: each run maps its
        // activations afresh and faults every page in, which with the int8 ISNet is 40 % of a
        // run with 4 KB pages (355–445 ms at 768² instead of 205–225 on a 2-core EPYC) and
        // nothing with huge pages: the service, the tests and the images run with glibc's malloc
        // asking for them (scripts/fast-malloc.sh, GLIBC_TUNABLES in the Dockerfiles).
        enableCpuMemArena: false,
        intraOpNumThreads: threads,
        extra: { session: { ...ORT_NODE_SESSION_CONFIG } },
      }, { backend: 'ort-node', device }),
  }, failures);
}

/**
 * onnxruntime-node's registrations: CUDA when the CUDA provider (installed in the GPU image by
 * onnxruntime-node's install script) loads on this machine, else the CPU.
 */
export const ORT_NODE_BACKENDS: readonly BackendRegistration<OrtNodeBackendOptions>[] = [
  {
    name: 'ort-node',
    device: 'cuda',
    priority: 100,
    async init(options, failures) {
      const ort = await loadOrtNode();
      await assertCudaAvailable(ort);
      return ortNodeBackend(ort, 'cuda', options, failures);
    },
  },
  { name: 'ort-node', device: 'cpu', priority: 10, init: async (options, failures) => ortNodeBackend(await loadOrtNode(), 'cpu', options, failures) },
];

/** onnxruntime-node on the best device `options.device` allows (see BackendRegistry.candidates). */
export function createOrtNodeBackend(options: OrtNodeBackendOptions = {}): Promise<InferenceBackend> {
  return new BackendRegistry('node', ORT_NODE_BACKENDS).resolve(options.device ?? 'auto', options);
}
