import path from 'node:path';
import type Router from '@koa/router';
import { FacecraftError, type GuardedImage } from '@facecraft/core';
import type { Context, Middleware } from 'koa';
import type { ServerConfig } from '../config.js';
import { badRequest, HttpError, mapError } from '../errors.js';
import { newJobId } from '../jobs/job-id.js';
import type { JobQueue } from '../queue/job-queue.js';
import { readDownload, type ResultStore } from '../store/result-store.js';
import type { PortraitService } from '../jobs/portrait-service.js';
import type { Logger } from '../logger.js';
import { multipart, type MultipartState } from '../middleware/multipart.js';
import type { PortraitJobResult } from '../workers/worker-pool.js';
import { processFields, quickFields, quickPortraitOptions, toPortraitOptions } from './process-fields.js';
import { batchItemResult, batchSummary, singleResponse, withoutBase64 } from './portrait-response.js';
import { apiPath } from './api-prefix.js';
import { addRoute, createRouter, parseFields, type RouteSpec } from './route-spec.js';

export interface ProcessRouteDeps {
  readonly config: ServerConfig;
  readonly service: PortraitService;
  readonly store: ResultStore;
  readonly logger: Logger;
  /** The API-key check every secured route starts with. */
  readonly requireApiKey: Middleware;
  /** On the bullmq queue: batches run as a parent job with one child per image. */
  readonly batchQueue?: Required<Pick<JobQueue, 'runBatch'>>;
}

const ERRORS = {
  400: { description: 'Bad options, malformed multipart body, or no file', kind: 'json', schema: 'Error' },
  401: { description: 'Missing or wrong API key (when FACECRAFT_API_KEY is set)', kind: 'json', schema: 'Error' },
  413: { description: 'File larger than FACECRAFT_MAX_UPLOAD_SIZE_MB, or more pixels than allowed', kind: 'json', schema: 'Error' },
  415: { description: 'Not a supported image (content sniffed by magic bytes), or an image that cannot be decoded', kind: 'json', schema: 'Error' },
  503: {
    description: 'Models still loading, queue full, or shutting down',
    kind: 'json',
    schema: 'Error',
    headers: { 'Retry-After': 'Seconds to wait before retrying' },
  },
  504: { description: 'Processing ran longer than FACECRAFT_JOB_TIMEOUT_S; the job was stopped and its worker replaced', kind: 'json', schema: 'Error' },
} as const;
const FACE_ERRORS = { 422: { description: 'No face found, or several faces under subject=single', kind: 'json', schema: 'Error' } } as const;

/** The route specs of this group; their fields are those the handlers parse. */
export function processRouteSpecs(config: ServerConfig) {
  const fields = processFields(config);
  const process = {
    method: 'post',
    path: '/process',
    operationId: 'processPortrait',
    summary: 'Make a portrait from one photo',
    description:
      'The original service\'s form fields plus the new options. The result is kept on disk under a new job id and can be downloaded from png_url and jpg_url (also returned inline with return_base64=true).',
    tags: ['processing'],
    secured: true,
    multipart: { file: { name: 'file', description: 'The photo (JPEG, PNG, WebP, BMP, TIFF, GIF or AVIF)', maxCount: 1 }, fields },
    responses: { 200: { description: 'The portrait was made', kind: 'json', schema: 'ProcessResponse' }, ...ERRORS, ...FACE_ERRORS },
  } as const satisfies RouteSpec;
  const quick = {
    method: 'post',
    path: '/process/quick',
    operationId: 'processQuick',
    summary: 'Make a square portrait and get the PNG back directly',
    tags: ['processing'],
    secured: true,
    multipart: { file: { name: 'file', description: 'The photo', maxCount: 1 }, fields: quickFields(config) },
    responses: { 200: { description: 'The transparent PNG portrait', kind: 'png' }, ...ERRORS, ...FACE_ERRORS },
  } as const satisfies RouteSpec;
  const batch = {
    method: 'post',
    path: '/process/batch',
    operationId: 'processBatch',
    summary: 'Make portraits from several photos',
    description: `Up to ${config.batchMaxFiles} files (FACECRAFT_BATCH_MAX_FILES) in repeated "files" fields, with the same options as ${apiPath('/process')} applied to each. Items run concurrently within the job limit; each one succeeds or carries its own error. Item results download from ${apiPath('/download/{job_id}/{index}/{format}')}.`,
    tags: ['processing'],
    secured: true,
    multipart: { file: { name: 'files', description: 'The photos', maxCount: config.batchMaxFiles }, fields },
    responses: { 200: { description: 'One result per file, in order', kind: 'json', schema: 'BatchResponse' }, ...ERRORS },
  } as const satisfies RouteSpec;
  return { process, quick, batch };
}

/** Only the base name, printable, at most 200 characters: for JSON, never for paths. */
function displayName(name: string): string {
  const base = path.win32.basename(path.posix.basename(name));
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
}

/**
 * Aborted when the client goes away before its answer is sent: a job still waiting is dropped.
 * A client that left while its upload was read is gone already: the signal starts aborted.
 */
function clientGone(ctx: Context): AbortSignal {
  const controller = new AbortController();
  const gone = () => controller.abort(new HttpError('client_closed', 'The client closed the connection'));
  if (ctx.res.destroyed || ctx.req.socket?.destroyed) gone();
  else {
    ctx.res.once('close', () => {
      if (!ctx.res.writableFinished) gone();
    });
  }
  return controller.signal;
}

export function createProcessRouter(deps: ProcessRouteDeps): Router {
  const { config, service, store, logger, requireApiKey, batchQueue } = deps;
  const specs = processRouteSpecs(config);
  const router = createRouter();

  const accepting: Middleware = async (_ctx, next) => {
    service.assertAccepting();
    await next();
  };
  const upload = (field: string, maxFiles: number) =>
    multipart({ uploadDir: config.uploadDir, fileField: field, maxFiles, maxFileBytes: config.maxUploadBytes, logger });

  const readOne = async (ctx: Context) => {
    const { files } = ctx.state.multipart as MultipartState;
    const file = files[0];
    if (!file) throw badRequest('missing_file', 'No image uploaded: send it as a file in the "file" field');
    try {
      return await service.readImage(file);
    } catch (error) {
      service.recordRefusedImage();
      throw error;
    }
  };

  addRoute(router, specs.process, requireApiKey, accepting, upload('file', 1), async (ctx) => {
    const started = performance.now();
    const fields = parseFields(specs.process.multipart.fields, (ctx.state.multipart as MultipartState).fields);
    const image = await readOne(ctx);
    const signal = clientGone(ctx);
    const job = await service.process(image.guard, toPortraitOptions(fields), signal);
    if (signal.aborted) throw signal.reason;
    const jobId = newJobId();
    ctx.state.jobId = jobId;
    const body = singleResponse(jobId, job, started, fields.return_base64);
    await store.saveSingle(jobId, { png: job.png, jpeg: job.jpeg, result: withoutBase64(body) });
    ctx.set('X-Job-Id', jobId);
    ctx.body = body;
  });

  addRoute(router, specs.quick, requireApiKey, accepting, upload('file', 1), async (ctx) => {
    const { size } = parseFields(specs.quick.multipart.fields, (ctx.state.multipart as MultipartState).fields);
    const image = await readOne(ctx);
    const job = await service.process(image.guard, quickPortraitOptions(size, config), clientGone(ctx));
    ctx.type = 'image/png';
    ctx.set('Content-Disposition', 'inline; filename="portrait.png"');
    ctx.set('X-Processing-Time-Ms', String(job.ms));
    ctx.body = Buffer.from(job.png.buffer, job.png.byteOffset, job.png.byteLength);
  });

  addRoute(router, specs.batch, requireApiKey, accepting, upload('files', config.batchMaxFiles), async (ctx) => {
    const started = performance.now();
    const state = ctx.state.multipart as MultipartState;
    const fields = parseFields(specs.batch.multipart.fields, state.fields);
    if (state.files.length === 0) throw badRequest('missing_file', 'No images uploaded: send them as files in repeated "files" fields');
    const options = toPortraitOptions(fields);
    const jobId = newJobId();
    ctx.state.jobId = jobId;

    if (batchQueue) {
      const files = state.files.map((file) => ({
        filename: displayName(file.clientName),
        load: async () => {
          try {
            return (await service.readImage(file)).bytes;
          } catch (error) {
            service.recordRefusedImage();
            throw error;
          }
        },
      }));
      const summary = (await batchQueue.runBatch(jobId, files, options, clientGone(ctx))) as ReturnType<typeof batchSummary<{ success: boolean; index: number }>>;
      const results = fields.return_base64
        ? await Promise.all(
            summary.results.map(async (r) =>
              r.success ? { ...r, png_base64: Buffer.from(await readDownload(store, jobId, 'png', r.index)).toString('base64'), jpg_base64: Buffer.from(await readDownload(store, jobId, 'jpg', r.index)).toString('base64') } : r,
            ),
          )
        : summary.results;
      ctx.set('X-Job-Id', jobId);
      ctx.body = { ...summary, processing_time_ms: Math.round(performance.now() - started), results };
      return;
    }

    interface Item {
      readonly index: number;
      readonly filename: string;
      job?: PortraitJobResult;
      error?: unknown;
    }
    const items: Item[] = state.files.map((file, index) => ({ index, filename: displayName(file.clientName) }));
    const signal = clientGone(ctx);
    // Admission first (processMany takes its places before any work), then each file is read
    // from disk only when its turn comes: a batch holds at most one image per place in memory.
    await service.processMany(items, async (item, run) => {
      // Nobody will read the answer: the items not started yet are not made.
      if (signal.aborted) {
        item.error = signal.reason;
        return;
      }
      let image: GuardedImage;
      try {
        image = (await service.readImage(state.files[item.index])).guard;
      } catch (error) {
        service.recordRefusedImage();
        item.error = error;
        return;
      }
      try {
        item.job = await run(image, options);
      } catch (error) {
        item.error = error;
        if (!(error instanceof FacecraftError) && mapError(error).unexpected) {
          logger.error('batch item failed', { job_id: jobId, index: item.index, error: (error as Error).message, stack: (error as Error).stack });
        }
      }
    });

    const resultOf = (item: Item, storageError?: unknown) => batchItemResult(jobId, storageError ? { ...item, job: undefined, error: storageError } : item, fields.return_base64);
    const summarize = (unsaved: ReadonlyMap<number, unknown>) =>
      batchSummary(
        jobId,
        items.map((item) => resultOf(item, unsaved.get(item.index))),
        performance.now() - started,
      );
    const withoutImages = (summary: ReturnType<typeof summarize>) => ({ ...summary, results: summary.results.map((r) => withoutBase64(r)) });
    // Nobody can learn this job's id: nothing is stored.
    if (signal.aborted) throw signal.reason;
    // Each item is kept or reported on its own: a disk filling up mid-batch costs only the items it could not hold.
    const unsaved = await store.saveBatch(
      jobId,
      items.map((item) => {
        const result = withoutBase64(resultOf(item));
        return { result, ...(item.job ? { portrait: { png: item.job.png, jpeg: item.job.jpeg, result } } : {}) };
      }),
      (failures) => withoutImages(summarize(failures)),
    );
    for (const [index, error] of unsaved) logger.error('batch item could not be stored', { job_id: jobId, index, error: error.message });
    const body = summarize(unsaved);
    ctx.set('X-Job-Id', jobId);
    ctx.body = body;
  });

  return router;
}
