// @ts-check
// MaxPool with ceil_mode=1 rewritten as ceil_mode=0 with one more padded row and column at the
// end: the same outputs (MaxPool ignores padding), but a form onnxruntime-web's WebGPU MaxPool
// runs — as of 1.30 it computes ceil_mode's output shape but not its kernel ("ceil_mode kernel
// execution (padding) is not yet implemented"). ISNet's 33 MaxPools are all 2×2, stride 2, no pads.
//
// Why it is exact: with k = s and no pads, ceil((H − k)/s) + 1 = floor((H + s − 1 − k)/s) + 1 for
// every H ≥ k, and the last ceil-mode window always starts inside the input, so no window is
// dropped or added; the extra padded cell is never the maximum.
import { onnx } from '../lib/onnx-graph.mjs';

/** @param {import('onnx-proto').onnx.INodeProto} node @param {string} name */
const attribute = (node, name) => node.attribute?.find((a) => a.name === name);

/** @param {import('onnx-proto').onnx.IModelProto} model  edited in place; returns how many MaxPools changed */
export function rewriteMaxPoolCeilMode(model) {
  let changed = 0;
  for (const node of model.graph?.node ?? []) {
    if (node.opType !== 'MaxPool' || Number(attribute(node, 'ceil_mode')?.i ?? 0) !== 1) continue;
    const kernel = (attribute(node, 'kernel_shape')?.ints ?? []).map(Number);
    const strides = (attribute(node, 'strides')?.ints ?? kernel.map(() => 1)).map(Number);
    const pads = (attribute(node, 'pads')?.ints ?? kernel.map(() => [0, 0]).flat()).map(Number);
    const autoPad = attribute(node, 'auto_pad')?.s;
    const dilations = (attribute(node, 'dilations')?.ints ?? []).map(Number);
    const plain = kernel.every((k, i) => k === strides[i]) && pads.every((p) => p === 0) && dilations.every((d) => d === 1) && (!autoPad || Buffer.from(autoPad).toString() === 'NOTSET');
    if (!plain) throw new Error(`MaxPool ${node.name}: only kernel = stride, no pads, no dilation can be rewritten exactly (kernel ${kernel}, strides ${strides}, pads ${pads})`);
    const newPads = [...kernel.map(() => 0), ...strides.map((s) => s - 1)];
    node.attribute = (node.attribute ?? []).filter((a) => a.name !== 'ceil_mode' && a.name !== 'pads');
    node.attribute.push(onnx.AttributeProto.create({ name: 'pads', type: onnx.AttributeProto.AttributeType.INTS, ints: newPads }));
    changed++;
  }
  return changed;
}
