import { InvalidOptionError } from '@facecraft/core';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { parseBooleanWord } from '../config.js';
import { badRequest, notFound } from '../errors.js';

/**
 * Each route states its path parameters and form fields once, here as data; the same objects
 * validate requests (parseFields, checkParams) and describe them in /openapi.json (openapi.ts).
 */
interface FieldBase {
  readonly description: string;
  /** Documented only: a newer alias or how the original service named it. */
  readonly example?: string | number | boolean;
}
export interface IntegerField extends FieldBase {
  readonly type: 'integer';
  readonly minimum: number;
  readonly maximum: number;
  readonly default: number;
  /** Extra rule beyond the range (e.g. a multiple of 32). */
  readonly multipleOf?: number;
}
export interface NumberField extends FieldBase {
  readonly type: 'number';
  readonly minimum: number;
  readonly maximum: number;
  readonly default: number;
}
export interface BooleanField extends FieldBase {
  readonly type: 'boolean';
  readonly default: boolean;
}
export interface EnumField extends FieldBase {
  readonly type: 'string';
  readonly enum: readonly string[];
  readonly default: string;
}
export type FieldSpec = IntegerField | NumberField | BooleanField | EnumField;
export type FieldSpecs = Readonly<Record<string, FieldSpec>>;

export type FieldValue<F extends FieldSpec> = F extends BooleanField ? boolean : F extends EnumField ? F['enum'][number] : number;
export type ParsedFields<T extends FieldSpecs> = { -readonly [K in keyof T]: FieldValue<T[K]> };

export interface FileFieldSpec {
  readonly name: string;
  readonly description: string;
  /** How many files the field takes (1 for `file`, FACECRAFT_BATCH_MAX_FILES for `files`). */
  readonly maxCount: number;
}

export interface ParamSpec {
  readonly description: string;
  readonly pattern: RegExp;
  /** OpenAPI: an enum instead of a pattern. */
  readonly enum?: readonly string[];
  /** What an invalid value answers: job ids that cannot exist are simply not found. */
  readonly onInvalid: 'not_found' | 'bad_request';
}

export type ResponseKind = 'json' | 'png' | 'jpeg' | 'image' | 'html' | 'redirect' | 'none';

export interface ResponseSpec {
  readonly description: string;
  readonly kind: ResponseKind;
  /** `#/components/schemas/<name>` for JSON bodies. */
  readonly schema?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RouteSpec {
  readonly method: 'get' | 'post' | 'delete';
  /** OpenAPI form, under its router's prefix: /download/{job_id}/{format} (see apiPath for the full path). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Needs the API key when FACECRAFT_API_KEY is set (every /api/* route). */
  readonly secured: boolean;
  readonly params?: Readonly<Record<string, ParamSpec>>;
  readonly multipart?: { readonly file: FileFieldSpec; readonly fields: FieldSpecs };
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

/** Specs with the prefix their router is mounted under added to their paths. */
export function underPrefix(prefix: string, specs: readonly RouteSpec[]): RouteSpec[] {
  return specs.map((spec) => ({ ...spec, path: `${prefix}${spec.path}` }));
}

/** `/download/{job_id}/{format}` → `/download/:job_id/:format` for @koa/router. */
export function routerPath(spec: RouteSpec): string {
  return spec.path.replace(/\{([a-z_]+)\}/g, ':$1');
}

/** A router that matches paths exactly as written: case and trailing slashes count. */
export function createRouter(prefix?: string): Router {
  return new Router({ sensitive: true, strict: true, ...(prefix ? { prefix } : {}) });
}

/**
 * Registers a route from its spec. A secured spec gets `requireApiKey` as its first middleware,
 * before any upload is read, so every secured route is protected by construction.
 */
export function addRoute(router: Router, spec: RouteSpec, requireApiKey: Middleware, ...handlers: Middleware[]): void {
  const chain = spec.secured ? [requireApiKey, ...handlers] : handlers;
  const path = routerPath(spec);
  switch (spec.method) {
    case 'get':
      router.get(path, ...chain);
      return;
    case 'post':
      router.post(path, ...chain);
      return;
    case 'delete':
      router.delete(path, ...chain);
      return;
  }
}

function fail(name: string, expected: string, value: string): never {
  // The same code and shape as the pipeline's own option check (resolvePortraitOptions).
  throw new InvalidOptionError(`Expected ${expected} for ${name} but received ${JSON.stringify(value)}`, { field: name });
}

function parseField(name: string, spec: FieldSpec, text: string): number | boolean | string {
  switch (spec.type) {
    case 'boolean': {
      const b = parseBooleanWord(text);
      if (b === undefined) fail(name, 'true, false, 1, 0, yes or no', text);
      return b;
    }
    case 'string':
      if (!spec.enum.includes(text)) fail(name, `one of ${spec.enum.join(', ')}`, text);
      return text;
    case 'integer': {
      const n = Number(text);
      if (!/^[+-]?\d+$/.test(text) || n < spec.minimum || n > spec.maximum) fail(name, `an integer from ${spec.minimum} to ${spec.maximum}`, text);
      if (spec.multipleOf && n % spec.multipleOf !== 0) fail(name, `a multiple of ${spec.multipleOf}`, text);
      return n;
    }
    case 'number': {
      const n = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || n < spec.minimum || n > spec.maximum) fail(name, `a number from ${spec.minimum} to ${spec.maximum}`, text);
      return n;
    }
  }
}

/**
 * Form fields → typed values with defaults. Empty values count as absent (HTML forms send them),
 * a repeated field takes its last value, unknown fields are ignored as the original did.
 */
export function parseFields<T extends FieldSpecs>(specs: T, body: Readonly<Record<string, unknown>> | undefined): ParsedFields<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let value = body?.[name];
    if (Array.isArray(value)) value = value[value.length - 1];
    if (value !== undefined && typeof value !== 'string') fail(name, 'a plain form value', String(value));
    const text = (value as string | undefined)?.trim();
    out[name] = text === undefined || text === '' ? spec.default : parseField(name, spec, text);
  }
  return out as ParsedFields<T>;
}

/** Path parameters against their patterns: an invalid job id is a job that does not exist. */
export function checkParams(spec: RouteSpec, params: Readonly<Record<string, string | undefined>>): void {
  for (const [name, param] of Object.entries(spec.params ?? {})) {
    const value = params[name];
    if (value === undefined || !param.pattern.test(value)) {
      if (param.onInvalid === 'not_found') throw notFound(name === 'job_id' ? 'job_not_found' : 'not_found', name === 'job_id' ? 'No job with this id' : `No such ${name}`);
      throw badRequest('invalid_parameter', `Invalid ${name}: ${param.description}`);
    }
  }
}
