// Which workspace packages need building: a package is rebuilt when a file it is built from
// changed (name, size or mtime) since its last successful build, when its output folder is
// missing, or when a workspace package it depends on is rebuilt. The stamps live in
// node_modules/.cache, so a fresh install (or `rm -rf node_modules`) starts from a full build.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Folders inside a package that are not build inputs: outputs, dependencies, tests, benchmarks. */
const NOT_INPUTS = new Set(['node_modules', 'dist', 'test', 'test-results', 'bench', 'coverage', '.tmp']);
/** Files of the whole workspace that every build reads. */
const SHARED_INPUTS = ['pnpm-lock.yaml', 'tsconfig.base.json'];

export const stampsFile = (root) => path.join(root, 'node_modules/.cache/facecraft/build-stamps.json');

function inputFiles(dir, prefix = '') {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && NOT_INPUTS.has(entry.name)) continue;
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...inputFiles(path.join(dir, entry.name), relative));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

/** A digest of every input file's path, size and mtime: equal digests mean nothing changed. */
export function inputsStamp(root, packageDir) {
  const hash = createHash('sha256');
  const entries = [...SHARED_INPUTS.map((f) => [f, path.join(root, f)]), ...inputFiles(path.join(root, packageDir)).sort().map((f) => [path.join(packageDir, f), path.join(root, packageDir, f)])];
  for (const [name, file] of entries) {
    if (!existsSync(file)) continue;
    const { size, mtimeMs } = statSync(file);
    hash.update(`${name}\0${size}\0${mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/** The workspace packages that have a build script, in dependency order (packages/* by name otherwise). */
export function workspacePackages(root) {
  const packages = readdirSync(path.join(root, 'packages'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(root, 'packages', e.name, 'package.json')))
    .map((e) => {
      const dir = path.join('packages', e.name);
      const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'));
      // Only runtime dependencies cascade: a devDependency's build does not change this output.
      const dependsOn = Object.entries(manifest.dependencies ?? {}).filter(([, v]) => String(v).startsWith('workspace:')).map(([n]) => n);
      return { name: manifest.name, dir, dependsOn, builds: Boolean(manifest.scripts?.build) };
    })
    .filter((p) => p.builds)
    .sort((a, b) => a.name.localeCompare(b.name));
  const ordered = [];
  const visit = (pkg, seen = new Set()) => {
    if (ordered.includes(pkg) || seen.has(pkg.name)) return;
    seen.add(pkg.name);
    for (const dep of pkg.dependsOn) {
      const found = packages.find((p) => p.name === dep);
      if (found) visit(found, seen);
    }
    ordered.push(pkg);
  };
  packages.forEach((p) => visit(p));
  return ordered;
}

export function readStamps(root) {
  try {
    return JSON.parse(readFileSync(stampsFile(root), 'utf8'));
  } catch {
    return {};
  }
}

export function writeStamp(root, name, stamp) {
  const stamps = readStamps(root);
  stamps[name] = stamp;
  mkdirSync(path.dirname(stampsFile(root)), { recursive: true });
  writeFileSync(stampsFile(root), `${JSON.stringify(stamps, null, 2)}\n`);
}

/** Each package with its current stamp and, when it must be built, why. */
export function planBuilds(root) {
  const stamps = readStamps(root);
  const rebuilt = new Set();
  return workspacePackages(root).map((pkg) => {
    const stamp = inputsStamp(root, pkg.dir);
    const dependency = pkg.dependsOn.find((d) => rebuilt.has(d));
    const reason = !existsSync(path.join(root, pkg.dir, 'dist'))
      ? 'no dist/ yet'
      : stamps[pkg.name] === undefined
        ? 'no record of a previous build'
        : stamps[pkg.name] !== stamp
          ? 'sources changed'
          : dependency
            ? `${dependency} is rebuilt`
            : undefined;
    if (reason) rebuilt.add(pkg.name);
    return { ...pkg, stamp, reason };
  });
}
