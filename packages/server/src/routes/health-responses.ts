import { ALL_DEVICES, devicesOf, WEIGHT_TYPES } from '@facecraft/core';
import { anyObject, array, boolean, integer, nullable, number, object, oneOf, record, string } from '../schema/json-schema.js';
import { MODEL_RUNTIMES } from './portrait-response.js';

/*
 * The bodies of /health, /ready and /status as schemas: health.ts builds each body checked
 * against its schema, and /openapi.json publishes these objects.
 */
export const HEALTH = object({ status: oneOf(['healthy']) }, ['status']);

export const READY = object(
  {
    ready: boolean(),
    models_loaded: boolean(),
    workers: object({ ready: integer(), total: integer() }),
    reason: string(),
  },
  ['ready', 'models_loaded'],
);

const backendFailure = object(
  { backend: string(), device: oneOf(ALL_DEVICES), reason: string() },
  ['backend', 'device', 'reason'],
);

export const STATUS = object(
  {
    status: oneOf(['operational', 'starting', 'stopping', 'error']),
    version: string(),
    uptime_seconds: integer(),
    deployment: object(
      { role: oneOf(['all', 'api', 'worker']), queue: oneOf(['memory', 'bullmq']), store: oneOf(['fs', 's3']) },
      [],
      { description: 'FACECRAFT_ROLE, FACECRAFT_QUEUE and FACECRAFT_STORE of this process' },
    ),
    device: object({
      type: nullable(string({ enum: [...ALL_DEVICES, null] })),
      requested: oneOf(['auto', ...devicesOf('node')]),
      name: nullable(string()),
      notice: nullable(string()),
      failures: array(backendFailure, { description: 'Every backend and device tried before the one that runs, best first, with the reason it could not start' }),
    }),
    backends: MODEL_RUNTIMES,
    segmentation_variant: object({
      running: nullable(string({ description: 'int8, float16 or float32; null until a worker is up' })),
      requested: string({ description: 'FACECRAFT_SEGMENTATION_VARIANT' }),
    }),
    models: record(
      object({
        loaded: boolean(),
        type: string(),
        name: string(),
        file: string(),
        bytes: integer(),
        sha256: string(),
        licence: string(),
        source: string(),
        variant: oneOf(WEIGHT_TYPES, { description: 'The weight type of this file: int8, float16 or float32' }),
        backend: nullable(string()),
        device: nullable(string()),
      }),
    ),
    workers: object({
      configured: integer(),
      ready: integer(),
      busy: integer({ description: 'Workers with a job in hand' }),
      retiring: integer({ description: 'Workers that timed out and are finishing their last call before they exit' }),
      recycled: integer({ description: 'Workers replaced so far because memory stood above FACECRAFT_WORKER_MAX_RSS_MB after a job' }),
      model_load_ms: nullable(number({ description: 'How long the first worker took to load the models' })),
      threads_per_worker: nullable(integer({ description: 'onnxruntime intra-op threads per worker session (null until a worker is up)' })),
      threads_configured: nullable(integer({ description: 'FACECRAFT_THREADS, or null for max(1, floor(cores / workers))' })),
      cores: integer({ description: 'Cores available to the process' }),
    }),
    queue: anyObject({ description: 'Admission: capacity, images in progress, running and waiting on the workers, and the limits that set them' }),
    statistics: object(
      {
        total: integer(),
        total_processed: integer(),
        succeeded: integer(),
        failed: integer(),
        rejected: integer({ description: 'Refused with 503 for lack of room' }),
        success_rate: number(),
        avg_processing_ms: number(),
        p95_processing_ms: number(),
      },
      ['total', 'succeeded', 'failed', 'success_rate', 'avg_processing_ms', 'p95_processing_ms'],
    ),
    memory: object({
      rss_bytes: integer(),
      heap_used_bytes: integer(),
      external_bytes: integer(),
      array_buffers_bytes: integer(),
      huge_page_malloc: object(
        {
          active: boolean({ description: "Large allocations (onnxruntime's activations) get transparent huge pages: segmentation about 40 % faster on the CPU" }),
          requested: boolean({ description: 'GLIBC_TUNABLES asked for them at process start (glibc.malloc.hugetlb=1)' }),
          kernel_mode: nullable(oneOf(['always', 'madvise', 'never'], { description: "The kernel's transparent huge page mode (/sys/kernel/mm/transparent_hugepage/enabled)" })),
        },
        ['active', 'requested', 'kernel_mode'],
      ),
    }),
  },
  ['status', 'version', 'uptime_seconds', 'device', 'models', 'statistics'],
);
