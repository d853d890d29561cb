import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import multer from '@koa/multer';
import type { Context, Middleware, Next } from 'koa';
import { badRequest, HttpError, isStorageError, StorageError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * multipart/form-data on @koa/multer, with the service's guarantees around it:
 * - uploads stream into a fresh random folder under FACECRAFT_UPLOAD_DIR, named by multer with
 *   random hex (client file names never reach the filesystem); the folder is removed when the
 *   request ends, whatever happened;
 * - the size limit is enforced while the body streams (multer/busboy stop at the limit), and a
 *   Content-Length over the limit is refused before reading a byte;
 * - a client that sent `Expect: 100-continue` is told to go on only once the request has passed
 *   every earlier check (API key, readiness, room in the queue), so refusals cost it nothing.
 */
export interface UploadedFile {
  readonly field: string;
  /** The client's file name: for display in JSON only, never used as a path. */
  readonly clientName: string;
  /** Where multer stored it: <upload dir>/<random request folder>/<random hex>. */
  readonly path: string;
  readonly size: number;
}

export interface MultipartState {
  files: UploadedFile[];
  fields: Record<string, unknown>;
}

export interface MultipartOptions {
  readonly uploadDir: string;
  readonly fileField: string;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly logger: Logger;
}

/** Set on requests whose `Expect: 100-continue` is still unanswered (see start-server.ts). */
export const EXPECTS_CONTINUE = Symbol('facecraft.expectsContinue');
type ContinueRequest = IncomingMessage & { [EXPECTS_CONTINUE]?: boolean };

const FIELD_OVERHEAD_BYTES = 1024 * 1024;
/** A body declared up to this many times the limit is read and dropped so the client sees the 413; above, the connection is closed. */
const DRAIN_FACTOR = 4;

function formatMb(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(2)} MB`;
}

/** Reads and drops the rest of a request body, so the client reads our answer instead of a reset. */
function discardBody(req: IncomingMessage, timeoutMs = 30_000): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      req.off('end', done).off('close', done).off('error', done);
      resolve();
    }
    req.on('end', done).on('close', done).on('error', done);
    req.resume();
  });
}

function toHttpError(error: unknown, options: MultipartOptions): HttpError | StorageError {
  // The upload folder full or unwritable is the server's problem, not a malformed request.
  if (isStorageError(error)) return new StorageError('uploads', error);
  const code = (error as { code?: unknown })?.code;
  const field = (error as { field?: unknown })?.field;
  switch (code) {
    case 'LIMIT_FILE_SIZE':
      return new HttpError('file_too_large', `The file is larger than the limit of ${formatMb(options.maxFileBytes)}`);
    case 'LIMIT_FILE_COUNT':
      return badRequest('too_many_files', `At most ${options.maxFiles} file${options.maxFiles === 1 ? '' : 's'} per request`);
    case 'LIMIT_UNEXPECTED_FILE':
      return badRequest('unexpected_file_field', `Unexpected file field ${JSON.stringify(String(field ?? ''))}: send the image as "${options.fileField}"`);
    case 'LIMIT_FIELD_VALUE':
    case 'LIMIT_FIELD_KEY':
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return badRequest('malformed_multipart', `The form has too many or too large fields (${String(code)})`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return badRequest('malformed_multipart', `The multipart body could not be read: ${message.replace(/\s+/g, ' ').slice(0, 200)}`);
}

export function multipart(options: MultipartOptions): Middleware {
  const maxBody = options.maxFiles * options.maxFileBytes + FIELD_OVERHEAD_BYTES;
  const upload = multer({
    storage: multer.diskStorage({
      destination: (req, _file, cb) => cb(null, (req as IncomingMessage & { facecraftUploadDir?: string }).facecraftUploadDir ?? options.uploadDir),
      // multer's default file name: 16 random bytes in hex.
    }),
    limits: {
      fileSize: options.maxFileBytes,
      files: options.maxFiles,
      fields: 64,
      fieldSize: 64 * 1024,
      fieldNameSize: 200,
      parts: options.maxFiles + 64,
      headerPairs: 200,
    },
  });
  const parse = upload.fields([{ name: options.fileField, maxCount: options.maxFiles }]);

  return async function readMultipart(ctx: Context, next: Next) {
    const req = ctx.req as ContinueRequest & { facecraftUploadDir?: string };
    if (!ctx.is('multipart/form-data')) {
      throw badRequest('expected_multipart', `Send the image as multipart/form-data with a "${options.fileField}" field`);
    }
    const declared = Number(ctx.get('content-length') || NaN);
    if (Number.isFinite(declared) && declared > maxBody) {
      ctx.set('Connection', 'close');
      // Not told to continue: the client never sends the body. Otherwise read a modest excess away.
      if (!req[EXPECTS_CONTINUE] && declared <= maxBody * DRAIN_FACTOR) await discardBody(req);
      throw new HttpError('file_too_large', `The upload (${formatMb(declared)}) is larger than the limit of ${formatMb(options.maxFileBytes)} per file`);
    }
    if (req[EXPECTS_CONTINUE]) {
      req[EXPECTS_CONTINUE] = false;
      ctx.res.writeContinue();
    }

    const dir = path.join(options.uploadDir, randomBytes(16).toString('hex'));
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      throw isStorageError(error) ? new StorageError('uploads', error) : error;
    });
    req.facecraftUploadDir = dir;
    try {
      try {
        await parse(ctx, async () => {});
      } catch (error) {
        const mapped = toHttpError(error, options);
        if (mapped instanceof HttpError) options.logger.debug('multipart refused', { code: mapped.code, reason: (error as Error)?.message });
        throw mapped;
      }
      const stored = (ctx.files as Record<string, multer.File[]> | undefined)?.[options.fileField] ?? [];
      const state: MultipartState = {
        files: stored.map((f) => ({ field: f.fieldname, clientName: f.originalname ?? '', path: f.path, size: f.size })),
        fields: { ...((ctx.request as { body?: Record<string, unknown> }).body ?? {}) },
      };
      ctx.state.multipart = state;
      await next();
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  };
}
