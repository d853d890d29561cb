import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, configTableMarkdown, loadConfig } from '../src/config.js';
import { OPTION_VARIABLES } from '../src/option-env.js';
import { assertBuiltServerIsCurrent, binPath, modelsDir } from './support/server-harness.js';

const run = promisify(execFile);
const cwd = mkdtempSync(path.join(os.tmpdir(), 'facecraft-config-'));
const noPlayground = path.join(cwd, 'no-web-dist');
const load = (env: Record<string, string>) => loadConfig({ FACECRAFT_MODELS_DIR: modelsDir, ...env }, { cwd, defaultPlaygroundDir: noPlayground });

afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('configuration', () => {
  it('has the documented names and defaults, exported as data', () => {
    expect(CONFIG_VARIABLES.map((v) => [v.name, v.default])).toEqual([
      ['FACECRAFT_HOST', '0.0.0.0'],
      ['FACECRAFT_PORT', '8000'],
      ['FACECRAFT_WORKERS', '1'],
      ['FACECRAFT_THREADS', null],
      ['FACECRAFT_LOG_LEVEL', 'INFO'],
      ['FACECRAFT_DEBUG', 'false'],
      ['FACECRAFT_DEVICE', 'auto'],
      ['FACECRAFT_SEGMENTATION_VARIANT', 'auto'],
      ['FACECRAFT_MODELS_DIR', '/app/models'],
      // One FACECRAFT_DEFAULT_* per option of the core's table (its values: option-surfaces test).
      ...OPTION_VARIABLES.map((v) => [v.name, v.default]),
      ['FACECRAFT_UPLOAD_DIR', '/app/uploads'],
      ['FACECRAFT_OUTPUT_DIR', '/app/processed'],
      ['FACECRAFT_MAX_UPLOAD_SIZE_MB', '20'],
      ['FACECRAFT_CLEANUP_AGE_HOURS', '24'],
      ['FACECRAFT_MAX_CONCURRENT_JOBS', '4'],
      ['FACECRAFT_QUEUE_SIZE', null],
      ['FACECRAFT_JOB_TIMEOUT_S', '300'],
      ['FACECRAFT_MAX_CANVAS', '2048'],
      ['FACECRAFT_MAX_SEGMENTATION_SIZE', '1024'],
      ['FACECRAFT_WORKER_MAX_RSS_MB', '2048'],
      ['FACECRAFT_BATCH_MAX_FILES', '50'],
      ['FACECRAFT_CORS_ORIGINS', '*'],
      ['FACECRAFT_API_KEY', null],
      ['FACECRAFT_PLAYGROUND_DIR', null],
      ['FACECRAFT_ROLE', 'all'],
      ['FACECRAFT_QUEUE', 'memory'],
      ['FACECRAFT_REDIS_URL', null],
      ['FACECRAFT_QUEUE_LOCK_S', '30'],
      ['FACECRAFT_QUEUE_ATTEMPTS', '3'],
      ['FACECRAFT_STORE', 'fs'],
      ['FACECRAFT_S3_ENDPOINT', null],
      ['FACECRAFT_S3_BUCKET', null],
      ['FACECRAFT_S3_REGION', 'us-east-1'],
      ['FACECRAFT_S3_ACCESS_KEY_ID', null],
      ['FACECRAFT_S3_SECRET_ACCESS_KEY', null],
      ['FACECRAFT_S3_FORCE_PATH_STYLE', 'false'],
      ['FACECRAFT_S3_PRESIGNED_DOWNLOADS', 'false'],
    ]);
    // The original service's defaults keep their names and values.
    expect(CONFIG_VARIABLES.map((v) => [v.name, v.default])).toEqual(
      expect.arrayContaining([
        ['FACECRAFT_DEFAULT_WIDTH', '648'],
        ['FACECRAFT_DEFAULT_HEIGHT', '648'],
        ['FACECRAFT_DEFAULT_BACKGROUND_R', '240'],
        ['FACECRAFT_DEFAULT_BACKGROUND_G', '240'],
        ['FACECRAFT_DEFAULT_BACKGROUND_B', '240'],
        ['FACECRAFT_DEFAULT_FACE_MARGIN', '0.3'],
        ['FACECRAFT_DEFAULT_OVAL_MASK', 'true'],
        ['FACECRAFT_DEFAULT_ENHANCE_FIDELITY', '0.7'],
      ]),
    );
    for (const v of CONFIG_VARIABLES) expect(v.description.length, v.name).toBeGreaterThan(20);
    const table = configTableMarkdown().split('\n');
    expect(table).toHaveLength(CONFIG_VARIABLES.length + 2);
    expect(table[2]).toBe('| `FACECRAFT_HOST` | `0.0.0.0` | Address the HTTP server listens on. |');
  });

  it('applies the defaults (the original\'s /app paths; relative paths against the working directory)', () => {
    const c = load({ FACECRAFT_UPLOAD_DIR: 'uploads', FACECRAFT_OUTPUT_DIR: 'processed' });
    expect(load({}).uploadDir).toBe('/app/uploads');
    expect(load({}).outputDir).toBe('/app/processed');
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 8000,
      workers: 1,
      threads: undefined,
      logLevel: 'info',
      device: 'auto',
      segmentationVariant: 'auto',
      modelsDir,
      defaults: { width: 648, height: 648, background: { r: 240, g: 240, b: 240 }, faceMargin: 0.3, ovalMask: true, fidelity: 0.7 },
      uploadDir: path.join(cwd, 'uploads'),
      outputDir: path.join(cwd, 'processed'),
      maxUploadBytes: 20 * 1024 * 1024,
      cleanupAgeMs: 24 * 3600 * 1000,
      maxConcurrentJobs: 4,
      queueSize: 4,
      jobTimeoutMs: 300_000,
      batchMaxFiles: 50,
      corsOrigins: ['*'],
      apiKey: undefined,
      playgroundDir: undefined,
    });
  });

  it('finds the clone\'s assembled models when FACECRAFT_MODELS_DIR is unset and /app/models does not exist', () => {
    expect(existsSync('/app/models/manifest.json')).toBe(false);
    const config = loadConfig({}, { cwd, defaultPlaygroundDir: noPlayground });
    expect(config.modelsDir).toBe(modelsDir);
    // Given explicitly, a folder without a manifest is refused, naming it.
    expect(() => loadConfig({ FACECRAFT_MODELS_DIR: cwd }, { cwd, defaultPlaygroundDir: noPlayground })).toThrow(`FACECRAFT_MODELS_DIR: no manifest.json in ${cwd}; run`);
  });

  it('parses every variable', () => {
    const web = path.join(cwd, 'web');
    mkdirSync(web, { recursive: true });
    const c = load({
      FACECRAFT_HOST: '127.0.0.1',
      FACECRAFT_PORT: '0',
      FACECRAFT_WORKERS: '3',
      FACECRAFT_THREADS: '2',
      FACECRAFT_LOG_LEVEL: 'WARNING',
      FACECRAFT_DEVICE: 'cuda:0',
      FACECRAFT_SEGMENTATION_VARIANT: 'Float16',
      FACECRAFT_DEFAULT_WIDTH: '400',
      FACECRAFT_DEFAULT_HEIGHT: '500',
      FACECRAFT_DEFAULT_BACKGROUND_R: '0',
      FACECRAFT_DEFAULT_BACKGROUND_G: '128',
      FACECRAFT_DEFAULT_BACKGROUND_B: '255',
      FACECRAFT_DEFAULT_FACE_MARGIN: '0.5',
      FACECRAFT_DEFAULT_OVAL_MASK: 'no',
      FACECRAFT_DEFAULT_ENHANCE_FIDELITY: '1',
      FACECRAFT_UPLOAD_DIR: '/tmp/fc-up',
      FACECRAFT_OUTPUT_DIR: 'out',
      FACECRAFT_MAX_UPLOAD_SIZE_MB: '0.5',
      FACECRAFT_CLEANUP_AGE_HOURS: '0',
      FACECRAFT_MAX_CONCURRENT_JOBS: '8',
      FACECRAFT_QUEUE_SIZE: '0',
      FACECRAFT_JOB_TIMEOUT_S: '2.5',
      FACECRAFT_BATCH_MAX_FILES: '50',
      FACECRAFT_CORS_ORIGINS: 'https://a.example, http://localhost:5173',
      FACECRAFT_API_KEY: '  secret-key-123  ',
      FACECRAFT_PLAYGROUND_DIR: 'web',
    });
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 0,
      workers: 3,
      threads: 2,
      logLevel: 'warn',
      device: 'cuda',
      segmentationVariant: 'float16',
      defaults: { width: 400, height: 500, background: { r: 0, g: 128, b: 255 }, faceMargin: 0.5, ovalMask: false, fidelity: 1 },
      uploadDir: '/tmp/fc-up',
      outputDir: path.join(cwd, 'out'),
      maxUploadBytes: 512 * 1024,
      cleanupAgeMs: 0,
      maxConcurrentJobs: 8,
      queueSize: 0,
      jobTimeoutMs: 2500,
      batchMaxFiles: 50,
      corsOrigins: ['https://a.example', 'http://localhost:5173'],
      apiKey: 'secret-key-123',
      playgroundDir: web,
    });
    expect(load({ FACECRAFT_JOB_TIMEOUT_S: '0' }).jobTimeoutMs).toBe(0);
    expect(load({ FACECRAFT_THREADS: ' ' }).threads).toBeUndefined();
    expect(load({ FACECRAFT_CORS_ORIGINS: '' }).corsOrigins).toEqual([]);
    expect(load({ FACECRAFT_API_KEY: '' }).apiKey).toBeUndefined();
  });

  it('keeps the original service\'s names; DEBUG means debug logs; other originals and typos are remarked on', () => {
    const c = load({ FACECRAFT_MAX_UPLOAD_SIZE_MB: '5', FACECRAFT_DEFAULT_OVAL_MASK: 'false', FACECRAFT_DEBUG: 'true', FACECRAFT_PREDICTOR_PATH: '/x.dat', FACECRAFT_PROT: '1' });
    expect(c.maxUploadBytes).toBe(5 * 1024 * 1024);
    expect(c.defaults.ovalMask).toBe(false);
    expect(c.logLevel).toBe('debug');
    expect(load({ FACECRAFT_DEBUG: 'false', FACECRAFT_LOG_LEVEL: 'WARNING' }).logLevel).toBe('warn');
    expect(c.warnings.join('\n')).toMatch(/FACECRAFT_PREDICTOR_PATH is not used/);
    expect(c.warnings.join('\n')).toMatch(/FACECRAFT_PROT is not a Facecraft setting/);
  });

  it.each([
    ['FACECRAFT_PORT', '80a'],
    ['FACECRAFT_PORT', '70000'],
    ['FACECRAFT_HOST', 'local host'],
    ['FACECRAFT_WORKERS', '0'],
    ['FACECRAFT_WORKERS', '1.5'],
    ['FACECRAFT_THREADS', '0'],
    ['FACECRAFT_THREADS', 'all'],
    ['FACECRAFT_THREADS', '257'],
    ['FACECRAFT_LOG_LEVEL', 'verbose'],
    ['FACECRAFT_DEVICE', 'gpu'],
    ['FACECRAFT_DEVICE', 'cuda:1'],
    ['FACECRAFT_SEGMENTATION_VARIANT', 'int4'],
    ['FACECRAFT_MODELS_DIR', '/nonexistent/models'],
    ['FACECRAFT_DEFAULT_WIDTH', '10'],
    ['FACECRAFT_DEFAULT_HEIGHT', 'tall'],
    ['FACECRAFT_DEFAULT_BACKGROUND_R', '256'],
    ['FACECRAFT_DEFAULT_BACKGROUND_G', '-1'],
    ['FACECRAFT_DEFAULT_BACKGROUND_B', '1e2'],
    ['FACECRAFT_DEFAULT_FACE_MARGIN', '3'],
    ['FACECRAFT_DEFAULT_OVAL_MASK', 'maybe'],
    ['FACECRAFT_DEFAULT_ENHANCE_FIDELITY', '1.5'],
    ['FACECRAFT_MAX_UPLOAD_SIZE_MB', '0'],
    ['FACECRAFT_MAX_UPLOAD_SIZE_MB', 'lots'],
    ['FACECRAFT_CLEANUP_AGE_HOURS', '-1'],
    ['FACECRAFT_MAX_CONCURRENT_JOBS', '0'],
    ['FACECRAFT_QUEUE_SIZE', '-2'],
    ['FACECRAFT_JOB_TIMEOUT_S', '-1'],
    ['FACECRAFT_JOB_TIMEOUT_S', 'soon'],
    ['FACECRAFT_BATCH_MAX_FILES', '0'],
    ['FACECRAFT_MAX_CANVAS', '8192'],
    ['FACECRAFT_MAX_SEGMENTATION_SIZE', '1000'],
    ['FACECRAFT_WORKER_MAX_RSS_MB', '-1'],
    ['FACECRAFT_CORS_ORIGINS', 'example.com'],
    ['FACECRAFT_CORS_ORIGINS', 'https://a.example/path'],
    ['FACECRAFT_PLAYGROUND_DIR', '/nonexistent/web/dist'],
    ['FACECRAFT_UPLOAD_DIR', 'same'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const env: Record<string, string> = { [name]: value };
    if (name === 'FACECRAFT_UPLOAD_DIR') env.FACECRAFT_OUTPUT_DIR = value;
    let error: unknown;
    try {
      load(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(1);
    // An invalid value reads as everywhere else (Expected … for NAME but received …); other problems start with the name.
    const problem = (error as ConfigError).problems[0];
    expect(problem.startsWith(`${name}: `) || new RegExp(`^Expected .* for ${name} but received "`).test(problem), problem).toBe(true);
  });

  it('lists every invalid variable at once', () => {
    expect(() => load({ FACECRAFT_PORT: 'x', FACECRAFT_WORKERS: 'y' })).toThrow(/Expected an integer from 0 to 65535 for FACECRAFT_PORT but received "x"\n\s+Expected an integer from 1 to 64 for FACECRAFT_WORKERS but received "y"/);
  });

  it('refuses to start: `facecraft serve` exits 1 naming the variable, before loading any model', async () => {
    assertBuiltServerIsCurrent();
    const file = path.join(cwd, 'not-a-dir');
    writeFileSync(file, 'x');
    const started = performance.now();
    const result = await run(process.execPath, [binPath, 'serve'], {
      cwd,
      env: { ...process.env, FACECRAFT_MODELS_DIR: modelsDir, FACECRAFT_PORT: 'eighty', FACECRAFT_OUTPUT_DIR: file },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Expected an integer from 0 to 65535 for FACECRAFT_PORT but received "eighty"/);
    expect(result.stderr).toMatch(/FACECRAFT_OUTPUT_DIR: .*not-a-dir exists and is not a folder/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
