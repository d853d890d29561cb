import type { ServerConfig } from './config.js';
import { docsRouteSpecs } from './routes/docs.js';
import { healthRouteSpecs } from './routes/health.js';
import { jobRouteSpecs, jobSubmitRouteSpec } from './routes/jobs.js';
import { processRouteSpecs } from './routes/process.js';
import { API_V1_PREFIX } from './routes/api-prefix.js';
import { HEALTH, READY, STATUS } from './routes/health-responses.js';
import { DELETE_RESPONSE, JOB_ACCEPTED, JOB_STATUS } from './routes/job-responses.js';
import { BATCH_ITEM, BATCH_RESPONSE, PROCESS_RESPONSE } from './routes/portrait-response.js';
import { ERROR_RESPONSE } from './schema/error-schema.js';
import { underPrefix, type FieldSpec, type ResponseSpec, type RouteSpec } from './routes/route-spec.js';

/**
 * The OpenAPI 3.0 document, derived from the same route specs the handlers validate with: a
 * field, its range and its default exist once. Response bodies are the schemas the response
 * builders are checked against (portrait-response.ts, schema/); tests compare real answers too.
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
        Error: ERROR_RESPONSE,
        Health: HEALTH,
        Ready: READY,
        Status: STATUS,
        // Each is the schema its route's builder is checked against (routes/*-responses.ts, portrait-response.ts).
        ProcessResponse: PROCESS_RESPONSE,
        BatchItem: BATCH_ITEM,
        BatchResponse: BATCH_RESPONSE,
        JobAccepted: JOB_ACCEPTED,
        JobStatus: JOB_STATUS,
        DeleteResponse: DELETE_RESPONSE,
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
