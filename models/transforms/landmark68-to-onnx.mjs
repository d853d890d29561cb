// @ts-check
// Converts face-api's 68-point landmark net (TF.js weights: a uint8-quantised weights
// manifest + .bin) into an ONNX graph so that every model runs on one runtime, onnxruntime,
// in Node and in the browser. The architecture is face-api's FaceLandmark68Net:
// 4 dense blocks of (depthwise-)separable convolutions → 7×7 average pool → fully connected.
//
// Graph input  `input`     float32 [N, 3, 112, 112], RGB 0..255 (normalisation is inside)
// Graph output `landmarks` float32 [N, 136], (x, y) pairs in [0, 1] of the input square
import { floatTensor, floatValueInfo, node, onnx } from '../lib/onnx-graph.mjs';

const MEAN_RGB = [122.782, 117.001, 104.298];

/**
 * Dequantises the weights the way TF.js's io.decodeWeights does: value = q · scale + min.
 * @param {any[]} manifest parsed `*-weights_manifest.json` @param {Uint8Array} bin
 * @returns {Map<string, { shape: number[], values: Float32Array }>}
 */
export function decodeTfjsWeights(manifest, bin) {
  const weights = new Map();
  let offset = 0;
  for (const group of manifest) {
    for (const spec of group.weights) {
      const count = spec.shape.reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1);
      const values = new Float32Array(count);
      const q = spec.quantization;
      if (q) {
        if (q.dtype !== 'uint8') throw new Error(`Unsupported quantisation ${q.dtype} for ${spec.name}`);
        for (let i = 0; i < count; i++) values[i] = bin[offset + i] * q.scale + q.min;
        offset += count;
      } else {
        if (spec.dtype !== 'float32') throw new Error(`Unsupported dtype ${spec.dtype} for ${spec.name}`);
        values.set(new Float32Array(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + count * 4)));
        offset += count * 4;
      }
      weights.set(spec.name, { shape: spec.shape, values });
    }
  }
  if (offset !== bin.length) throw new Error(`Weights manifest covers ${offset} bytes but the .bin holds ${bin.length}`);
  return weights;
}

/** TF's HWIO (or HWC1 for depthwise) filter layout → ONNX's OIHW. */
function toOIHW(/** @type {number[]} */ shape, /** @type {Float32Array} */ values, depthwise = false) {
  const [h, w, i, o] = shape;
  const outCh = depthwise ? i : o;
  const inCh = depthwise ? 1 : i;
  const out = new Float32Array(values.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < i; c++)
        for (let k = 0; k < o; k++) {
          const src = ((y * w + x) * i + c) * o + k;
          const oc = depthwise ? c : k;
          const ic = depthwise ? 0 : c;
          out[((oc * inCh + ic) * h + y) * w + x] = values[src];
        }
  return { dims: [outCh, inCh, h, w], values: out };
}

/**
 * @param {any[]} manifest @param {Uint8Array} bin
 * @returns {Uint8Array} the serialised ONNX model
 */
export function convertLandmark68ToOnnx(manifest, bin) {
  const weights = decodeTfjsWeights(manifest, bin);
  /** @type {import('onnx-proto').onnx.ITensorProto[]} */
  const initializers = [];
  /** @type {import('onnx-proto').onnx.INodeProto[]} */
  const nodes = [];
  const take = (/** @type {string} */ name) => {
    const w = weights.get(name);
    if (!w) throw new Error(`Missing weight ${name}`);
    return w;
  };

  // TF 'same' padding for a 3×3 kernel: stride 1 pads 1/1; stride 2 on an even size pads 0 before, 1 after.
  const padsFor = (/** @type {number} */ stride) => (stride === 1 ? [1, 1, 1, 1] : [0, 0, 1, 1]);

  const conv = (/** @type {string} */ input, /** @type {string} */ prefix, /** @type {number} */ stride) => {
    const f = take(`${prefix}/filters`);
    const w = toOIHW(f.shape, f.values);
    initializers.push(floatTensor(`${prefix}/W`, w.dims, w.values));
    initializers.push(floatTensor(`${prefix}/B`, [f.shape[3]], take(`${prefix}/bias`).values));
    nodes.push(node('Conv', [input, `${prefix}/W`, `${prefix}/B`], [`${prefix}/out`], { kernel_shape: [3, 3], strides: [stride, stride], pads: padsFor(stride) }));
    return `${prefix}/out`;
  };

  const separableConv = (/** @type {string} */ input, /** @type {string} */ prefix, /** @type {number} */ stride) => {
    const dw = take(`${prefix}/depthwise_filter`);
    const channels = dw.shape[2];
    const dwW = toOIHW(dw.shape, dw.values, true);
    const pw = take(`${prefix}/pointwise_filter`);
    const pwW = toOIHW(pw.shape, pw.values);
    initializers.push(floatTensor(`${prefix}/dw/W`, dwW.dims, dwW.values));
    initializers.push(floatTensor(`${prefix}/pw/W`, pwW.dims, pwW.values));
    initializers.push(floatTensor(`${prefix}/pw/B`, [pw.shape[3]], take(`${prefix}/bias`).values));
    nodes.push(node('Conv', [input, `${prefix}/dw/W`], [`${prefix}/dw`], { kernel_shape: [3, 3], strides: [stride, stride], pads: padsFor(stride), group: channels }));
    nodes.push(node('Conv', [`${prefix}/dw`, `${prefix}/pw/W`, `${prefix}/pw/B`], [`${prefix}/out`], { kernel_shape: [1, 1] }));
    return `${prefix}/out`;
  };

  const add = (/** @type {string} */ a, /** @type {string} */ b, /** @type {string} */ out) => {
    nodes.push(node('Add', [a, b], [out]));
    return out;
  };
  const relu = (/** @type {string} */ x, /** @type {string} */ out) => {
    nodes.push(node('Relu', [x], [out]));
    return out;
  };

  // face-api's denseBlock4: every conv sees the sum of all earlier outputs of the block.
  const denseBlock = (/** @type {string} */ input, /** @type {string} */ block, first = false) => {
    const out1 = relu(first ? conv(input, `${block}/conv0`, 2) : separableConv(input, `${block}/conv0`, 2), `${block}/out1`);
    const out2 = separableConv(out1, `${block}/conv1`, 1);
    const in3 = relu(add(out1, out2, `${block}/sum12`), `${block}/in3`);
    const out3 = separableConv(in3, `${block}/conv2`, 1);
    const sum123 = add(`${block}/sum12`, out3, `${block}/sum123`);
    const in4 = relu(sum123, `${block}/in4`);
    const out4 = separableConv(in4, `${block}/conv3`, 1);
    return relu(add(sum123, out4, `${block}/sum1234`), `${block}/out`);
  };

  // (x − mean) / 255, per channel, broadcast over NCHW.
  initializers.push(floatTensor('mean', [1, 3, 1, 1], new Float32Array(MEAN_RGB)));
  initializers.push(floatTensor('inv255', [1], new Float32Array([1 / 255])));
  nodes.push(node('Sub', ['input', 'mean'], ['centred']));
  nodes.push(node('Mul', ['centred', 'inv255'], ['normalised']));

  let x = denseBlock('normalised', 'dense0', true);
  x = denseBlock(x, 'dense1');
  x = denseBlock(x, 'dense2');
  x = denseBlock(x, 'dense3');
  nodes.push(node('AveragePool', [x], ['pooled'], { kernel_shape: [7, 7], strides: [2, 2] }));
  nodes.push(node('Flatten', ['pooled'], ['features'], { axis: 1 }));
  const fc = take('fc/weights');
  initializers.push(floatTensor('fc/W', fc.shape, fc.values));
  initializers.push(floatTensor('fc/B', [fc.shape[1]], take('fc/bias').values));
  nodes.push(node('Gemm', ['features', 'fc/W', 'fc/B'], ['landmarks']));

  const graph = onnx.GraphProto.create({
    name: 'face_landmark_68',
    node: nodes,
    initializer: initializers,
    input: [floatValueInfo('input', ['N', 3, 112, 112])],
    output: [floatValueInfo('landmarks', ['N', 136])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'facecraft-models',
    producerVersion: '1',
    docString: "face-api (@vladmandic/face-api 1.7.15) FaceLandmark68Net, converted from TF.js weights",
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
