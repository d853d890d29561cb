import os from 'node:os';
import type Router from '@koa/router';
import { DEVICES, type Device, type ModelManifest } from '@facecraft/core';
import type { ServerConfig } from '../config.js';
import type { JobLimiter } from '../jobs/job-limiter.js';
import type { PortraitService } from '../jobs/portrait-service.js';
import type { Statistics } from '../jobs/statistics.js';
import type { PoolView } from '../workers/worker-pool.js';
import { checked } from '../schema/json-schema.js';
import { HEALTH, READY, STATUS } from './health-responses.js';
import { createRouter, routerPath, type RouteSpec } from './route-spec.js';
import { hugePageMalloc } from '../huge-page-malloc.js';

export interface HealthRouteDeps {
  readonly config: ServerConfig;
  readonly pool: PoolView;
  readonly limiter: JobLimiter;
  readonly stats: Statistics;
  readonly service: PortraitService;
  readonly manifest: ModelManifest;
  readonly version: string;
  readonly startedAt: number;
}

export const healthRouteSpecs = {
  health: {
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness: the process answers',
    tags: ['health'],
    secured: false,
    responses: { 200: { description: 'Alive', kind: 'json', schema: 'Health' } },
  },
  ready: {
    method: 'get',
    path: '/ready',
    operationId: 'ready',
    summary: 'Readiness: every worker has loaded its models',
    tags: ['health'],
    secured: false,
    responses: {
      200: { description: 'Ready to process', kind: 'json', schema: 'Ready' },
      503: { description: 'Still loading, a worker is being replaced, the models could not be loaded, or shutting down', kind: 'json', schema: 'Ready' },
    },
  },
  status: {
    method: 'get',
    path: '/status',
    operationId: 'status',
    summary: 'Version, uptime, device, backend per model, models, queue, statistics, memory',
    tags: ['health'],
    secured: false,
    responses: { 200: { description: 'Status', kind: 'json', schema: 'Status' } },
  },
} as const satisfies Record<string, RouteSpec>;

export function createHealthRouter(deps: HealthRouteDeps): Router {
  const { config, pool, limiter, stats, service, manifest } = deps;
  const router = createRouter();
  // Set at process start (GLIBC_TUNABLES is read by glibc before any code runs): read once.
  const hugePages = hugePageMalloc();

  router.get(routerPath(healthRouteSpecs.health), (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = checked(HEALTH, { status: 'healthy' as const });
  });

  router.get(routerPath(healthRouteSpecs.ready), (ctx) => {
    const ready = pool.isReady && !service.stopping;
    ctx.set('Cache-Control', 'no-store');
    ctx.status = ready ? 200 : 503;
    if (!ready) ctx.set('Retry-After', '5');
    ctx.body = checked(READY, {
      ready,
      models_loaded: pool.readyWorkers > 0,
      workers: { ready: pool.readyWorkers, total: pool.size },
      ...(service.stopping ? { reason: 'shutting down' } : pool.loadError ? { reason: `models could not be loaded: ${pool.loadError.message.split('\n')[0]}` } : !ready ? { reason: 'loading models' } : {}),
    });
  });

  router.get(routerPath(healthRouteSpecs.status), (ctx) => {
    const info = pool.info;
    const s = stats.snapshot();
    const memory = process.memoryUsage();
    const runtimeOf = (id: string) => info?.runtimes.find((r) => r.model === id);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = checked(STATUS, {
      status: service.stopping ? 'stopping' : pool.loadError ? 'error' : pool.isReady ? 'operational' : 'starting',
      version: deps.version,
      uptime_seconds: Math.floor((Date.now() - deps.startedAt) / 1000),
      // Where jobs wait and results live (README: Running on several machines).
      deployment: { role: config.role, queue: config.queue, store: config.store },
      device: {
        type: info?.device ?? null,
        requested: config.device,
        // Only the first visible GPU is used (FACECRAFT_DEVICE's description says how to pick another).
        name: info ? (info.device === 'cuda' ? 'CUDA device 0' : (DEVICES[info.device as Device]?.label ?? null)) : null,
        notice: info?.notice ?? null,
        // Every backend and device the registry tried before this one, with its reason.
        failures: info?.failures ?? [],
      },
      backends: info?.runtimes.map((r) => ({ model: r.model, stage: r.stage, backend: r.backend, device: r.device, variant: r.variant })) ?? [],
      // The segmentation variant that runs, and what FACECRAFT_SEGMENTATION_VARIANT asked for.
      segmentation_variant: { running: info?.runtimes.find((r) => r.stage === 'segmentation')?.variant ?? null, requested: config.segmentationVariant },
      models: Object.fromEntries(
        manifest.models.map((m) => {
          const runtime = runtimeOf(m.id);
          return [
            m.id,
            {
              loaded: runtime !== undefined,
              type: m.stage,
              name: m.name,
              file: m.file,
              bytes: m.bytes,
              sha256: m.sha256,
              licence: m.licence,
              source: `${m.source.package}@${m.source.version}`,
              variant: m.weightType ?? 'float32',
              backend: runtime?.backend ?? null,
              device: runtime?.device ?? null,
            },
          ];
        }),
      ),
      workers: {
        configured: pool.size,
        ready: pool.readyWorkers,
        busy: pool.running,
        retiring: pool.retiring,
        recycled: pool.recycled,
        model_load_ms: info?.loadMs ?? null,
        // What the sessions run with (FACECRAFT_THREADS, else cores ÷ workers), beside the cores there are.
        threads_per_worker: info?.threads ?? null,
        threads_configured: config.threads ?? null,
        cores: os.availableParallelism(),
      },
      queue: { capacity: limiter.capacity, in_progress: limiter.inUse, running: pool.running, waiting: pool.waiting, max_concurrent_jobs: config.maxConcurrentJobs, queue_size: config.queueSize },
      statistics: {
        total: s.total,
        total_processed: s.total,
        succeeded: s.succeeded,
        failed: s.failed,
        rejected: s.rejected,
        success_rate: s.successRate,
        avg_processing_ms: s.averageMs,
        p95_processing_ms: s.p95Ms,
      },
      memory: {
        rss_bytes: memory.rss,
        heap_used_bytes: memory.heapUsed,
        external_bytes: memory.external,
        array_buffers_bytes: memory.arrayBuffers,
        huge_page_malloc: { active: hugePages.active, requested: hugePages.requested, kernel_mode: hugePages.kernelMode },
      },
    });
  });

  return router;
}
