import { ALL_DEVICES, describePortraitWarnings, devicesOf, ERROR_CODES, ERROR_TABLE, PORTRAIT_WARNINGS } from '@facecraft/core';
import type { ServerConfig } from './config.js';
import { docsRouteSpecs } from './routes/docs.js';
import { healthRouteSpecs } from './routes/health.js';
import { jobRouteSpecs, jobSubmitRouteSpec } from './routes/jobs.js';
import { processRouteSpecs } from './routes/process.js';
import { API_V1_PREFIX } from './routes/api-prefix.js';
import { underPrefix, type FieldSpec, type ResponseSpec, type RouteSpec } from './routes/route-spec.js';

/**
 * The OpenAPI 3.0 document, derived from the same route specs the handlers validate with: a
 * field, its range and its default exist once. Response bodies are described by the schemas
 * below (tests compare real responses with them).
 */
export function allRouteSpecs(config: ServerConfig): RouteSpec[] {
  return [
    ...Object.values(healthRouteSpecs),
    ...underPrefix(API_V1_PREFIX, [...Object.values(processRouteSpecs(config)), ...Object.values(jobRouteSpecs), jobSubmitRouteSpec(config)]),
    ...Object.values(docsRouteSpecs),
  ];
}

type Schema = Record<string, unknown>;

function fieldSchema(spec: FieldSpec): Schema {
  const base: Schema = { description: spec.description, default: spec.default };
  switch (spec.type) {
    case 'boolean':
      return { type: 'boolean', ...base, description: `${spec.description} Accepts true/false, 1/0, yes/no.` };
    case 'string':
      return { type: 'string', enum: [...spec.enum], ...base };
    case 'integer':
      return { type: 'integer', minimum: spec.minimum, maximum: spec.maximum, ...(spec.multipleOf ? { multipleOf: spec.multipleOf } : {}), ...base };
    case 'number':
      return { type: 'number', minimum: spec.minimum, maximum: spec.maximum, ...base };
  }
}

function responseObject(response: ResponseSpec): Schema {
  const headers = response.headers
    ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }])) }
    : {};
  const binary = { schema: { type: 'string', format: 'binary' } };
  switch (response.kind) {
    case 'json':
      return { description: response.description, ...headers, content: { 'application/json': { schema: response.schema ? { $ref: `#/components/schemas/${response.schema}` } : { type: 'object' } } } };
    case 'png':
      return { description: response.description, ...headers, content: { 'image/png': binary } };
    case 'jpeg':
      return { description: response.description, ...headers, content: { 'image/jpeg': binary } };
    case 'image':
      return { description: response.description, ...headers, content: { 'image/png': binary, 'image/jpeg': binary } };
    case 'html':
      return { description: response.description, ...headers, content: { 'text/html': { schema: { type: 'string' } } } };
    case 'redirect':
      return { description: response.description, headers: { Location: { schema: { type: 'string' } } } };
    case 'none':
      return { description: response.description, ...headers };
  }
}

function operation(spec: RouteSpec, secured: boolean): Schema {
  const op: Schema = {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [...spec.tags],
    responses: Object.fromEntries(Object.entries(spec.responses).map(([status, r]) => [status, responseObject(r)])),
  };
  if (spec.params) {
    op.parameters = Object.entries(spec.params).map(([name, p]) => ({
      name,
      in: 'path',
      required: true,
      description: p.description,
      schema: p.enum ? { type: 'string', enum: [...p.enum] } : { type: 'string', pattern: p.pattern.source },
    }));
  }
  if (spec.multipart) {
    const { file, fields } = spec.multipart;
    const fileSchema = file.maxCount === 1
      ? { type: 'string', format: 'binary', description: file.description }
      : { type: 'array', items: { type: 'string', format: 'binary' }, minItems: 1, maxItems: file.maxCount, description: file.description };
    op.requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: [file.name],
            properties: { [file.name]: fileSchema, ...Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, fieldSchema(f)])) },
          },
          ...(file.maxCount > 1 ? { encoding: { [file.name]: { style: 'form', explode: true } } } : {}),
        },
      },
    };
  }
  // With a key configured the document-wide security applies; the open routes opt out.
  if (secured && !spec.secured) op.security = [];
  return op;
}

const box = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' } } };
const point = { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } } };

const portraitProperties: Record<string, Schema> = {
  result: {
    type: 'object',
    description: 'The original service\'s summary',
    properties: {
      face_detected: { type: 'boolean' },
      face_count: { type: 'integer' },
      face_position: { ...box, nullable: true, description: 'The portrayed face in the photo, pixels' },
      output_size: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
      file_size_bytes: { type: 'integer', description: 'Size of the JPEG' },
    },
  },
  width: { type: 'integer' },
  height: { type: 'integer' },
  input: { type: 'object', properties: { format: { type: 'string' }, width: { type: 'integer' }, height: { type: 'integer' }, orientation: { type: 'integer' } } },
  face_count: { type: 'integer' },
  subject_index: { type: 'integer', description: 'Which of `faces` is portrayed' },
  faces: { type: 'array', items: { type: 'object', properties: { box, score: { type: 'number' }, keypoints: { type: 'array', items: point } } } },
  landmarks: { type: 'array', items: point, description: 'The subject\'s 68 landmarks in the photo (dlib layout)' },
  window: {
    type: 'object',
    properties: { center_x: { type: 'number' }, center_y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' }, angle_degrees: { type: 'number' } },
  },
  metrics: {
    type: 'object',
    properties: {
      head_height_ratio: { type: 'number' },
      crown_source: { type: 'string', enum: ['mask', 'landmarks'] },
      eye_line_from_top_ratio: { type: 'number' },
      eye_line_from_bottom_ratio: { type: 'number' },
      eye_center_offset_ratio: { type: 'number' },
      roll_before_degrees: { type: 'number' },
      roll_after_degrees: { type: 'number' },
      face_count: { type: 'integer' },
    },
  },
  jpeg: { type: 'object', properties: { bytes: { type: 'integer' }, quality: { type: 'integer' }, fits_limit: { type: 'boolean' }, max_kb: { type: 'number' } } },
  jpeg_quality: { type: 'integer' },
  jpeg_size_kb: { type: 'number' },
  png: { type: 'object', properties: { bytes: { type: 'integer' } } },
  enhancement: { type: 'object', nullable: true },
  restoration: { type: 'string', enum: ['applied', 'disabled', 'no-model'] },
  timings: { type: 'object', additionalProperties: { type: 'number' }, description: 'Milliseconds per pipeline stage' },
  cutout: { type: 'string', enum: ['salient', 'person', 'refined'], nullable: true, description: 'The cut-out that ran (null when remove_background=false)' },
  framing: {
    type: 'object',
    properties: { margin_used: { type: 'number' }, adjusted: { type: 'boolean' } },
    description: 'The margin the framing really gives; adjusted = the window was moved or shrunk to stay inside the photo',
  },
  warnings: {
    type: 'array',
    description: `Things to know about a portrait that was still made. ${describePortraitWarnings()}.`,
    items: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(PORTRAIT_WARNINGS) }, message: { type: 'string' }, share: { type: 'number' }, margin_used: { type: 'number' }, enlargement: { type: 'number' } },
    },
  },
  worker_ms: { type: 'number', description: 'Time on the worker thread' },
  backend: {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        model: { type: 'string' },
        stage: { type: 'string' },
        backend: { type: 'string' },
        device: { type: 'string', enum: [...ALL_DEVICES] },
        variant: { type: 'string', enum: ['int8', 'float16', 'float32'], description: 'The model variant that ran (its weight type)' },
      },
    },
  },
  options: { type: 'object', description: 'The options as the pipeline resolved them' },
};
const PORTRAIT_REQUIRED = ['result', 'width', 'height', 'face_count', 'faces', 'subject_index', 'metrics', 'jpeg', 'jpeg_quality', 'timings', 'warnings', 'backend'];

/**
 * The `code` of every error answer, from the core's error table: its codes as an enum (each
 * with its status in the description), and `http_<status>` for a client-error status of the
 * HTTP framework that the table has no code for.
 */
const errorCodeSchema = {
  description: ERROR_CODES.map((code) => `\`${code}\` (${ERROR_TABLE[code].status}${ERROR_TABLE[code].retryable ? ', with Retry-After' : ''}): ${ERROR_TABLE[code].description}`).join('\n\n'),
  anyOf: [
    { type: 'string', enum: [...ERROR_CODES] },
    { type: 'string', pattern: '^http_4[0-9]{2}$', description: 'Another client-error status of the HTTP framework' },
  ],
};

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    success: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: errorCodeSchema,
        message: { type: 'string' },
        details: { type: 'object' },
      },
    },
  },
};

export function buildOpenApi(config: ServerConfig, version: string): Schema {
  const secured = config.apiKey !== undefined;
  const paths: Record<string, Record<string, Schema>> = {};
  for (const spec of allRouteSpecs(config)) {
    paths[spec.path] ??= {};
    paths[spec.path][spec.method] = operation(spec, secured);
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Facecraft',
      version,
      description:
        'Portraits from photos: face found, background removed, head levelled, cropped, colour-corrected, optional oval mask; a transparent PNG and a JPEG under a size limit. Errors are `{ "error": { "code", "message" } }`.',
      license: { name: 'MIT' },
    },
    tags: [
      { name: 'processing', description: 'Make portraits' },
      { name: 'jobs', description: 'Results kept on disk' },
      { name: 'health', description: 'Probes and status' },
      { name: 'docs', description: 'This documentation' },
    ],
    paths,
    components: {
      schemas: {
        Error: errorSchema,
        Health: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['healthy'] } } },
        Ready: {
          type: 'object',
          required: ['ready', 'models_loaded'],
          properties: {
            ready: { type: 'boolean' },
            models_loaded: { type: 'boolean' },
            workers: { type: 'object', properties: { ready: { type: 'integer' }, total: { type: 'integer' } } },
            reason: { type: 'string' },
          },
        },
        Status: {
          type: 'object',
          required: ['status', 'version', 'uptime_seconds', 'device', 'models', 'statistics'],
          properties: {
            status: { type: 'string', enum: ['operational', 'starting', 'stopping', 'error'] },
            version: { type: 'string' },
            uptime_seconds: { type: 'integer' },
            deployment: {
              type: 'object',
              description: 'FACECRAFT_ROLE, FACECRAFT_QUEUE and FACECRAFT_STORE of this process',
              properties: { role: { type: 'string', enum: ['all', 'api', 'worker'] }, queue: { type: 'string', enum: ['memory', 'bullmq'] }, store: { type: 'string', enum: ['fs', 's3'] } },
            },
            device: {
              type: 'object',
              properties: {
                type: { type: 'string', nullable: true, enum: [...ALL_DEVICES, null] },
                requested: { type: 'string', enum: ['auto', ...devicesOf('node')] },
                name: { type: 'string', nullable: true },
                notice: { type: 'string', nullable: true },
                failures: {
                  type: 'array',
                  description: 'Every backend and device tried before the one that runs, best first, with the reason it could not start',
                  items: { type: 'object', required: ['backend', 'device', 'reason'], properties: { backend: { type: 'string' }, device: { type: 'string', enum: [...ALL_DEVICES] }, reason: { type: 'string' } } },
                },
              },
            },
            backends: portraitProperties.backend,
            segmentation_variant: {
              type: 'object',
              properties: {
                running: { type: 'string', nullable: true, description: 'int8, float16 or float32; null until a worker is up' },
                requested: { type: 'string', description: 'FACECRAFT_SEGMENTATION_VARIANT' },
              },
            },
            models: {
              type: 'object',
              additionalProperties: {
                type: 'object',
                properties: {
                  loaded: { type: 'boolean' },
                  type: { type: 'string' },
                  name: { type: 'string' },
                  file: { type: 'string' },
                  bytes: { type: 'integer' },
                  sha256: { type: 'string' },
                  licence: { type: 'string' },
                  source: { type: 'string' },
                  variant: { type: 'string', description: 'The weight type of this file: int8, float16 or float32' },
                  backend: { type: 'string', nullable: true },
                  device: { type: 'string', nullable: true },
                },
              },
            },
            workers: {
              type: 'object',
              properties: {
                configured: { type: 'integer' },
                ready: { type: 'integer' },
                threads_per_worker: { type: 'integer', nullable: true, description: 'onnxruntime intra-op threads per worker session (null until a worker is up)' },
                threads_configured: { type: 'integer', nullable: true, description: 'FACECRAFT_THREADS, or null for max(1, floor(cores / workers))' },
                cores: { type: 'integer', description: 'Cores available to the process' },
              },
            },
            queue: { type: 'object' },
            statistics: {
              type: 'object',
              required: ['total', 'succeeded', 'failed', 'success_rate', 'avg_processing_ms', 'p95_processing_ms'],
              properties: {
                total: { type: 'integer' },
                total_processed: { type: 'integer' },
                succeeded: { type: 'integer' },
                failed: { type: 'integer' },
                rejected: { type: 'integer', description: 'Refused with 503 for lack of room' },
                success_rate: { type: 'number' },
                avg_processing_ms: { type: 'number' },
                p95_processing_ms: { type: 'number' },
              },
            },
            memory: { type: 'object', properties: { rss_bytes: { type: 'integer' }, heap_used_bytes: { type: 'integer' } } },
          },
        },
        ProcessResponse: {
          type: 'object',
          required: ['success', 'job_id', 'png_url', 'jpg_url', 'processing_time_ms', ...PORTRAIT_REQUIRED],
          properties: {
            success: { type: 'boolean' },
            job_id: { type: 'string', format: 'uuid' },
            message: { type: 'string' },
            processing_time_ms: { type: 'integer' },
            png_url: { type: 'string' },
            jpg_url: { type: 'string' },
            download_url: { type: 'string', description: 'Same as png_url (the original\'s field)' },
            png_base64: { type: 'string', description: 'With return_base64=true' },
            jpg_base64: { type: 'string', description: 'With return_base64=true' },
            ...portraitProperties,
          },
        },
        BatchItem: {
          type: 'object',
          required: ['index', 'filename', 'success'],
          properties: {
            index: { type: 'integer' },
            filename: { type: 'string', description: 'The client\'s file name (display only)' },
            success: { type: 'boolean' },
            png_url: { type: 'string' },
            jpg_url: { type: 'string' },
            download_url: { type: 'string' },
            png_base64: { type: 'string' },
            jpg_base64: { type: 'string' },
            status: { type: 'integer', description: 'On failure: the HTTP status this error has on its own' },
            error: errorSchema.properties.error,
            error_message: { type: 'string' },
            ...portraitProperties,
          },
        },
        BatchResponse: {
          type: 'object',
          required: ['success', 'job_id', 'total', 'successful', 'failed', 'processing_time_ms', 'results'],
          properties: {
            success: { type: 'boolean', description: 'True when every item succeeded' },
            job_id: { type: 'string', format: 'uuid' },
            total: { type: 'integer' },
            successful: { type: 'integer' },
            failed: { type: 'integer' },
            processing_time_ms: { type: 'integer' },
            results: { type: 'array', items: { $ref: '#/components/schemas/BatchItem' } },
          },
        },
        JobAccepted: {
          type: 'object',
          required: ['job_id', 'state', 'status_url'],
          properties: { job_id: { type: 'string' }, state: { type: 'string', enum: ['waiting'] }, status_url: { type: 'string', description: 'GET it for the state (also in the Location header)' } },
        },
        JobStatus: {
          type: 'object',
          required: ['job_id', 'state', 'progress', 'attempts'],
          properties: {
            job_id: { type: 'string' },
            state: { type: 'string', enum: ['waiting', 'active', 'completed', 'failed'] },
            progress: { type: 'integer', minimum: 0, maximum: 100, description: '10 input read, 20 on an inference worker, 90 made, 100 stored' },
            attempts: { type: 'integer', minimum: 1, description: 'Tries so far: more than one when a worker was lost or storage failed and the job was retried' },
            png_url: { type: 'string', description: 'When completed' },
            jpg_url: { type: 'string', description: 'When completed' },
            result: { type: 'object', description: 'When completed: the same fields as the POST /process answer' },
            error: {
              type: 'object',
              description: 'When failed',
              required: ['code', 'message', 'retryable'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, retryable: { type: 'boolean', description: 'Sending the same photo again may succeed' } },
            },
          },
        },
        DeleteResponse: {
          type: 'object',
          required: ['success', 'job_id'],
          properties: { success: { type: 'boolean' }, job_id: { type: 'string' }, message: { type: 'string' } },
        },
      },
      ...(secured
        ? {
            securitySchemes: {
              ApiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
              BearerKey: { type: 'http', scheme: 'bearer', description: 'The same key as a bearer token' },
            },
          }
        : {}),
    },
    ...(secured ? { security: [{ ApiKeyHeader: [] }, { BearerKey: [] }] } : {}),
  };
}
