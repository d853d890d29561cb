import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const serverDir = path.resolve(here, '../..');
export const repoRoot = path.resolve(serverDir, '../..');
export const modelsDir = path.join(repoRoot, 'models');
export const fixturesDir = path.join(repoRoot, 'packages/core/test/fixtures');
export const binPath = path.join(serverDir, 'bin/facecraft.js');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(fixturesDir, name));
}
export const fixturePath = (name: string) => path.join(fixturesDir, name);

/** A scratch folder with uploads/ and processed/ for one server, removed by `remove()`. */
export function scratchDirs(prefix = 'facecraft-server-test-') {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    root,
    uploads: path.join(root, 'uploads'),
    processed: path.join(root, 'processed'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true }).map(String);
  } catch {
    return [];
  }
}

/** The environment of a test server: real models, its own folders, quiet logs. */
export function testEnv(dirs: { uploads: string; processed: string }, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('FACECRAFT_')) delete env[key];
  return {
    ...env,
    FACECRAFT_MODELS_DIR: modelsDir,
    FACECRAFT_UPLOAD_DIR: dirs.uploads,
    FACECRAFT_OUTPUT_DIR: dirs.processed,
    FACECRAFT_DEVICE: 'cpu',
    FACECRAFT_LOG_LEVEL: 'warn',
    ...extra,
  };
}

export interface ChildServer {
  readonly url: string;
  readonly proc: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  waitReady(timeoutMs?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/** `facecraft serve` in a child process (so its memory and signals are its own), on a free port. */
export async function startChildServer(env: Record<string, string | undefined>, timeoutMs = 60_000): Promise<ChildServer> {
  const proc = spawn(process.execPath, [binPath, 'serve', '--host', '127.0.0.1', '--port', '0'], {
    env: { ...env, FACECRAFT_LOG_LEVEL: env.FACECRAFT_LOG_LEVEL === 'warn' ? 'info' : env.FACECRAFT_LOG_LEVEL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const line = output.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    };
    proc.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    proc,
    output: () => output,
    exited,
    async waitReady(readyTimeoutMs = 120_000) {
      const deadline = Date.now() + readyTimeoutMs;
      while (Date.now() < deadline) {
        const res = await fetch(`${url}/ready`).catch(() => undefined);
        if (res?.status === 200) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`server not ready within ${readyTimeoutMs} ms:\n${output}`);
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** A multipart body as Python's requests builds it: data fields first, then files, no part Content-Type. */
export function pythonRequestsMultipart(fields: Record<string, string | number>, files: Record<string, { name: string; bytes: Buffer }>) {
  const boundary = Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const [name, file] of Object.entries(files)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.name}"\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A FormData with one file (and string fields), as browsers and fetch send it. */
export function form(files: Record<string, { name: string; bytes: Buffer } | { name: string; bytes: Buffer }[]>, fields: Record<string, string | number> = {}): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, String(value));
  for (const [name, list] of Object.entries(files)) {
    for (const file of Array.isArray(list) ? list : [list]) data.append(name, new Blob([file.bytes]), file.name);
  }
  return data;
}

type Schema = {
  type?: string;
  $ref?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  nullable?: boolean;
  enum?: unknown[];
  pattern?: string;
  anyOf?: Schema[];
  additionalProperties?: Schema | boolean;
};

/** A small JSON-schema check (type, required, properties, items, enum, pattern, anyOf, nullable, $ref) against the OpenAPI components. */
export function schemaErrors(value: unknown, schema: Schema, components: Record<string, Schema>, at = '$'): string[] {
  if (schema.$ref) return schemaErrors(value, components[schema.$ref.split('/').pop() as string], components, at);
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${at} is null`];
  const errors: string[] = [];
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer')) return [`${at} is ${actual}, expected ${schema.type}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at} = ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) errors.push(`${at} = ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (schema.anyOf && schema.anyOf.every((alternative) => schemaErrors(value, alternative, components, at).length > 0)) errors.push(`${at} = ${JSON.stringify(value)} matches none of its alternatives`);
  if (actual === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${at}.${key} is missing`);
    for (const [key, sub] of Object.entries(schema.properties ?? {})) if (key in obj) errors.push(...schemaErrors(obj[key], sub, components, `${at}.${key}`));
    if (typeof schema.additionalProperties === 'object') {
      for (const [key, v] of Object.entries(obj)) if (!schema.properties?.[key]) errors.push(...schemaErrors(v, schema.additionalProperties, components, `${at}.${key}`));
    }
  }
  if (actual === 'array' && schema.items) (value as unknown[]).forEach((v, i) => errors.push(...schemaErrors(v, schema.items as Schema, components, `${at}[${i}]`)));
  return errors;
}

/**
 * The end-to-end tests run the built server (what `facecraft serve` runs): refuse to test a
 * dist/ older than src/, which would test yesterday's code.
 */
export function assertBuiltServerIsCurrent(): void {
  const newest = (dir: string, ext: string) =>
    Math.max(0, ...readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith(ext)).map((f) => statSync(path.join(dir, f)).mtimeMs));
  const src = newest(path.join(serverDir, 'src'), '.ts');
  let dist = 0;
  try {
    dist = newest(path.join(serverDir, 'dist'), '.js');
  } catch {
    // no dist at all
  }
  if (dist < src) throw new Error('packages/server/dist is missing or older than src: run `pnpm --filter @facecraft/server build` first');
}
