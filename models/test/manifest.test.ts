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
    const floatTypes = new Set<number>();
    for (const tensor of model.graph.initializer) {
      if (tensor.dataType === onnx.TensorProto.DataType.FLOAT || tensor.dataType === onnx.TensorProto.DataType.FLOAT16) floatTypes.add(tensor.dataType);
    }
    const expected = (entry as unknown as { weightType: string }).weightType === 'float16' ? onnx.TensorProto.DataType.FLOAT16 : onnx.TensorProto.DataType.FLOAT;
    expect([...floatTypes]).toEqual([expected]);
  });
});
