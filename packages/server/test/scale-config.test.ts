import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { assertBuiltServerIsCurrent, binPath, modelsDir } from './support/server-harness.js';

const run = promisify(execFile);
const cwd = mkdtempSync(path.join(os.tmpdir(), 'facecraft-scale-config-'));
const load = (env: Record<string, string>) => loadConfig({ FACECRAFT_MODELS_DIR: modelsDir, ...env }, { cwd, defaultPlaygroundDir: path.join(cwd, 'none') });
const S3 = { FACECRAFT_STORE: 's3', FACECRAFT_S3_BUCKET: 'portraits', FACECRAFT_S3_ENDPOINT: 'http://127.0.0.1:9000', FACECRAFT_S3_ACCESS_KEY_ID: 'id', FACECRAFT_S3_SECRET_ACCESS_KEY: 'secret' };
const REDIS = { FACECRAFT_QUEUE: 'bullmq', FACECRAFT_REDIS_URL: 'redis://127.0.0.1:6379' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('scale-out configuration (FACECRAFT_ROLE, FACECRAFT_QUEUE, FACECRAFT_STORE)', () => {
  it('defaults to today\'s single process: role all, memory queue, fs store', () => {
    const config = load({});
    expect([config.role, config.queue, config.store, config.redisUrl, config.s3]).toEqual(['all', 'memory', 'fs', undefined, undefined]);
  });

  it('parses the bullmq queue and the s3 store', () => {
    const config = load({ ...REDIS, ...S3, FACECRAFT_ROLE: 'API', FACECRAFT_S3_FORCE_PATH_STYLE: 'yes', FACECRAFT_QUEUE_LOCK_S: '2', FACECRAFT_QUEUE_ATTEMPTS: '5' });
    expect(config.role).toBe('api');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect([config.queueLockMs, config.queueAttempts]).toEqual([2000, 5]);
    expect(config.s3).toEqual({ endpoint: 'http://127.0.0.1:9000', bucket: 'portraits', region: 'us-east-1', accessKeyId: 'id', secretAccessKey: 'secret', forcePathStyle: true, presignedDownloads: false });
  });

  it.each(['api', 'worker'])('refuses FACECRAFT_ROLE=%s with the local fs store or the memory queue, saying why', (role) => {
    const problems = problemsOf({ FACECRAFT_ROLE: role });
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^FACECRAFT_ROLE=${role} needs FACECRAFT_STORE=s3: .*cannot be read by the API replicas and workers on the others`)));
    expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^FACECRAFT_ROLE=${role} needs FACECRAFT_QUEUE=bullmq`)));
    expect(problemsOf({ FACECRAFT_ROLE: role, ...REDIS })).toEqual([expect.stringMatching(/needs FACECRAFT_STORE=s3/)]);
    expect(problemsOf({ FACECRAFT_ROLE: role, ...REDIS, ...S3 })).toEqual([]);
  });

  it('names each missing or invalid variable', () => {
    expect(problemsOf({ FACECRAFT_QUEUE: 'bullmq' })).toEqual([expect.stringMatching(/^FACECRAFT_REDIS_URL: required with FACECRAFT_QUEUE=bullmq/)]);
    expect(problemsOf({ FACECRAFT_STORE: 's3' })).toEqual([expect.stringMatching(/^FACECRAFT_S3_BUCKET: required/)]);
    expect(problemsOf({ ...S3, FACECRAFT_S3_SECRET_ACCESS_KEY: '' })).toEqual([expect.stringMatching(/^FACECRAFT_S3_ACCESS_KEY_ID and FACECRAFT_S3_SECRET_ACCESS_KEY: set both/)]);
    expect(problemsOf({ FACECRAFT_ROLE: 'both' })).toEqual([expect.stringMatching(/^FACECRAFT_ROLE: expected all, api, worker/)]);
    expect(problemsOf({ FACECRAFT_QUEUE: 'kafka' })).toEqual([expect.stringMatching(/^FACECRAFT_QUEUE: expected memory, bullmq/)]);
    expect(problemsOf({ ...REDIS, FACECRAFT_REDIS_URL: 'localhost:6379' })).toEqual([expect.stringMatching(/^FACECRAFT_REDIS_URL: expected redis:\/\//)]);
    expect(problemsOf({ ...S3, FACECRAFT_S3_ENDPOINT: 'minio:9000' })).toEqual([expect.stringMatching(/^FACECRAFT_S3_ENDPOINT: expected an http/)]);
  });

  it('`facecraft worker` with the defaults refuses to start and says why (exit 1)', async () => {
    assertBuiltServerIsCurrent();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, FACECRAFT_MODELS_DIR: modelsDir };
    const failure = await run(process.execPath, [binPath, 'worker'], { env, cwd }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/FACECRAFT_ROLE=worker needs FACECRAFT_STORE=s3/);
    expect(failure?.stderr).toMatch(/FACECRAFT_ROLE=worker needs FACECRAFT_QUEUE=bullmq/);
  });
});
