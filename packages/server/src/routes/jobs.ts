import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type { ServerConfig } from '../config.js';
import { badRequest, HttpError, notFound } from '../errors.js';
import { JOB_ID_PATTERN, newJobId } from '../jobs/job-id.js';
import { JobNotFoundError, type DownloadFormat } from '../jobs/job-store.js';
import type { PortraitService } from '../jobs/portrait-service.js';
import type { Logger } from '../logger.js';
import { multipart, type MultipartState } from '../middleware/multipart.js';
import type { JobQueue, JobStatus } from '../queue/job-queue.js';
import type { ResultStore } from '../store/result-store.js';
import { downloadUrl } from './portrait-response.js';
import { processFields, toPortraitOptions } from './process-fields.js';
import { addRoute, checkParams, createRouter, parseFields, type ParamSpec, type RouteSpec } from './route-spec.js';
import { checked, type SchemaValue } from '../schema/json-schema.js';
import { DELETE_RESPONSE, JOB_ACCEPTED, JOB_STATUS } from './job-responses.js';

const JOB_ID: ParamSpec = { description: 'A job id returned by a processing request (a lower-case UUID)', pattern: JOB_ID_PATTERN, onInvalid: 'not_found' };
const FORMAT: ParamSpec = { description: 'png (transparent) or jpg (on the background colour; jpeg is accepted too)', pattern: /^(png|jpg|jpeg)$/, enum: ['png', 'jpg'], onInvalid: 'bad_request' };
const INDEX: ParamSpec = { description: 'Position of the file in the batch request, from 0', pattern: /^(0|[1-9]\d{0,3})$/, onInvalid: 'not_found' };
const NOT_FOUND = { description: 'Unknown job (or item), or an id that is not a job id', kind: 'json', schema: 'Error' } as const;
const PRESIGNED = { description: 'With FACECRAFT_STORE=s3 and FACECRAFT_S3_PRESIGNED_DOWNLOADS=true: the file is at Location, a presigned URL of the bucket valid 5 minutes', kind: 'redirect', headers: { Location: 'The presigned URL' } } as const;
const UNAUTHORIZED = { description: 'Missing or wrong API key (when FACECRAFT_API_KEY is set)', kind: 'json', schema: 'Error' } as const;

export const jobRouteSpecs = {
  download: {
    method: 'get',
    path: '/download/{job_id}/{format}',
    operationId: 'downloadResult',
    summary: 'Download the PNG or JPEG of a job',
    tags: ['jobs'],
    secured: true,
    params: { job_id: JOB_ID, format: FORMAT },
    responses: {
      200: { description: 'The image, as an attachment', kind: 'image', headers: { 'Content-Disposition': 'attachment; filename="portrait-<job_id>.<format>"' } },
      302: PRESIGNED,
      400: { description: 'Unknown format', kind: 'json', schema: 'Error' },
      401: UNAUTHORIZED,
      404: NOT_FOUND,
    },
  },
  downloadItem: {
    method: 'get',
    path: '/download/{job_id}/{index}/{format}',
    operationId: 'downloadBatchItem',
    summary: 'Download the PNG or JPEG of one item of a batch job',
    tags: ['jobs'],
    secured: true,
    params: { job_id: JOB_ID, index: INDEX, format: FORMAT },
    responses: {
      200: { description: 'The image, as an attachment', kind: 'image', headers: { 'Content-Disposition': 'attachment; filename="portrait-<job_id>-<index>.<format>"' } },
      302: PRESIGNED,
      400: { description: 'Unknown format', kind: 'json', schema: 'Error' },
      401: UNAUTHORIZED,
      404: NOT_FOUND,
    },
  },
  status: {
    method: 'get',
    path: '/jobs/{job_id}',
    operationId: 'getJob',
    summary: 'State of a job: waiting, active, completed or failed, with its progress, result URLs or error',
    description: 'Any API replica answers for any job (with FACECRAFT_QUEUE=bullmq the state is on Redis, the result in the store). A finished job whose queue entry has expired is still found by its stored result.',
    tags: ['jobs'],
    secured: true,
    params: { job_id: JOB_ID },
    responses: { 200: { description: 'The job', kind: 'json', schema: 'JobStatus' }, 401: UNAUTHORIZED, 404: NOT_FOUND, 503: { description: 'The job queue (Redis) cannot be reached', kind: 'json', schema: 'Error' } },
  },
  remove: {
    method: 'delete',
    path: '/jobs/{job_id}',
    operationId: 'deleteJob',
    summary: 'Delete a job and its files',
    tags: ['jobs'],
    secured: true,
    params: { job_id: JOB_ID },
    responses: { 200: { description: 'Deleted', kind: 'json', schema: 'DeleteResponse' }, 401: UNAUTHORIZED, 404: NOT_FOUND },
  },
} as const satisfies Record<string, RouteSpec>;

/** POST /jobs takes the same form fields as POST /process (they depend on the configuration). */
export function jobSubmitRouteSpec(config: ServerConfig) {
  return {
    method: 'post',
    path: '/jobs',
    operationId: 'submitJob',
    summary: 'Queue a portrait and get its job id at once (202)',
    description: 'The same fields as POST /process. The answer comes before the portrait is made: poll GET /jobs/{job_id} (any API replica) until its state is completed or failed, then download from png_url and jpg_url.',
    tags: ['jobs'],
    secured: true,
    multipart: { file: { name: 'file', description: 'The photo (JPEG, PNG, WebP, BMP, TIFF, GIF or AVIF)', maxCount: 1 }, fields: processFields(config) },
    responses: {
      202: { description: 'Queued', kind: 'json', schema: 'JobAccepted', headers: { Location: 'The job\'s status URL' } },
      400: { description: 'Bad options, malformed multipart body, or no file', kind: 'json', schema: 'Error' },
      401: UNAUTHORIZED,
      413: { description: 'File larger than FACECRAFT_MAX_UPLOAD_SIZE_MB, or more pixels than allowed', kind: 'json', schema: 'Error' },
      415: { description: 'Not a supported image (content sniffed by magic bytes)', kind: 'json', schema: 'Error' },
      503: { description: 'Not ready, full (memory queue), or the job queue (Redis) cannot be reached', kind: 'json', schema: 'Error', headers: { 'Retry-After': 'Seconds to wait before retrying' } },
    },
  } as const satisfies RouteSpec;
}

export interface JobsRouteDeps {
  readonly config: ServerConfig;
  readonly store: ResultStore;
  readonly queue: JobQueue;
  readonly service: PortraitService;
  readonly logger: Logger;
  readonly requireApiKey: Middleware;
}

/** The JSON of GET /jobs/{job_id}; a job found only in the store is a completed one. */
async function describeJob(store: ResultStore, id: string, status: JobStatus | undefined) {
  const state = status?.state ?? 'completed';
  const body: { -readonly [K in keyof SchemaValue<typeof JOB_STATUS>]: SchemaValue<typeof JOB_STATUS>[K] } = { job_id: id, state, progress: status?.progress ?? 100, attempts: status?.attempts ?? 1 };
  if (state === 'completed') {
    const result = await store.readResult(id);
    // A batch's files are its items': their URLs are in result.results.
    if (!Array.isArray((result as { results?: unknown } | null)?.results)) {
      body.png_url = downloadUrl(id, 'png');
      body.jpg_url = downloadUrl(id, 'jpg');
    }
    body.result = result;
  }
  if (status?.error) body.error = status.error;
  return body;
}

export function createJobsRouter(deps: JobsRouteDeps): Router {
  const { config, store, queue, service, logger, requireApiKey } = deps;
  const router = createRouter();
  const submitSpec = jobSubmitRouteSpec(config);

  const accepting: Middleware = async (_ctx, next) => {
    service.assertAccepting();
    await next();
  };
  addRoute(router, submitSpec, requireApiKey, accepting, multipart({ uploadDir: config.uploadDir, fileField: 'file', maxFiles: 1, maxFileBytes: config.maxUploadBytes, logger }), async (ctx: Context) => {
    const fields = parseFields(submitSpec.multipart.fields, (ctx.state.multipart as MultipartState).fields);
    const file = (ctx.state.multipart as MultipartState).files[0];
    if (!file) throw badRequest('missing_file', 'No image uploaded: send it as a file in the "file" field');
    let image;
    try {
      image = await service.readImage(file);
    } catch (error) {
      service.recordRefusedImage();
      throw error;
    }
    const id = newJobId();
    ctx.state.jobId = id;
    await queue.submit(id, image.guard, toPortraitOptions(fields));
    const statusUrl = `${ctx.path.replace(/\/$/, '')}/${id}`;
    ctx.status = 202;
    ctx.set('Location', statusUrl);
    ctx.body = checked(JOB_ACCEPTED, { job_id: id, state: 'waiting' as const, status_url: statusUrl });
  });

  addRoute(router, jobRouteSpecs.status, requireApiKey, async (ctx) => {
    checkParams(jobRouteSpecs.status, ctx.params);
    const id = ctx.params.job_id as string;
    ctx.state.jobId = id;
    const status = await queue.status(id);
    try {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await describeJob(store, id, status);
    } catch (error) {
      if (error instanceof JobNotFoundError) throw notFound('job_not_found', 'No job with this id');
      throw error;
    }
  });

  const download = (spec: RouteSpec) =>
    addRoute(router, spec, requireApiKey, async (ctx) => {
      checkParams(spec, ctx.params);
      const { job_id: jobId, format: rawFormat, index } = ctx.params as { job_id: string; format: string; index?: string };
      ctx.state.jobId = jobId;
      const format: DownloadFormat = rawFormat === 'png' ? 'png' : 'jpg';
      try {
        const presigned = await store.presignedDownloadUrl?.(jobId, format, index === undefined ? undefined : Number(index));
        if (presigned) {
          ctx.set('Cache-Control', 'private, no-store');
          ctx.redirect(presigned);
          return;
        }
        const file = await store.openDownload(jobId, format, index === undefined ? undefined : Number(index));
        ctx.type = file.contentType;
        ctx.length = file.size;
        ctx.set('Content-Disposition', `attachment; filename="${file.fileName}"`);
        ctx.set('Cache-Control', 'private, no-store');
        ctx.set('X-Content-Type-Options', 'nosniff');
        ctx.body = file.stream;
      } catch (error) {
        if (error instanceof JobNotFoundError) throw notFound('job_not_found', error.message);
        throw error;
      }
    });
  download(jobRouteSpecs.download);
  download(jobRouteSpecs.downloadItem);

  addRoute(router, jobRouteSpecs.remove, requireApiKey, async (ctx) => {
    checkParams(jobRouteSpecs.remove, ctx.params);
    const jobId = ctx.params.job_id as string;
    ctx.state.jobId = jobId;
    if (!(await store.delete(jobId))) throw new HttpError('job_not_found', 'No job with this id');
    ctx.body = checked(DELETE_RESPONSE, { success: true, job_id: jobId, message: `Job ${jobId} deleted` });
  });

  return router;
}
