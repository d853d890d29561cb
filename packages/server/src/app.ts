import Koa from 'koa';
import type { ModelManifest } from '@facecraft/core';
import type { ServerConfig } from './config.js';
import type { JobLimiter } from './jobs/job-limiter.js';
import type { ResultStore } from './store/result-store.js';
import type { JobQueue } from './queue/job-queue.js';
import { MemoryJobQueue } from './queue/memory-job-queue.js';
import type { PortraitService } from './jobs/portrait-service.js';
import type { Statistics } from './jobs/statistics.js';
import type { Logger } from './logger.js';
import { apiKeyCheck } from './middleware/api-key.js';
import { cors } from './middleware/cors.js';
import { errorMapper } from './middleware/error-mapper.js';
import { requestLogger } from './middleware/request-logger.js';
import { buildOpenApi } from './openapi.js';
import { createDocsRouter } from './routes/docs.js';
import { createHealthRouter } from './routes/health.js';
import { createJobsRouter } from './routes/jobs.js';
import { playground } from './routes/playground.js';
import { createProcessRouter } from './routes/process.js';
import { API_V1_PREFIX } from './routes/api-prefix.js';
import { createRouter } from './routes/route-spec.js';
import type { PoolView } from './workers/worker-pool.js';

export interface AppDeps {
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly pool: PoolView;
  readonly limiter: JobLimiter;
  readonly service: PortraitService;
  readonly store: ResultStore;
  /** POST/GET /api/v1/jobs: in this process (memory) or on Redis (bullmq). Default: memory, on `service`. */
  readonly queue?: JobQueue;
  readonly stats: Statistics;
  readonly manifest: ModelManifest;
  readonly version: string;
  readonly startedAt: number;
}

/**
 * The Koa application: `app.callback()` is a plain (req, res) handler, so tests and other
 * servers can use it without a port. Order: error mapper, request log, CORS, the API key on the
 * /api namespace (any spelling of it), then the playground's static files and the routers, whose
 * secured routes check the key again themselves.
 */
export function createApp(deps: AppDeps): Koa {
  const app = new Koa({ proxy: false });
  // Errors inside routes are answered by errorMapper; what reaches here is a stream failing
  // after the headers were sent, or a client that went away.
  app.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE' || error.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    deps.logger.warn('response failed', { error: error.message });
  });

  const openapi = buildOpenApi(deps.config, deps.version);
  const auth = apiKeyCheck(deps.config.apiKey);
  const batchQueue = deps.queue?.runBatch ? { runBatch: deps.queue.runBatch.bind(deps.queue) } : undefined;
  const api = createProcessRouter({ config: deps.config, service: deps.service, store: deps.store, logger: deps.logger, requireApiKey: auth.requireApiKey, ...(batchQueue ? { batchQueue } : {}) });
  const jobs = createJobsRouter({ config: deps.config, store: deps.store, queue: deps.queue ?? new MemoryJobQueue({ run: (bytes, options) => deps.service.process(bytes, options), store: deps.store, logger: deps.logger, beforeSubmit: () => deps.service.assertAccepting() }), service: deps.service, logger: deps.logger, requireApiKey: auth.requireApiKey });
  const health = createHealthRouter(deps);
  const docs = createDocsRouter(() => openapi);

  app.use(errorMapper(deps.logger));
  app.use(requestLogger(deps.logger));
  app.use(async (ctx, next) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    // While stopping, answers close their connection so keep-alive clients move on.
    if (deps.service.stopping) ctx.set('Connection', 'close');
    await next();
  });
  app.use(cors(deps.config.corsOrigins));
  app.use(auth.apiNamespaceGuard);
  app.use(playground({ dir: deps.config.playgroundDir, modelsDir: deps.config.modelsDir, manifest: deps.manifest }));
  // The versioned API: its routers nested under the one prefix.
  const apiV1 = createRouter(API_V1_PREFIX);
  apiV1.use(api.routes(), jobs.routes());
  for (const router of [health, docs, apiV1]) {
    app.use(router.routes());
    app.use(router.allowedMethods());
  }
  return app;
}
