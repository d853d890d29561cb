import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { HttpError, notFound } from '../errors.js';
import { JOB_ID_PATTERN } from '../jobs/job-id.js';
import { JobNotFoundError, type DownloadFormat, type JobStore } from '../jobs/job-store.js';
import { addRoute, checkParams, createRouter, type ParamSpec, type RouteSpec } from './route-spec.js';

const JOB_ID: ParamSpec = { description: 'A job id returned by a processing request (a lower-case UUID)', pattern: JOB_ID_PATTERN, onInvalid: 'not_found' };
const FORMAT: ParamSpec = { description: 'png (transparent) or jpg (on the background colour; jpeg is accepted too)', pattern: /^(png|jpg|jpeg)$/, enum: ['png', 'jpg'], onInvalid: 'bad_request' };
const INDEX: ParamSpec = { description: 'Position of the file in the batch request, from 0', pattern: /^(0|[1-9]\d{0,3})$/, onInvalid: 'not_found' };
const NOT_FOUND = { description: 'Unknown job (or item), or an id that is not a job id', kind: 'json', schema: 'Error' } as const;
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
      400: { description: 'Unknown format', kind: 'json', schema: 'Error' },
      401: UNAUTHORIZED,
      404: NOT_FOUND,
    },
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

export function createJobsRouter(store: JobStore, requireApiKey: Middleware): Router {
  const router = createRouter();

  const download = (spec: RouteSpec) =>
    addRoute(router, spec, requireApiKey, async (ctx) => {
      checkParams(spec, ctx.params);
      const { job_id: jobId, format: rawFormat, index } = ctx.params as { job_id: string; format: string; index?: string };
      ctx.state.jobId = jobId;
      const format: DownloadFormat = rawFormat === 'png' ? 'png' : 'jpg';
      try {
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
    ctx.body = { success: true, job_id: jobId, message: `Job ${jobId} deleted` };
  });

  return router;
}
