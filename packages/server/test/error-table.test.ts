import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assertPixelLimit, ERROR_CODES, FacecraftError, NoBackendError, readImageHeader, resolvePortraitOptions } from '@facecraft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../dist/index.js';
import { mapError } from '../src/errors.js';
import { silentLogger } from '../src/logger.js';
import { WorkerPool } from '../src/workers/worker-pool.js';
import { assertBuiltServerIsCurrent, fixture, modelsDir, repoRoot, scratchDirs, testEnv } from './support/server-harness.js';

/**
 * Calls whose first argument is an error code: the coded constructors (their parameter types
 * already hold them to the table; this also sees what reaches them), `super(` of the coded
 * subclasses, and the HTTP helpers.
 */
const CODED_CALL = /(?:\bnew\s+(?:CodedError|FacecraftError|HttpError)|\bbadRequest|\bnotFound|\bunavailable|\bsuper)\(/g;
/** Error bodies written by hand (the answer before the app exists). */
const ERROR_BODY = /error:\s*\{\s*code:\s*'([a-z][a-z0-9_]*)'/g;
/** A code-shaped string literal that is not one side of a comparison (`name === 'job_id' ? …`). */
const CODE_LITERAL = /(?<![=!]==\s*)'([a-z][a-z0-9_]*)'(?!\s*[=!]==)/g;

/** The text of a call's first argument: up to the first comma or closing parenthesis at its own depth. */
function firstArgument(source: string, from: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return source.slice(from, i);
      depth--;
    } else if (c === ',' && depth === 0) return source.slice(from, i);
  }
  return source.slice(from);
}

/** Every code string that source text raises: first arguments of coded calls, hand-written error bodies. */
export function codesRaisedIn(source: string): Set<string> {
  const codes = new Set<string>();
  for (const call of source.matchAll(CODED_CALL)) {
    for (const literal of firstArgument(source, call.index + call[0].length).matchAll(CODE_LITERAL)) codes.add(literal[1]);
  }
  for (const body of source.matchAll(ERROR_BODY)) codes.add(body[1]);
  return codes;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(dir, file));
}

const SOURCE_DIRS = ['packages/core/src', 'packages/server/src'].map((dir) => path.join(repoRoot, dir));

/** code → the files that raise it. */
function raisedCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap(sourcesUnder)) {
    for (const code of codesRaisedIn(readFileSync(file, 'utf8'))) found.set(code, [...(found.get(code) ?? []), path.relative(repoRoot, file)]);
  }
  return found;
}

describe('the error table', () => {
  let documentedCodes: unknown[];

  beforeAll(async () => {
    assertBuiltServerIsCurrent();
    const dirs = scratchDirs();
    // The real server's document; its models need not be loaded to serve it.
    const server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_WORKERS: '1' }), log: () => {} });
    try {
      const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { components: { schemas: { Error: { properties: { error: { properties: { code: { anyOf: { enum?: unknown[] }[] } } } } } } } };
      documentedCodes = doc.components.schemas.Error.properties.error.properties.code.anyOf.flatMap((alternative) => alternative.enum ?? []);
    } finally {
      await server.close();
      dirs.remove();
    }
  });

  it('finds codes the way the sources raise them (a new code in any of these forms is caught)', () => {
    const sample = [
      "throw badRequest('made_up_a', 'Expected 1');",
      "throw new HttpError('made_up_b', `x ${y}`, { headers });",
      "super(full ? 'made_up_c' : 'made_up_d', `Could not write ${where}`, undefined, { cause });",
      "res.end(JSON.stringify({ error: { code: 'made_up_e', message: 'starting' } }));",
      "throw new Error('word'.repeat(2));",
      "throw notFound(name === 'job_id' ? 'made_up_f' : 'made_up_g', 'No such thing');",
      "throw new StorageError('results', error);",
      "throw new RangeError(`Expected a positive integer for size but received ${n}`);",
    ].join('\n');
    expect([...codesRaisedIn(sample)].sort()).toEqual(['made_up_a', 'made_up_b', 'made_up_c', 'made_up_d', 'made_up_e', 'made_up_f', 'made_up_g']);
  });

  it('has every error code raised anywhere in packages/core/src and packages/server/src', () => {
    const raised = raisedCodes();
    // The search is not blind: pipeline, request and hand-written codes are all among what it found.
    expect([...raised.keys()]).toEqual(expect.arrayContaining(['invalid_image', 'image_too_large', 'no_face', 'multiple_faces', 'model_load_failed', 'invalid_option', 'server_busy', 'not_ready', 'file_too_large', 'storage_full', 'worker_crashed']));
    const missing = [...raised].filter(([code]) => !(ERROR_CODES as readonly string[]).includes(code));
    expect(missing, 'codes raised but not in packages/core/src/error-table.ts').toEqual([]);
  });

  it('holds the backend registry\'s error, raised where the registry gives up', () => {
    const registry = readFileSync(path.join(repoRoot, 'packages/core/src/backends/backend-registry.ts'), 'utf8');
    expect(registry).toMatch(/throw new NoBackendError\(/);
    expect(raisedCodes().get('no_backend')).toEqual(['packages/core/src/errors.ts']);
    expect(mapError(new NoBackendError('x', { requested: 'cuda', failures: [] }))).toMatchObject({ status: 503, code: 'no_backend' });
  });

  it('is the enum of error codes in the OpenAPI document the server serves', () => {
    expect(documentedCodes).toEqual([...ERROR_CODES]);
    for (const code of raisedCodes().keys()) expect(documentedCodes).toContain(code);
  });
});

describe('errors across the worker-thread hop (the real worker pool and models)', () => {
  let pool: WorkerPool;

  beforeAll(async () => {
    pool = new WorkerPool({ size: 1, workerData: { modelsDir, device: 'cpu', threads: 1 }, logger: silentLogger });
    await pool.ready;
  });
  afterAll(async () => {
    await pool?.close();
  });

  /** The error the core throws in this thread, and the one the pool hands back from its worker. */
  async function bothSides(inThread: () => unknown, inWorker: () => Promise<unknown>) {
    let here: unknown;
    try {
      inThread();
    } catch (error) {
      here = error;
    }
    const there = await inWorker().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(here).toBeInstanceOf(FacecraftError);
    expect(there).toBeInstanceOf(FacecraftError);
    return { here: here as FacecraftError, there: there as FacecraftError };
  }

  it.each([
    {
      what: 'an unreadable image (415 invalid_image)',
      status: 415,
      inThread: () => readImageHeader(new Uint8Array(fixture('random-bytes.bin'))),
      inWorker: () => pool.run(new Uint8Array(fixture('random-bytes.bin')), {}),
    },
    {
      what: 'an image whose header is too large (413 image_too_large)',
      status: 413,
      inThread: () => assertPixelLimit(readImageHeader(new Uint8Array(fixture('huge-header.png'))), 1_000_000),
      inWorker: () => pool.run(new Uint8Array(fixture('huge-header.png')), { maxPixels: 1_000_000 }),
    },
    {
      what: 'an option out of range (400 invalid_option)',
      status: 400,
      inThread: () => resolvePortraitOptions({ faceMargin: 9 }),
      inWorker: () => pool.run(new Uint8Array(fixture('portrait-1.jpg')), { faceMargin: 9 }),
    },
  ])('keeps the code, status, message and details of $what', async ({ status, inThread, inWorker }) => {
    const { here, there } = await bothSides(inThread, inWorker);
    expect({ code: there.code, message: there.message, details: there.details }).toEqual({ code: here.code, message: here.message, details: here.details });
    const mapped = mapError(there);
    expect(mapped).toMatchObject({ status, code: here.code, message: mapError(here).message, unexpected: false });
  });
});
