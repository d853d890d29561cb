// The converted 68-point landmark model must compute what face-api computes with its own
// TF.js weights: same network, only a different runtime.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, modelsDir } from './helpers.js';

const require = createRequire(import.meta.url);
const faceApiDir = path.dirname(require.resolve('@vladmandic/face-api/package.json'));

async function faceCrop(file: string, left: number, top: number, side: number): Promise<Uint8Array> {
  const { data } = await sharp(path.join(fixturesDir, file))
    .extract({ left, top, width: side, height: side })
    .resize(112, 112)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

describe('face-landmark-68.onnx', () => {
  let faceApiLandmarks: (rgb: Uint8Array) => Promise<Float32Array>;
  let onnxLandmarks: (rgb: Uint8Array) => Promise<Float32Array>;

  beforeAll(async () => {
    const tf = require('@tensorflow/tfjs');
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
    await tf.setBackend('cpu');
    const manifest = JSON.parse(await readFile(path.join(faceApiDir, 'model/face_landmark_68_model-weights_manifest.json'), 'utf8'));
    const bin = await readFile(path.join(faceApiDir, 'model/face_landmark_68_model.bin'));
    const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length), manifest[0].weights);
    const net = new faceapi.FaceLandmark68Net();
    net.loadFromWeightMap(weights);
    faceApiLandmarks = async (rgb) => {
      const input = tf.tensor4d(Float32Array.from(rgb), [1, 112, 112, 3]);
      const output = await net.forward(input);
      const values = (await output.data()) as Float32Array;
      input.dispose();
      output.dispose();
      return values;
    };
    const session = await ort.InferenceSession.create(path.join(modelsDir, 'face-landmark-68.onnx'), { logSeverityLevel: 3 });
    onnxLandmarks = async (rgb) => {
      const plane = 112 * 112;
      const nchw = new Float32Array(plane * 3);
      for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) nchw[c * plane + i] = rgb[i * 3 + c];
      const out = await session.run({ input: new ort.Tensor('float32', nchw, [1, 3, 112, 112]) });
      return out.landmarks.data as Float32Array;
    };
  });

  it.each([
    ['portrait-1.jpg', 280, 180, 240],
    ['portrait-5.jpg', 250, 160, 270],
    ['astronaut.png', 160, 60, 130],
  ])('matches face-api on TF.js for a face in %s', async (file, left, top, side) => {
    const rgb = await faceCrop(file, left, top, side);
    const reference = await faceApiLandmarks(rgb);
    const converted = await onnxLandmarks(rgb);
    expect(converted.length).toBe(136);
    let maxDifference = 0;
    for (let i = 0; i < 136; i++) maxDifference = Math.max(maxDifference, Math.abs(converted[i] - reference[i]));
    // Both in [0, 1] of the 112-pixel crop: 1e-4 is a hundredth of a pixel.
    expect(maxDifference).toBeLessThan(1e-4);
    // And they are real landmarks: the eyes (36–47) sit above the mouth (48–67) inside the crop.
    const meanY = (from: number, to: number) => {
      let sum = 0;
      for (let i = from; i < to; i++) sum += converted[i * 2 + 1];
      return sum / (to - from);
    };
    expect(meanY(36, 48)).toBeLessThan(meanY(48, 68));
    expect(Math.min(...converted)).toBeGreaterThan(-0.2);
    expect(Math.max(...converted)).toBeLessThan(1.2);
  });
});

describe('model assembly', () => {
  const run = promisify(execFile);
  const script = path.join(modelsDir, 'assemble-models.mjs');

  it('leaves correct files alone and says so', async () => {
    const { stdout } = await run('node', [script]);
    const manifest = JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: unknown[] };
    expect(stdout.match(/already present/g)?.length).toBe(manifest.models.length);
  });

  it('rebuilds a corrupted file into another folder and verifies it', async () => {
    const { mkdtemp, writeFile, readFile: read } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { createHash } = await import('node:crypto');
    const out = await mkdtemp(path.join(tmpdir(), 'facecraft-models-'));
    await writeFile(path.join(out, 'blazeface-front-128.onnx'), 'not a model');
    const { stdout } = await run('node', [script, '--out', out, '--only', 'blazeface-front-128,landmarks-68']);
    expect(stdout).toMatch(/rebuild\s+blazeface-front-128/);
    expect(stdout).toMatch(/built\s+landmarks-68/);
    const manifest = JSON.parse(await read(path.join(out, 'manifest.json'), 'utf8'));
    for (const id of ['blazeface-front-128', 'landmarks-68']) {
      const entry = manifest.models.find((m: { id: string }) => m.id === id);
      const digest = createHash('sha256').update(await read(path.join(out, entry.file))).digest('hex');
      expect(digest).toBe(entry.sha256);
    }
  });

  it('fails loudly when a built file does not match the manifest', async () => {
    const { mkdtemp, writeFile, readFile: read } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(path.join(tmpdir(), 'facecraft-manifest-'));
    const manifest = JSON.parse(await read(path.join(modelsDir, 'manifest.json'), 'utf8'));
    const entry = manifest.models.find((m: { id: string }) => m.id === 'blazeface-back-256');
    entry.sha256 = '0'.repeat(64);
    manifest.models = [entry];
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    const failure = await run('node', [script, '--manifest', path.join(dir, 'manifest.json'), '--out', dir]).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/FAILED\s+blazeface-back-256: sha256 mismatch/);
  });
});
