import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_BACKENDS } from '@facecraft/core/node';
import { DEVICES, deviceChoicesText, invalidValue, isDeviceRequest, parseBooleanWord, PORTRAIT_OPTION_TABLE, rangeText, WEIGHT_TYPES, type DeviceRequest, type PortraitOptions, type WeightType } from '@facecraft/core';
import { defaultsUnderCeilings, OPTION_VARIABLES, readOptionDefaults } from './option-env.js';
import { defaultModelsDir, MODELS_DIR_CANDIDATES } from './models-dir.js';

/**
 * Every FACECRAFT_* variable: its name, its default as written in the environment, what it does.
 * This list is the single source of the README's configuration table; `loadConfig` parses and
 * validates each variable and refuses to start on any invalid value, naming the variable.
 */
export interface ConfigVariable {
  readonly name: string;
  /** The default as it would be written in the environment; null when unset by default (the description says what then applies). */
  readonly default: string | null;
  readonly description: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/**
 * FACECRAFT_DEVICE's text, from the core's device table and the Node backend registry's order,
 * so a new backend shows in the README's table without an edit here.
 */
function deviceDescription(): string {
  const order = [...new Set(NODE_BACKENDS.registrations.map((r) => DEVICES[r.device].label))];
  return `${deviceChoicesText('node')}: auto takes the best that starts (${order.join(', then ')}), with a notice naming what failed; a named device falls back only to those after it. cuda:0 is accepted; choose another GPU with CUDA_VISIBLE_DEVICES.`;
}

/** FACECRAFT_DEVICE: 'auto' or a Node device of the core's device table. */
export type DeviceSetting = DeviceRequest<'node'>;
export type VariantSetting = 'auto' | WeightType;
/** FACECRAFT_ROLE: everything in one process, the HTTP API only, or a queue worker only. */
export type Role = 'all' | 'api' | 'worker';

/** FACECRAFT_S3_*: where the s3 result store keeps inputs and results. */
export interface S3Settings {
  /** Undefined: AWS's own endpoint for the region. */
  readonly endpoint: string | undefined;
  readonly bucket: string;
  readonly region: string;
  /** Both undefined: the AWS SDK's default credential chain. */
  readonly accessKeyId: string | undefined;
  readonly secretAccessKey: string | undefined;
  readonly forcePathStyle: boolean;
  /** Downloads answer 302 to a presigned URL of the bucket instead of streaming through the API. */
  readonly presignedDownloads: boolean;
}

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly workers: number;
  /** FACECRAFT_THREADS: intra-op threads per worker as set, or undefined for the cores ÷ workers split. */
  readonly threads: number | undefined;
  readonly logLevel: LogLevel;
  readonly device: DeviceSetting;
  /** FACECRAFT_SEGMENTATION_VARIANT: 'auto' leaves the choice to the backend's declared preference. */
  readonly segmentationVariant: VariantSetting;
  readonly modelsDir: string;
  /** The option table's defaults with the FACECRAFT_DEFAULT_* variables over them (option-env.ts). */
  readonly defaults: PortraitOptions;
  readonly uploadDir: string;
  readonly outputDir: string;
  /** Largest accepted file, in bytes. */
  readonly maxUploadBytes: number;
  /** Jobs older than this are deleted; 0 = never. */
  readonly cleanupAgeMs: number;
  readonly maxConcurrentJobs: number;
  readonly queueSize: number;
  /** Longest one image may run on a worker before the worker is replaced; 0 = no limit. */
  readonly jobTimeoutMs: number;
  readonly batchMaxFiles: number;
  /** Largest output side (width, height, quick size) a request may ask for. */
  readonly maxCanvas: number;
  /** Largest segmentation_size a request may ask for. */
  readonly maxSegmentationSize: number;
  /** A worker is replaced after a job that leaves the process above this many bytes; 0 = never. */
  readonly maxRssBytes: number;
  /** ['*'] for any origin, [] for no CORS headers, else the allowed origins. */
  readonly corsOrigins: readonly string[];
  readonly apiKey: string | undefined;
  /** The built playground, or undefined when there is none. */
  readonly playgroundDir: string | undefined;
  readonly role: Role;
  /** FACECRAFT_QUEUE: jobs in this process's memory, or on Redis through BullMQ. */
  readonly queue: 'memory' | 'bullmq';
  /** FACECRAFT_REDIS_URL; set whenever queue is bullmq. */
  readonly redisUrl: string | undefined;
  /** FACECRAFT_QUEUE_LOCK_S in ms: a job whose worker stops renewing its lock this long is taken by another worker. */
  readonly queueLockMs: number;
  /** FACECRAFT_QUEUE_ATTEMPTS: tries per job on the bullmq queue (retries back off exponentially). */
  readonly queueAttempts: number;
  /** FACECRAFT_STORE: results (and queued inputs) on local disk or in an S3 bucket. */
  readonly store: 'fs' | 's3';
  /** Set whenever store is s3. */
  readonly s3: S3Settings | undefined;
  /** Non-fatal remarks for the start-up log (deprecated names, unknown variables). */
  readonly warnings: readonly string[];
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.freeze([
  { name: 'FACECRAFT_HOST', default: '0.0.0.0', description: 'Address the HTTP server listens on.' },
  { name: 'FACECRAFT_PORT', default: '8000', description: 'TCP port, 0 to 65535 (0 picks a free port).' },
  {
    name: 'FACECRAFT_WORKERS',
    default: '1',
    description: 'Inference worker threads (1 to 64), each with its own copy of the models (on the CPU each adds about 0.2 GB once loaded and up to about 0.5 GB while it makes a default portrait: one worker measured 0.3 GB loaded, 0.6 GB at its peak, two 0.5 GB and 1.0 GB, the whole process); each gets FACECRAFT_THREADS onnxruntime threads.',
  },
  {
    name: 'FACECRAFT_THREADS',
    default: null,
    description: 'onnxruntime intra-op threads per worker (1 to 256). Unset: max(1, floor(cores / FACECRAFT_WORKERS)), so one job uses every core and concurrent workers share them without oversubscription; /status shows the count. More threads than cores in all is allowed, with a warning.',
  },
  { name: 'FACECRAFT_LOG_LEVEL', default: 'INFO', description: 'DEBUG, INFO, WARN or ERROR (any case; WARNING and CRITICAL are accepted). Logs are JSON lines on stdout.' },
  { name: 'FACECRAFT_DEBUG', default: 'false', description: 'true turns on debug logging whatever FACECRAFT_LOG_LEVEL says (true/false/1/0/yes/no).' },
  {
    name: 'FACECRAFT_DEVICE',
    default: 'auto',
    description: deviceDescription(),
  },
  {
    name: 'FACECRAFT_SEGMENTATION_VARIANT',
    default: 'auto',
    description: 'Which variant of the segmentation model (ISNet) runs: auto (the device\'s preference: int8 on the CPU, float16 on CUDA; the manifest\'s first when the preferred one is not installed), int8, float16 or float32 (start-up fails when the models folder has no such variant). /status and every result name the variant that ran.',
  },
  {
    name: 'FACECRAFT_MODELS_DIR',
    default: '/app/models',
    description: 'Folder with manifest.json and the model files. Unset: /app/models (the images), else the `models` folder of the clone the server runs from (where `pnpm models` assembles them). Relative paths are resolved against the working directory. Start-up fails when it holds no manifest.json.',
  },
  // FACECRAFT_DEFAULT_<OPTION>: one per option the table lets the server default.
  ...OPTION_VARIABLES.map(({ name, default: value, description }) => ({ name, default: value, description })),
  {
    name: 'FACECRAFT_UPLOAD_DIR',
    default: '/app/uploads',
    description: 'Where multipart uploads are streamed while a request runs, one random folder per request, deleted when the request ends whatever its outcome. Created at start-up; leftovers of a crash are removed then.',
  },
  {
    name: 'FACECRAFT_OUTPUT_DIR',
    default: '/app/processed',
    description: 'Where results are kept: <dir>/<job_id>/portrait.png, portrait.jpg, result.json (batch jobs: one numbered folder per item). Survives restarts.',
  },
  {
    name: 'FACECRAFT_MAX_UPLOAD_SIZE_MB',
    default: '20',
    description: 'Largest accepted image file in MB (1 MB = 1,048,576 bytes; fractions allowed), checked while the upload streams; larger uploads get 413.',
  },
  {
    name: 'FACECRAFT_CLEANUP_AGE_HOURS',
    default: '24',
    description: 'Jobs whose folder is older than this many hours are deleted, at start-up and then every hour at most (fractions allowed); a job being downloaded is kept until its download ends. 0 keeps jobs forever.',
  },
  {
    name: 'FACECRAFT_MAX_CONCURRENT_JOBS',
    default: '4',
    description: 'Images admitted at once, running on a worker or waiting for one (a batch counts one per image it has in flight); beyond it requests get 503 with Retry-After.',
  },
  {
    name: 'FACECRAFT_QUEUE_SIZE',
    default: null,
    description: 'Images that may wait for a free worker (0 or more); default: FACECRAFT_MAX_CONCURRENT_JOBS. The number admitted at once is min(FACECRAFT_MAX_CONCURRENT_JOBS, FACECRAFT_WORKERS + FACECRAFT_QUEUE_SIZE).',
  },
  {
    name: 'FACECRAFT_JOB_TIMEOUT_S',
    default: '300',
    description: 'Longest one image may take on its worker, in seconds (fractions allowed; the wait in the queue does not count). Past it the request gets 504 processing_timeout and a fresh worker takes the slot at once, so a stuck job cannot hold a worker; the old one exits when its job ends, keeping its memory until then (at most FACECRAFT_WORKERS such workers at once; beyond that a slot waits for its old worker). 0 means no limit.',
  },
  {
    name: 'FACECRAFT_MAX_CANVAS',
    default: '2048',
    description: `Largest output width or height (and quick size) a request may ask for, ${rangeText(PORTRAIT_OPTION_TABLE.width)}; larger requests get 400. Memory per job grows with its square (a 4096² portrait needs about 1 GB more than a 648² one).`,
  },
  {
    name: 'FACECRAFT_MAX_SEGMENTATION_SIZE',
    default: '1024',
    description: `Largest segmentation_size a request may ask for (${rangeText(PORTRAIT_OPTION_TABLE.segmentationSize)}); larger requests get 400. 2048 needs about 1.5 GB more per job than the default ${PORTRAIT_OPTION_TABLE.segmentationSize.default}.`,
  },
  {
    name: 'FACECRAFT_WORKER_MAX_RSS_MB',
    default: '2048',
    description: 'Memory ceiling per worker: when a job ends with the process above this many MB × FACECRAFT_WORKERS resident, the worker that ran it is replaced by a fresh one before it takes another job, so memory a job left behind is given back. 0 never replaces.',
  },
  { name: 'FACECRAFT_BATCH_MAX_FILES', default: '50', description: 'Most files in one /api/v1/process/batch request (1 to 1000); more get 400.' },
  {
    name: 'FACECRAFT_CORS_ORIGINS',
    default: '*',
    description: 'Origins allowed to call the API from a browser: * for any, or a comma-separated list of origins (https://example.com); empty for no CORS headers.',
  },
  {
    name: 'FACECRAFT_API_KEY',
    default: null,
    description: 'When set, every /api/* request needs it in X-API-Key or Authorization: Bearer; /health, /ready, /status, /docs, /openapi.json and /playground stay open. Unset or empty: no authentication.',
  },
  {
    name: 'FACECRAFT_PLAYGROUND_DIR',
    default: null,
    description: 'Folder served at /playground/ (the Vite build of @facecraft/web). Default: packages/web/dist next to the server package when it exists, else /playground answers 404. Start-up fails when a folder given here does not exist.',
  },
  {
    name: 'FACECRAFT_ROLE',
    default: 'all',
    description: 'all: HTTP API and inference in one process. api: the HTTP API only (no models loaded; jobs go to the queue, results come from the store). worker: inference only, taking jobs from the queue (what `facecraft worker` runs). api and worker need FACECRAFT_QUEUE=bullmq and FACECRAFT_STORE=s3, and refuse to start otherwise: other machines cannot see this one\'s memory or disk.',
  },
  {
    name: 'FACECRAFT_QUEUE',
    default: 'memory',
    description: 'memory: jobs wait in this process (lost when it stops). bullmq: jobs wait on Redis (FACECRAFT_REDIS_URL) through BullMQ, survive restarts, are retried with backoff and taken over from a worker that died.',
  },
  { name: 'FACECRAFT_REDIS_URL', default: null, description: 'Redis for FACECRAFT_QUEUE=bullmq, as redis://[user:password@]host:port[/db] (rediss:// for TLS); required then. Redis 6.2 or newer is recommended (BullMQ needs 5.0).' },
  { name: 'FACECRAFT_QUEUE_LOCK_S', default: '30', description: 'bullmq: seconds a worker\'s lock on its job lasts (renewed while it runs, 1 to 3600); a worker that stops renewing it (killed, machine lost) has its job taken over by another worker after about this long.' },
  { name: 'FACECRAFT_QUEUE_ATTEMPTS', default: '3', description: 'bullmq: tries per job (1 to 20) for failures that may pass (a worker lost, storage or queue trouble), with exponential backoff from 1 s; a verdict on the photo (no face, not an image) is never retried.' },
  {
    name: 'FACECRAFT_STORE',
    default: 'fs',
    description: 'fs: results in FACECRAFT_OUTPUT_DIR on this machine. s3: inputs and results in the S3-compatible bucket FACECRAFT_S3_BUCKET, under inputs/<job_id> and results/<job_id>/ (the same fixed keys on every try, so a retried job overwrites rather than duplicates); cleanup (FACECRAFT_CLEANUP_AGE_HOURS) works on both.',
  },
  { name: 'FACECRAFT_S3_ENDPOINT', default: null, description: 'URL of the S3-compatible server (http://garage:3900, http://seaweedfs:8333, a Ceph RADOS Gateway). Unset: AWS S3 for FACECRAFT_S3_REGION.' },
  { name: 'FACECRAFT_S3_BUCKET', default: null, description: 'Bucket for FACECRAFT_STORE=s3 (required then); it must exist.' },
  { name: 'FACECRAFT_S3_REGION', default: 'us-east-1', description: 'Region sent to the S3 server (most self-hosted servers accept any).' },
  { name: 'FACECRAFT_S3_ACCESS_KEY_ID', default: null, description: 'S3 access key. Unset together with the secret: the AWS SDK\'s default credentials (AWS_* variables, instance role).' },
  { name: 'FACECRAFT_S3_SECRET_ACCESS_KEY', default: null, description: 'S3 secret key; set together with FACECRAFT_S3_ACCESS_KEY_ID.' },
  { name: 'FACECRAFT_S3_FORCE_PATH_STYLE', default: 'false', description: 'true for http://endpoint/bucket/key addressing, which most self-hosted S3 servers need; false for bucket.endpoint (AWS).' },
  { name: 'FACECRAFT_S3_PRESIGNED_DOWNLOADS', default: 'false', description: 'false: downloads stream from the bucket through the API. true: they answer 302 to a presigned URL of the bucket, valid 5 minutes, so the bytes skip the API (clients must reach FACECRAFT_S3_ENDPOINT at the address the API uses).' },
]);

/** Variables of the original that have no meaning here: accepted with a remark, never an error. */
const IGNORED_ORIGINAL_VARIABLES: Readonly<Record<string, string>> = {
  FACECRAFT_PREDICTOR_PATH: 'models come from FACECRAFT_MODELS_DIR/manifest.json',
  FACECRAFT_CODEFORMER_PATH: 'a restoration model is listed in FACECRAFT_MODELS_DIR/manifest.json',
  FACECRAFT_API_URL: 'read by the playground dev server, not by the service',
};

/** Start-up refused: one line per invalid variable. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export { parseBooleanWord };

/** Where this package's folder is (dist/config.js or src/config.ts → the package root). */
export const SERVER_PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PLAYGROUND_DIR = path.resolve(SERVER_PACKAGE_DIR, '../web/dist');

export interface LoadConfigOptions {
  /** Relative directories are resolved against this (default: process.cwd()). */
  readonly cwd?: string;
  /** Where the default playground is looked for (default: packages/web/dist beside this package). */
  readonly defaultPlaygroundDir?: string;
}

/** Parses and validates the FACECRAFT_* variables; throws ConfigError naming every invalid one. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, options: LoadConfigOptions = {}): ServerConfig {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const warnings: string[] = [];

  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
  };
  const defaultOf = (name: string): string | null => CONFIG_VARIABLES.find((v) => v.name === name)?.default ?? null;
  const text = (name: string): string => raw(name) ?? defaultOf(name) ?? '';
  const invalid = (name: string, expected: string, value: string) => {
    problems.push(invalidValue(name, expected, value).message);
  };
  const integer = (name: string, min: number, max: number): number => {
    const value = text(name);
    const n = Number(value);
    if (!/^[+-]?\d+$/.test(value) || n < min || n > max) {
      invalid(name, `an integer from ${min} to ${max}`, value);
      return min;
    }
    return n;
  };
  const decimal = (name: string, min: number, max: number, { exclusiveMin = false } = {}): number => {
    const value = text(name);
    const n = Number(value);
    if (value === '' || !Number.isFinite(n) || (exclusiveMin ? n <= min : n < min) || n > max) {
      invalid(name, `a number ${exclusiveMin ? 'above' : 'from'} ${min}${exclusiveMin ? ' and at most' : ' to'} ${max}`, value);
      return Math.max(min, 0);
    }
    return n;
  };
  const boolean = (name: string): boolean => {
    const value = text(name);
    const b = parseBooleanWord(value);
    if (b === undefined) {
      invalid(name, 'true, false, 1, 0, yes or no', value);
      return false;
    }
    return b;
  };
  const directory = (name: string): string => path.resolve(cwd, text(name));

  const host = text('FACECRAFT_HOST');
  if (/\s/.test(host)) invalid('FACECRAFT_HOST', 'a host name or IP address', host);
  const port = integer('FACECRAFT_PORT', 0, 65535);
  const workers = integer('FACECRAFT_WORKERS', 1, 64);
  const threads = raw('FACECRAFT_THREADS') === undefined ? undefined : integer('FACECRAFT_THREADS', 1, 256);

  const levelText = text('FACECRAFT_LOG_LEVEL').toLowerCase();
  const LEVELS: Record<string, LogLevel> = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', critical: 'error' };
  const chosenLevel = LEVELS[levelText] ?? (invalid('FACECRAFT_LOG_LEVEL', 'debug, info, warn or error', text('FACECRAFT_LOG_LEVEL')), 'info');
  // The original's FACECRAFT_DEBUG: here it means debug logs (there is no reload mode to turn on).
  const logLevel: LogLevel = boolean('FACECRAFT_DEBUG') ? 'debug' : chosenLevel;

  const deviceText = text('FACECRAFT_DEVICE').toLowerCase();
  let device: DeviceSetting = 'auto';
  if (isDeviceRequest('node', deviceText)) device = deviceText;
  else if (deviceText === 'cuda:0') device = 'cuda';
  else if (/^cuda:\d+$/.test(deviceText)) {
    problems.push(`FACECRAFT_DEVICE: only the first visible GPU is used; instead of ${JSON.stringify(deviceText)} set CUDA_VISIBLE_DEVICES=${deviceText.slice(5)} and FACECRAFT_DEVICE=cuda`);
  } else invalid('FACECRAFT_DEVICE', deviceChoicesText('node'), text('FACECRAFT_DEVICE'));

  const variantText = text('FACECRAFT_SEGMENTATION_VARIANT').toLowerCase();
  const segmentationVariant: VariantSetting = variantText === 'auto' || (WEIGHT_TYPES as readonly string[]).includes(variantText) ? (variantText as VariantSetting) : 'auto';
  if (segmentationVariant !== variantText) invalid('FACECRAFT_SEGMENTATION_VARIANT', `auto, ${WEIGHT_TYPES.join(', ')}`, text('FACECRAFT_SEGMENTATION_VARIANT'));

  const modelsDir = defaultModelsDir(env, cwd);
  if (!existsSync(path.join(modelsDir, 'manifest.json'))) {
    const looked = raw('FACECRAFT_MODELS_DIR') === undefined ? ` (looked in ${MODELS_DIR_CANDIDATES.join(' and ')})` : '';
    problems.push(`FACECRAFT_MODELS_DIR: no manifest.json in ${modelsDir}${looked}; run \`pnpm models\` or point it at the model folder`);
  }

  const optionDefaults = readOptionDefaults(raw);
  problems.push(...optionDefaults.problems);

  const uploadDir = directory('FACECRAFT_UPLOAD_DIR');
  const outputDir = directory('FACECRAFT_OUTPUT_DIR');
  for (const [name, dir] of [['FACECRAFT_UPLOAD_DIR', uploadDir], ['FACECRAFT_OUTPUT_DIR', outputDir]] as const) {
    if (existsSync(dir) && !statSync(dir).isDirectory()) problems.push(`${name}: ${dir} exists and is not a folder`);
  }
  if (uploadDir === outputDir) problems.push(`FACECRAFT_UPLOAD_DIR: must differ from FACECRAFT_OUTPUT_DIR (both are ${uploadDir})`);

  const maxUploadMb = decimal('FACECRAFT_MAX_UPLOAD_SIZE_MB', 0, 4096, { exclusiveMin: true });
  const cleanupAgeHours = decimal('FACECRAFT_CLEANUP_AGE_HOURS', 0, 24 * 365 * 100);
  const maxConcurrentJobs = integer('FACECRAFT_MAX_CONCURRENT_JOBS', 1, 10_000);
  const queueSize = raw('FACECRAFT_QUEUE_SIZE') === undefined ? maxConcurrentJobs : integer('FACECRAFT_QUEUE_SIZE', 0, 10_000);
  const jobTimeoutSeconds = decimal('FACECRAFT_JOB_TIMEOUT_S', 0, 86_400);
  const batchMaxFiles = integer('FACECRAFT_BATCH_MAX_FILES', 1, 1000);
  const problemsBefore = problems.length;
  // The ceilings span the option table's own ranges.
  const canvas = PORTRAIT_OPTION_TABLE.width;
  const segmentation = PORTRAIT_OPTION_TABLE.segmentationSize;
  const maxCanvas = integer('FACECRAFT_MAX_CANVAS', canvas.minimum, canvas.maximum);
  const maxSegmentationSize = integer('FACECRAFT_MAX_SEGMENTATION_SIZE', segmentation.minimum, segmentation.maximum);
  if (maxSegmentationSize % segmentation.multipleOf !== 0) invalid('FACECRAFT_MAX_SEGMENTATION_SIZE', `a multiple of ${segmentation.multipleOf}`, text('FACECRAFT_MAX_SEGMENTATION_SIZE'));
  const defaults = problems.length > problemsBefore ? optionDefaults.defaults : defaultsUnderCeilings(optionDefaults, { maxCanvas, maxSegmentationSize }, problems);
  const workerMaxRssMb = integer('FACECRAFT_WORKER_MAX_RSS_MB', 0, 1_048_576);

  const corsText = env.FACECRAFT_CORS_ORIGINS === undefined ? '*' : env.FACECRAFT_CORS_ORIGINS.trim();
  let corsOrigins: string[] = [];
  if (corsText === '*') corsOrigins = ['*'];
  else if (corsText !== '') {
    for (const entry of corsText.split(',').map((s) => s.trim()).filter(Boolean)) {
      let origin: string | undefined;
      try {
        const url = new URL(entry);
        if ((url.protocol === 'http:' || url.protocol === 'https:') && url.origin === entry.replace(/\/$/, '')) origin = url.origin;
      } catch {
        // reported below
      }
      if (origin) corsOrigins.push(origin);
      else invalid('FACECRAFT_CORS_ORIGINS', '* or comma-separated origins such as https://example.com', entry);
    }
  }

  const apiKeyText = env.FACECRAFT_API_KEY;
  const apiKey = apiKeyText === undefined || apiKeyText.trim() === '' ? undefined : apiKeyText.trim();
  if (apiKey !== undefined && apiKey.length < 8) warnings.push('FACECRAFT_API_KEY is shorter than 8 characters; use a long random key');

  let playgroundDir: string | undefined;
  const playgroundText = raw('FACECRAFT_PLAYGROUND_DIR');
  if (playgroundText !== undefined) {
    playgroundDir = path.resolve(cwd, playgroundText);
    if (!existsSync(playgroundDir) || !statSync(playgroundDir).isDirectory()) {
      problems.push(`FACECRAFT_PLAYGROUND_DIR: ${playgroundDir} is not a folder (build it with \`pnpm --filter @facecraft/web build\`, or unset the variable)`);
      playgroundDir = undefined;
    }
  } else {
    const candidate = options.defaultPlaygroundDir ?? DEFAULT_PLAYGROUND_DIR;
    if (existsSync(path.join(candidate, 'index.html'))) playgroundDir = candidate;
  }

  const scale = scaleSettings(text, raw, integer, boolean, problems);

  const known = new Set(CONFIG_VARIABLES.map((v) => v.name));
  for (const name of Object.keys(env)) {
    if (!name.startsWith('FACECRAFT_') || known.has(name)) continue;
    const why = IGNORED_ORIGINAL_VARIABLES[name];
    warnings.push(why ? `${name} is not used: ${why}` : `${name} is not a Facecraft setting (typo?); it is ignored`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    host,
    port,
    workers,
    threads,
    logLevel,
    device,
    segmentationVariant,
    modelsDir,
    defaults,
    uploadDir,
    outputDir,
    maxUploadBytes: Math.floor(maxUploadMb * 1024 * 1024),
    cleanupAgeMs: cleanupAgeHours * 3600 * 1000,
    maxConcurrentJobs,
    queueSize,
    jobTimeoutMs: Math.round(jobTimeoutSeconds * 1000),
    batchMaxFiles,
    maxCanvas,
    maxSegmentationSize,
    maxRssBytes: workerMaxRssMb * workers * 1024 * 1024,
    corsOrigins: Object.freeze(corsOrigins),
    apiKey,
    playgroundDir,
    ...scale,
    warnings: Object.freeze(warnings),
  });
}

/** FACECRAFT_ROLE, the queue and the store: each checked alone, then against each other. */
function scaleSettings(
  text: (name: string) => string,
  raw: (name: string) => string | undefined,
  integer: (name: string, min: number, max: number) => number,
  boolean: (name: string) => boolean,
  problems: string[],
): Pick<ServerConfig, 'role' | 'queue' | 'redisUrl' | 'queueLockMs' | 'queueAttempts' | 'store' | 's3'> {
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T => {
    const value = text(name).toLowerCase();
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name}: expected ${allowed.join(', ')} but received ${JSON.stringify(text(name))}`);
    return allowed[0];
  };
  const role = oneOf<Role>('FACECRAFT_ROLE', ['all', 'api', 'worker']);
  const queue = oneOf('FACECRAFT_QUEUE', ['memory', 'bullmq'] as const);
  const store = oneOf('FACECRAFT_STORE', ['fs', 's3'] as const);
  const queueLockMs = integer('FACECRAFT_QUEUE_LOCK_S', 1, 3600) * 1000;
  const queueAttempts = integer('FACECRAFT_QUEUE_ATTEMPTS', 1, 20);

  const redisUrl = raw('FACECRAFT_REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) problems.push(`FACECRAFT_REDIS_URL: expected redis://host:port or rediss://host:port but received ${JSON.stringify(redisUrl)}`);
  if (queue === 'bullmq' && redisUrl === undefined) problems.push('FACECRAFT_REDIS_URL: required with FACECRAFT_QUEUE=bullmq (for example redis://127.0.0.1:6379)');

  let s3: S3Settings | undefined;
  const forcePathStyle = boolean('FACECRAFT_S3_FORCE_PATH_STYLE');
  const presignedDownloads = boolean('FACECRAFT_S3_PRESIGNED_DOWNLOADS');
  if (store === 's3') {
    const endpoint = raw('FACECRAFT_S3_ENDPOINT');
    if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) problems.push(`FACECRAFT_S3_ENDPOINT: expected an http:// or https:// URL but received ${JSON.stringify(endpoint)}`);
    const bucket = raw('FACECRAFT_S3_BUCKET');
    if (bucket === undefined) problems.push('FACECRAFT_S3_BUCKET: required with FACECRAFT_STORE=s3');
    const accessKeyId = raw('FACECRAFT_S3_ACCESS_KEY_ID');
    const secretAccessKey = raw('FACECRAFT_S3_SECRET_ACCESS_KEY');
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) problems.push('FACECRAFT_S3_ACCESS_KEY_ID and FACECRAFT_S3_SECRET_ACCESS_KEY: set both, or neither for the default AWS credentials');
    s3 = Object.freeze({ endpoint, bucket: bucket ?? '', region: text('FACECRAFT_S3_REGION'), accessKeyId, secretAccessKey, forcePathStyle, presignedDownloads });
  }

  // Replicas and workers on other machines share only the queue and the store.
  if (role !== 'all') {
    if (store === 'fs') problems.push(`FACECRAFT_ROLE=${role} needs FACECRAFT_STORE=s3: with the local fs store, results written on one machine cannot be read by the API replicas and workers on the others`);
    if (queue === 'memory') problems.push(`FACECRAFT_ROLE=${role} needs FACECRAFT_QUEUE=bullmq: the memory queue lives inside one process, so ${role === 'api' ? 'no worker could take its jobs' : 'no API could hand this worker jobs'}`);
  }
  return { role, queue, redisUrl, queueLockMs, queueAttempts, store, s3 };
}

/** The configuration table in Markdown, as the README shows it. */
export function configTableMarkdown(): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const rows = CONFIG_VARIABLES.map((v) => `| \`${v.name}\` | ${v.default === null ? '(unset)' : `\`${v.default}\``} | ${escape(v.description)} |`);
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}
