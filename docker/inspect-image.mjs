#!/usr/bin/env node
// Checks a built Facecraft image: its config (from `podman image inspect`) and, when its root
// filesystem is mounted (`buildah mount`), the files in it. Prints one JSON line; exits 1 with one
// line per problem.
//
//   podman image inspect IMAGE > image.json
//   node docker/inspect-image.mjs --config image.json --flavour cpu|gpu --version X.Y.Z [--rootfs DIR]
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    flavour: { type: 'string' },
    version: { type: 'string' },
    rootfs: { type: 'string' },
  },
});
if (!values.config || !['cpu', 'gpu'].includes(values.flavour ?? '') || !values.version) {
  console.error('usage: inspect-image.mjs --config image.json --flavour cpu|gpu --version X.Y.Z [--rootfs DIR]');
  process.exit(2);
}

const problems = [];
const notes = [];
const expect = (ok, message) => {
  if (!ok) problems.push(message);
};

const [image] = JSON.parse(await readFile(values.config, 'utf8'));
const config = image.Config ?? {};
const env = Object.fromEntries((config.Env ?? []).map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));

// --- the image config --------------------------------------------------------------------------
expect(config.User === '1000:1000', `User is ${JSON.stringify(config.User)}, expected "1000:1000"`);
expect(Object.hasOwn(config.ExposedPorts ?? {}, '8000/tcp'), `ExposedPorts lacks 8000/tcp (${JSON.stringify(config.ExposedPorts)})`);
for (const volume of ['/app/uploads', '/app/processed']) expect(Object.hasOwn(config.Volumes ?? {}, volume), `no VOLUME ${volume}`);
expect(config.WorkingDir === '/app', `WorkingDir is ${JSON.stringify(config.WorkingDir)}`);
expect(JSON.stringify(config.Entrypoint) === JSON.stringify(['node', '/app/bin/facecraft.js']), `Entrypoint is ${JSON.stringify(config.Entrypoint)}`);
expect(JSON.stringify(config.Cmd) === JSON.stringify(['serve']), `Cmd is ${JSON.stringify(config.Cmd)}`);

const health = image.HealthCheck ?? image.Healthcheck ?? config.Healthcheck ?? config.HealthCheck;
if (!health) {
  problems.push('no HEALTHCHECK (built with --format oci? it keeps none)');
} else {
  expect((health.Test ?? []).join(' ').includes('/ready'), `the HEALTHCHECK does not ask /ready: ${JSON.stringify(health.Test)}`);
  expect((health.StartPeriod ?? 0) >= 30e9, `the HEALTHCHECK start period is ${(health.StartPeriod ?? 0) / 1e9} s, too short for model loading`);
}

const wantedEnv = {
  FACECRAFT_HOST: '0.0.0.0',
  FACECRAFT_PORT: '8000',
  FACECRAFT_DEVICE: values.flavour === 'cpu' ? 'cpu' : 'auto',
  FACECRAFT_MODELS_DIR: '/app/models',
  FACECRAFT_UPLOAD_DIR: '/app/uploads',
  FACECRAFT_OUTPUT_DIR: '/app/processed',
  FACECRAFT_PLAYGROUND_DIR: '/app/playground',
  NODE_ENV: 'production',
  ORT_DISABLE_TELEMETRY: '1',
  // What scripts/fast-malloc.sh sets outside the images: onnxruntime's activations on huge pages.
  GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
};
for (const [name, value] of Object.entries(wantedEnv)) expect(env[name] === value, `ENV ${name}=${JSON.stringify(env[name])}, expected ${JSON.stringify(value)}`);

const labels = config.Labels ?? image.Labels ?? {};
for (const key of ['title', 'description', 'version', 'source', 'licenses', 'revision', 'created']) {
  expect(Boolean(labels[`org.opencontainers.image.${key}`]), `label org.opencontainers.image.${key} is missing`);
}
expect(labels['org.opencontainers.image.version'] === values.version, `label version is ${labels['org.opencontainers.image.version']}, expected ${values.version}`);
for (const key of ['revision', 'created']) {
  if (labels[`org.opencontainers.image.${key}`] === 'unknown') notes.push(`label ${key} is "unknown" (built outside a git checkout?)`);
}
const tags = image.RepoTags ?? [];
expect(!tags.some((tag) => tag.endsWith(':latest')), `tagged :latest (${tags.join(', ')})`);

// --- the files, when the root filesystem is mounted ---------------------------------------------
const files = {};
if (values.rootfs) {
  const root = values.rootfs;
  const at = (p) => path.join(root, p);
  const sha256 = (file) =>
    new Promise((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(file).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
    });

  const manifestPath = at('app/models/manifest.json');
  if (!existsSync(manifestPath)) {
    problems.push('/app/models/manifest.json is missing');
  } else {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    files.models = {};
    for (const model of manifest.models) {
      const file = at(`app/models/${model.file}`);
      if (!existsSync(file)) {
        problems.push(`model ${model.id}: /app/models/${model.file} is missing`);
        continue;
      }
      const digest = await sha256(file);
      expect(digest === model.sha256, `model ${model.id}: sha256 ${digest} differs from the manifest's ${model.sha256}`);
      files.models[model.id] = statSync(file).size;
    }
    const extra = readdirSync(at('app/models')).filter((name) => name !== 'manifest.json' && !manifest.models.some((m) => m.file === name));
    expect(extra.length === 0, `/app/models holds files the manifest does not list: ${extra.join(', ')}`);
  }

  for (const dir of ['app/uploads', 'app/processed']) {
    const stat = statSync(at(dir), { throwIfNoEntry: false });
    expect(stat?.isDirectory() && stat.uid === 1000, `/${dir} is not a folder owned by uid 1000`);
  }
  // What uid 1000 must not be able to change: the app, its dependencies, the models.
  for (const dir of ['app', 'app/models', 'app/node_modules', 'app/dist', 'app/playground']) {
    const stat = statSync(at(dir), { throwIfNoEntry: false });
    expect(stat && stat.uid === 0 && (stat.mode & 0o022) === 0, `/${dir} is missing, or not root-owned and closed to others`);
  }
  expect(existsSync(at('app/docker/healthcheck.cjs')), '/app/docker/healthcheck.cjs is missing');
  expect(existsSync(at('app/playground/index.html')), '/app/playground has no index.html (the web build is missing)');

  const store = at('app/node_modules/.pnpm');
  const packages = existsSync(store) ? readdirSync(store) : [];
  expect(packages.length > 0, '/app/node_modules/.pnpm is empty or missing');
  const dev = packages.filter((name) => /^(typescript|vitest|vite|tsx|@tensorflow\+|@vladmandic\+|playwright-core|onnx-proto)@/.test(name));
  expect(dev.length === 0, `development packages in the runtime: ${dev.join(', ')}`);
  const ort = packages.find((name) => name.startsWith('onnxruntime-node@'));
  if (ort) {
    const binRoot = path.join(store, ort, 'node_modules/onnxruntime-node/bin/napi-v6');
    const platforms = readdirSync(binRoot).flatMap((os) => readdirSync(path.join(binRoot, os)).map((arch) => `${os}/${arch}`));
    expect(JSON.stringify(platforms) === JSON.stringify(['linux/x64']), `onnxruntime-node carries binaries for ${platforms.join(', ')}`);
    const bin = path.join(binRoot, 'linux/x64');
    files.onnxruntime = readdirSync(bin);
    files.cuda_provider = existsSync(path.join(bin, 'libonnxruntime_providers_cuda.so'));
    if (values.flavour === 'cpu') expect(!files.cuda_provider, 'the CPU image carries the CUDA provider');
  } else {
    problems.push('onnxruntime-node is not in /app/node_modules');
  }
  expect(!existsSync(at('app/models/cache')) && !existsSync(at('src')), 'build leftovers (/app/models/cache or /src) in the image');
}

const result = { flavour: values.flavour, user: config.User, tags, labels, healthcheck: health?.Test, start_period_s: (health?.StartPeriod ?? 0) / 1e9, files, notes };
console.log(JSON.stringify(result));
for (const problem of problems) console.error(`image (${values.flavour}): ${problem}`);
process.exit(problems.length ? 1 : 0);
