/**
 * How far the int8 ISNet's output moves with the machine's CPU: the same model and input run on
 * onnxruntime-node (native x86 kernels) and on onnxruntime-web's WASM build (in Node, no browser),
 * each compared with the float32 ISNet on onnxruntime-node. Writes
 * bench/results/isnet-int8-drift.json with the CPU's name and the instruction-set flags that pick
 * the native int8 kernels (AVX2, AVX-512, VNNI).
 *
 *   tsx bench/isnet-int8-drift.mts
 *
 * Why: the quality bench gave different numbers for the same commit on two machines of this
 * project. 8-bit dot products on x86 without VNNI (SSE, AVX2, AVX-512 before VNNI) add pairs of
 * uint8 × int8 products into a saturating 16-bit sum (OpenVINO's "saturation issue" page; VNNI
 * sums into 32 bits), and our weights use the full ±127 with activations 0–255. On a 2-core AMD
 * EPYC with AVX2 and no VNNI (2026-12-06), the native int8 output lay 3.6× and 5.3× farther from
 * float32 than the WASM build's on two of the four photos (mean |Δα|; 1.6 % and 3.1 % of pixels
 * off by more than 0.1, against 0 and 0.17 %) and as near on the other two: the same quantised
 * model, so it is the native kernels that drift, not the quantisation.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as ortNode from 'onnxruntime-node';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// onnxruntime-web is the core's dependency (the browser's runtime), not the workspace root's.
const ortWeb = createRequire(path.join(root, 'packages/core/package.json'))('onnxruntime-web') as typeof import('onnxruntime-web');
const PHOTOS = ['packages/core/test/fixtures/portrait-1.jpg', 'packages/core/test/fixtures/portrait-5.jpg', 'packages/core/test/fixtures/group-3.jpg', 'bench/quality/photos/bar-night-couple-flash.jpg'];
const SIZE = 768;
const models = path.join(root, 'models');

const cpuFlags = (() => {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    const flags = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    return ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_int8'].filter((f) => flags.has(f));
  } catch {
    return [];
  }
})();

const nodeSession = (file: string, session: Record<string, string> = {}) => ortNode.InferenceSession.create(path.join(models, file), { intraOpNumThreads: 2, extra: { session } });
const [nodeInt8, nodeFp32] = [await nodeSession('isnet-int8.onnx'), await nodeSession('isnet-fp32.onnx')];
// What the pipeline runs (ort-node-backend.ts): onnxruntime's x64quantprecision, uint8 × uint8 where the CPU would saturate.
const nodeInt8Precise = await nodeSession('isnet-int8.onnx', { x64quantprecision: '1' });
ortWeb.env.wasm.numThreads = 1;
const wasmInt8 = await ortWeb.InferenceSession.create(readFileSync(path.join(models, 'isnet-int8.onnx')), { executionProviders: ['wasm'] });

type Session = { inputNames: readonly string[]; outputNames: readonly string[]; run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>> };
async function alphaOf(session: Session, Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => unknown, input: Float32Array): Promise<Float32Array> {
  const out = await session.run({ [session.inputNames[0]]: new Tensor('float32', input, [1, 3, SIZE, SIZE]) });
  const logits = out[session.outputNames[0]].data as Float32Array;
  return logits.map((v) => Math.min(1, Math.max(0, v)));
}

/** Mean |a − b| and the share of pixels that differ by more than 0.1. */
function difference(a: Float32Array, b: Float32Array) {
  let sum = 0;
  let far = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > 0.1) far++;
  }
  return { meanAbs: Number((sum / a.length).toFixed(4)), over0_1: Number((far / a.length).toFixed(4)) };
}

const rows = [];
for (const file of PHOTOS) {
  // ISNet's own input: the photo squashed to SIZE², (x − 128) / 256 per channel.
  const { data } = await sharp(path.join(root, file)).resize(SIZE, SIZE, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const input = new Float32Array(3 * SIZE * SIZE);
  for (let i = 0; i < SIZE * SIZE; i++) for (let c = 0; c < 3; c++) input[c * SIZE * SIZE + i] = (data[i * 3 + c] - 128) / 256;
  const fp32 = await alphaOf(nodeFp32, ortNode.Tensor, input);
  const native = await alphaOf(nodeInt8, ortNode.Tensor, input);
  const precise = await alphaOf(nodeInt8Precise, ortNode.Tensor, input);
  const wasm = await alphaOf(wasmInt8 as unknown as Session, ortWeb.Tensor, input);
  const row = { photo: path.basename(file), nativeInt8VsFp32: difference(native, fp32), nativeInt8PreciseVsFp32: difference(precise, fp32), wasmInt8VsFp32: difference(wasm, fp32), nativeVsWasmInt8: difference(native, wasm) };
  console.log(JSON.stringify(row));
  rows.push(row);
}
const report = { name: 'int8 ISNet against float32, native and WASM', machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, flags: cpuFlags }, date: new Date().toISOString().slice(0, 10), inputSize: SIZE, rows };
writeFileSync(path.join(root, 'bench/results/isnet-int8-drift.json'), `${JSON.stringify(report, null, 1)}\n`);
