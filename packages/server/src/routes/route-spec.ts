import { invalidValue, parseValueText, type BooleanSpec, type EnumSpec, type IntegerSpec, type NumberSpec } from '@facecraft/core';
import Router from '@koa/router';
import type { Middleware } from 'koa';
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
// The value rules are the core's (the option table states its options the same way).
export type IntegerField = IntegerSpec & FieldBase & { readonly default: number };
export type NumberField = NumberSpec & FieldBase & { readonly default: number };
export type BooleanField = BooleanSpec & FieldBase & { readonly default: boolean };
export type EnumField = EnumSpec & FieldBase & { readonly default: string };
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

/**
 * Form fields → typed values with defaults. Empty values count as absent (HTML forms send them),
 * a repeated field takes its last value, unknown fields are ignored as the original did.
 */
export function parseFields<T extends FieldSpecs>(specs: T, body: Readonly<Record<string, unknown>> | undefined): ParsedFields<T> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    let value = body?.[name];
    if (Array.isArray(value)) value = value[value.length - 1];
    if (value !== undefined && typeof value !== 'string') throw invalidValue(name, 'a plain form value', String(value));
    const text = (value as string | undefined)?.trim();
    // The same reading and message as the CLI's flags and the server's variables.
    out[name] = text === undefined || text === '' ? spec.default : parseValueText(spec, name, text);
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
