// What the manifest says about each model is true of the assembled file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: the assembly's plain .mjs helpers, without type declarations
import { decodeModel, onnx } from '../lib/onnx-graph.mjs';
import { modelsDir, readManifest } from './helpers.js';

const manifest = await readManifest();

describe.each(manifest.models.map((m) => [m.id, m] as const))('manifest entry %s', (_id, entry) => {
  it('names the file\'s real inputs and outputs', async () => {
    const session = await ort.InferenceSession.create(path.join(modelsDir, entry.file), { logSeverityLevel: 3 });
    expect(session.inputNames).toEqual(entry.inputs);
    expect(session.outputNames).toEqual(entry.outputs);
    await session.release();
  });

  it('states the element type of the stored weights', async () => {
    const model = decodeModel(await readFile(path.join(modelsDir, entry.file)));
    const { FLOAT, FLOAT16, INT8 } = onnx.TensorProto.DataType;
    const weightType = (entry as unknown as { weightType?: string }).weightType ?? 'float32';
    if (weightType === 'int8') {
      // QDQ: every Conv weight is an int8 tensor behind a DequantizeLinear; float appears only in scales and float-kept layers.
      const initializers = new Map(model.graph.initializer.map((t: { name: string }) => [t.name, t]));
      const producers = new Map(model.graph.node.flatMap((n: { output: string[] }) => n.output.map((o) => [o, n])));
      const convWeights = model.graph.node.filter((n: { opType: string }) => n.opType === 'Conv').map((n: { input: string[] }) => n.input[1]);
      const quantized = convWeights.filter((w: string) => initializers.get(producers.get(w)?.input?.[0])?.dataType === INT8);
      expect(quantized.length).toBeGreaterThan(convWeights.length * 0.9);
      expect(model.graph.initializer.some((t: { dataType: number }) => t.dataType === FLOAT16)).toBe(false);
      return;
    }
    const floatTypes = new Set<number>();
    for (const tensor of model.graph.initializer) {
      if (tensor.dataType === FLOAT || tensor.dataType === FLOAT16) floatTypes.add(tensor.dataType);
    }
    expect([...floatTypes]).toEqual([weightType === 'float16' ? FLOAT16 : FLOAT]);
  });
});
