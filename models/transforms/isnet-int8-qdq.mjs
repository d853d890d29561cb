// @ts-check
// A statically calibrated int8 QDQ ISNet, made from the float16 one at assembly.
//
// 1. The float16 graph becomes its float32 equivalent (float16-to-float32.mjs).
// 2. Calibration: every activation gets ReduceMin/ReduceMax outputs and the graph runs on a fixed
//    set of photos in onnxruntime-node; the ranges are the extremes over the set.
// 3. QuantizeLinear/DequantizeLinear pairs go around every Conv (U8S8: activations asymmetric
//    uint8, weights symmetric int8 per output channel, biases int32; quantization.mjs says why
//    not S8S8), so onnxruntime fuses each into a QLinearConv. A Relu after a Conv is folded into
//    the Conv's output quantisation (its range starts at 0, so the zero point is 0 and negatives
//    saturate to 0), as onnxruntime's quantiser does. MaxPool, Resize and Slice outputs share
//    their input's parameters (none leaves the input's range), which lets the runtime run MaxPool
//    and Slice on int8 too (it keeps a linear Resize in float on purpose: its integer version
//    rounds differently). An Add or a Concat of quantised tensors is quantised with its own range
//    (QLinearAdd, QLinearConcat). A range-preserving op's output is quantised only where an int8
//    op reads it: the last Resize (the logits, read by the Sigmoid) stays float, so the alpha is
//    not rounded to 256 levels.
// 4. Convs listed in `keepFloat` stay float (mixed precision for the sensitive layers).
// 5. Before calibration, a Conv with very few outputs (ISNet's last, 64 → 1) gets zero filters up
//    to 16 and a Slice back (widenNarrowConvs): the runtime's int8 kernel is 4× faster at that width.
//
// The result depends only on the source model, the photos, the recipe and onnxruntime's float
// arithmetic; ranges are rounded outward onto a coarse grid so that the last bits of that
// arithmetic do not reach the output bytes.
import { decodeModel, encodeModel, int64Tensor, node, onnx } from '../lib/onnx-graph.mjs';
import { activationParams, quantizeBias, quantizeWeightsPerChannel } from '../lib/quantization.mjs';
import { convertFloat16GraphToFloat32 } from './float16-to-float32.mjs';

const { FLOAT, INT8, INT32, UINT8 } = onnx.TensorProto.DataType;
/** Ops whose output stays inside the input's range: their output reuses the input's scale. */
const RANGE_PRESERVING = new Set(['MaxPool', 'Resize', 'Slice']);
/**
 * onnxruntime's QLinearConv is slow below this many output channels: ISNet's last Conv (64 → 1
 * at half the input's size) took 23-28 ms of a 250-300 ms run; given zero filters up to 16
 * outputs and sliced back to its own, 6 ms, and the same output to the bit (8 outputs: no faster).
 */
const MIN_QUANTIZED_CONV_OUTPUTS = 16;
/**
 * Ops that join quantised tensors: their output is quantised too (own calibrated range), so that
 * onnxruntime runs them as QLinearAdd / QLinearConcat. Left float, each cost a DequantizeLinear
 * per input, a float op and NHWC↔NCHW Transposes around it (with the Shapes below, 180 of 465 ms).
 */
const JOINS = new Set(['Add', 'Concat']);
/** Ops that read a quantised tensor in int8 once fused (everything else reads it dequantised). */
const INT8_READERS = new Set(['Conv', ...JOINS, ...RANGE_PRESERVING]);

/** @typedef {import('onnx-proto').onnx.INodeProto} NodeProto */
/** @typedef {import('onnx-proto').onnx.IGraphProto} GraphProto */
/** @typedef {Map<string, { lo: number, hi: number }>} Ranges */

/** @param {import('onnx-proto').onnx.ITensorProto} t */
function floatValues(t) {
  if (t.dataType !== FLOAT || !t.rawData) throw new Error(`${t.name}: expected raw float32 data`);
  const copy = new Uint8Array(t.rawData.length);
  copy.set(t.rawData);
  return new Float32Array(copy.buffer);
}

/** @param {string} name @param {number} dataType @param {number[]} dims @param {ArrayBufferView} values */
function tensor(name, dataType, dims, values) {
  return onnx.TensorProto.create({ name, dataType, dims, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice() });
}

/**
 * Float activations worth calibrating: the graph input and what compute nodes make from it
 * (following the data, so that the Concats of shape arithmetic are left out).
 */
function activationTensors(/** @type {GraphProto} */ graph) {
  const input = /** @type {string} */ (graph.input?.[0].name);
  const float = new Set([input]);
  for (const n of graph.node ?? []) {
    const compute = ['Conv', 'Relu', 'MaxPool', 'Concat', 'Resize', 'Add', 'Sigmoid'].includes(/** @type {string} */ (n.opType));
    if (compute && float.has(/** @type {string} */ (n.input?.[0]))) for (const o of n.output ?? []) float.add(o);
  }
  return [...float];
}

/**
 * The float32 model with a ReduceMin and a ReduceMax output for each activation.
 * @param {Uint8Array} float32Bytes
 */
export function calibrationModel(float32Bytes) {
  const model = decodeModel(float32Bytes);
  const graph = /** @type {GraphProto} */ (model.graph);
  const tensors = activationTensors(graph);
  /** @type {string[]} */
  const outputs = [];
  tensors.forEach((t, i) => {
    for (const op of ['ReduceMin', 'ReduceMax']) {
      const out = `calibration/${i}/${op}`;
      graph.node?.push(node(op, [t], [out], { keepdims: 0 }));
      graph.output?.push(onnx.ValueInfoProto.create({ name: out, type: { tensorType: { elemType: FLOAT, shape: { dim: [] } } } }));
      outputs.push(out);
    }
  });
  return { bytes: encodeModel(model), tensors };
}

/**
 * Runs the calibration model on each input and keeps the extremes of every activation.
 * @param {typeof import('onnxruntime-node')} ort
 * @param {Uint8Array} float32Bytes
 * @param {Iterable<{ data: Float32Array, dims: number[] }>} inputs  NCHW float32, normalised as the pipeline feeds ISNet
 * @returns {Promise<Ranges>}
 */
export async function collectRanges(ort, float32Bytes, inputs) {
  const { bytes, tensors } = calibrationModel(float32Bytes);
  // One thread: the same arithmetic however many cores the assembling machine has.
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1, enableCpuMemArena: false, logSeverityLevel: 3 });
  /** @type {Ranges} */
  const ranges = new Map();
  try {
    for (const input of inputs) {
      const results = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input.data, input.dims) });
      tensors.forEach((t, i) => {
        const lo = Number(results[`calibration/${i}/ReduceMin`].data[0]);
        const hi = Number(results[`calibration/${i}/ReduceMax`].data[0]);
        const seen = ranges.get(t);
        ranges.set(t, seen ? { lo: Math.min(seen.lo, lo), hi: Math.max(seen.hi, hi) } : { lo, hi });
      });
    }
  } finally {
    await session.release();
  }
  return ranges;
}

/**
 * Inserts the QDQ pairs into a float32 model.
 * @param {Uint8Array} float32Bytes
 * @param {Ranges} ranges
 * @param {{ keepFloat?: readonly string[] }} [options]  names of Conv nodes to leave in float
 */
export function quantizeQdq(float32Bytes, ranges, options = {}) {
  const model = decodeModel(float32Bytes);
  const graph = /** @type {GraphProto} */ (model.graph);
  const nodes = /** @type {NodeProto[]} */ (graph.node);
  const keepFloat = new Set(options.keepFloat ?? []);
  for (const name of keepFloat) if (!nodes.some((n) => n.name === name && n.opType === 'Conv')) throw new Error(`keepFloat: no Conv named ${name}`);
  const initializers = new Map((graph.initializer ?? []).map((t) => [/** @type {string} */ (t.name), t]));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name));

  /** @type {Map<string, NodeProto[]>} */
  const consumers = new Map();
  const indexConsumers = () => {
    consumers.clear();
    for (const n of nodes) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  };
  indexConsumers();

  const quantizedConvs = nodes.filter((n) => n.opType === 'Conv' && !keepFloat.has(/** @type {string} */ (n.name)));

  // Fold each Relu that is its quantised Conv's only consumer into the Conv's output quantisation.
  /** @type {Map<string, string>} Conv output → the range to quantise it with (the Relu's) */
  const rangeOf = new Map();
  const removed = new Set();
  for (const conv of quantizedConvs) {
    const out = /** @type {string} */ (conv.output?.[0]);
    const users = consumers.get(out) ?? [];
    if (users.length !== 1 || users[0].opType !== 'Relu' || graphOutputs.has(out)) continue;
    const relu = users[0];
    const reluOut = /** @type {string} */ (relu.output?.[0]);
    if (graphOutputs.has(reluOut)) continue;
    for (const n of nodes) n.input = (n.input ?? []).map((i) => (i === reluOut ? out : i));
    rangeOf.set(out, reluOut);
    removed.add(relu);
  }
  graph.node = nodes.filter((n) => !removed.has(n));
  nodes.length = 0;
  nodes.push(...(graph.node ?? []));
  indexConsumers();

  /** @type {Map<string, { scale: number, zeroPoint: number }>} */
  const params = new Map();
  const paramsFor = (/** @type {string} */ t) => {
    const known = params.get(t);
    if (known) return known;
    const range = ranges.get(rangeOf.get(t) ?? t);
    if (!range) throw new Error(`no calibrated range for ${t}`);
    const p = activationParams(range.lo, range.hi);
    params.set(t, p);
    return p;
  };

  // Tensors to quantise: Conv inputs and outputs; then, in graph order, outputs of range-preserving
  // ops and of joins (Add, Concat) on them; shape arithmetic (Concats of Slices) stays float.
  const quantized = new Set();
  for (const conv of quantizedConvs) {
    quantized.add(/** @type {string} */ (conv.input?.[0]));
    quantized.add(/** @type {string} */ (conv.output?.[0]));
  }
  for (const n of nodes) {
    const input = /** @type {string} */ (n.input?.[0]);
    const output = /** @type {string} */ (n.output?.[0]);
    if (graphOutputs.has(output)) continue;
    if (RANGE_PRESERVING.has(/** @type {string} */ (n.opType))) {
      if (!quantized.has(input)) continue;
      // Only where something reads it in int8: quantising the last Resize (ISNet's logits at full
      // size, read by the Sigmoid alone) would only round the output to 256 levels.
      if (!(consumers.get(output) ?? []).some((c) => INT8_READERS.has(/** @type {string} */ (c.opType)))) continue;
      quantized.add(output);
      params.set(output, paramsFor(input));
    } else if (JOINS.has(/** @type {string} */ (n.opType)) && (n.input ?? []).every((i) => quantized.has(i))) {
      quantized.add(output);
    }
  }
  for (const t of quantized) {
    if (graphOutputs.has(t)) throw new Error(`graph output ${t} would be quantised`);
    paramsFor(t);
  }

  /** @type {import('onnx-proto').onnx.ITensorProto[]} */
  const added = [];
  /** @param {string} t @returns {NodeProto[]} */
  const qdqPair = (t) => {
    const { scale, zeroPoint } = /** @type {{ scale: number, zeroPoint: number }} */ (params.get(t));
    added.push(tensor(`${t}/scale`, FLOAT, [], Float32Array.of(scale)), tensor(`${t}/zero_point`, UINT8, [], Uint8Array.of(zeroPoint)));
    return [
      node('QuantizeLinear', [t, `${t}/scale`, `${t}/zero_point`], [`${t}/quantized`]),
      node('DequantizeLinear', [`${t}/quantized`, `${t}/scale`, `${t}/zero_point`], [`${t}/dequantized`]),
    ];
  };
  /** Weight and bias of a quantised Conv as int8 / int32 initializers behind DequantizeLinear. @param {NodeProto} conv */
  const quantizeConvParameters = (conv) => {
    const [x, w, b] = /** @type {string[]} */ (conv.input);
    const weight = initializers.get(w);
    if (!weight?.dims) throw new Error(`Conv ${conv.name}: weight ${w} is not an initializer`);
    const channels = Number(weight.dims[0]);
    const q = quantizeWeightsPerChannel(floatValues(weight), channels);
    const dims = weight.dims.map(Number);
    added.push(tensor(`${w}/quantized`, INT8, dims, q.values), tensor(`${w}/scale`, FLOAT, [channels], q.scales), tensor(`${w}/zero_point`, INT8, [channels], new Int8Array(channels)));
    /** @type {NodeProto[]} */
    const dq = [node('DequantizeLinear', [`${w}/quantized`, `${w}/scale`, `${w}/zero_point`], [`${w}/dequantized`], { axis: 0 })];
    const inputs = [`${x}/dequantized`, `${w}/dequantized`];
    if (b) {
      const bias = initializers.get(b);
      if (!bias) throw new Error(`Conv ${conv.name}: bias ${b} is not an initializer`);
      const qb = quantizeBias(floatValues(bias), paramsFor(x).scale, q.scales);
      added.push(tensor(`${b}/quantized`, INT32, [channels], qb.values), tensor(`${b}/scale`, FLOAT, [channels], qb.scales), tensor(`${b}/zero_point`, INT32, [channels], new Int32Array(channels)));
      dq.push(node('DequantizeLinear', [`${b}/quantized`, `${b}/scale`, `${b}/zero_point`], [`${b}/dequantized`], { axis: 0 }));
      inputs.push(`${b}/dequantized`);
    }
    conv.input = inputs;
    return { dq, replaced: b ? [w, b] : [w] };
  };

  // Rebuild the node list in topological order: each pair right after its tensor is made.
  /** @type {NodeProto[]} */
  const ordered = [];
  const input = /** @type {string} */ (graph.input?.[0].name);
  if (quantized.has(input)) ordered.push(...qdqPair(input));
  const replacedInitializers = new Set();
  const quantizedConvSet = new Set(quantizedConvs);
  for (const n of nodes) {
    if (quantizedConvSet.has(n)) {
      const { dq, replaced } = quantizeConvParameters(n);
      for (const r of replaced) {
        if (replacedInitializers.has(r)) throw new Error(`${r} is shared by several Convs; quantising it once per Conv is not supported`);
        replacedInitializers.add(r);
      }
      ordered.push(...dq);
    } else {
      // Everything but a tensor's own QuantizeLinear reads its dequantised copy; a Shape (the
      // Resize targets' sizes) reads the quantised one: the same shape, without onnxruntime
      // dequantising (and transposing) the whole tensor to measure it.
      const copy = n.opType === 'Shape' ? 'quantized' : 'dequantized';
      n.input = (n.input ?? []).map((i) => (quantized.has(i) ? `${i}/${copy}` : i));
    }
    ordered.push(n);
    for (const o of n.output ?? []) if (quantized.has(o)) ordered.push(...qdqPair(o));
  }
  graph.node = ordered;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !replacedInitializers.has(/** @type {string} */ (t.name))), ...added];
  // DequantizeLinear with a per-axis scale needs opset 13; the source is opset 15.
  const opset = Number(model.opsetImport?.find((o) => !o.domain)?.version ?? 0);
  if (opset < 13) throw new Error(`opset ${opset} is too old for per-channel QDQ`);
  return encodeModel(model);
}

/**
 * Gives each Conv with fewer than MIN_QUANTIZED_CONV_OUTPUTS output channels zero filters up to
 * that count and a Slice back to its own channels after it, under the Conv's output name. The
 * extra channels are 0 (zero weights and bias), so calibration sees the same range wherever the
 * Conv's own range holds 0, and the Slice passes on the Conv's quantisation (RANGE_PRESERVING).
 * @param {import('onnx-proto').onnx.IModelProto} model
 * @returns {number} how many Convs were widened
 */
export function widenNarrowConvs(model) {
  const graph = /** @type {GraphProto} */ (model.graph);
  const nodes = /** @type {NodeProto[]} */ (graph.node);
  const initializers = new Map((graph.initializer ?? []).map((t) => [/** @type {string} */ (t.name), t]));
  const uses = (/** @type {string} */ name) => nodes.filter((n) => (n.input ?? []).includes(name)).length;
  /** @param {import('onnx-proto').onnx.ITensorProto} t @param {number} channels */
  const padChannels = (t, channels) => {
    const values = floatValues(t);
    const padded = new Float32Array((values.length / Number(t.dims?.[0])) * channels);
    padded.set(values);
    t.dims = [channels, ...(t.dims ?? []).slice(1)];
    t.rawData = new Uint8Array(padded.buffer);
  };
  let widened = 0;
  for (const conv of [...nodes]) {
    if (conv.opType !== 'Conv') continue;
    const group = Number(conv.attribute?.find((a) => a.name === 'group')?.i ?? 1);
    const [, w, b] = /** @type {string[]} */ (conv.input);
    const weight = initializers.get(w);
    const channels = Number(weight?.dims?.[0]);
    if (!weight || group !== 1 || channels >= MIN_QUANTIZED_CONV_OUTPUTS) continue;
    const bias = b ? initializers.get(b) : undefined;
    if (uses(w) !== 1 || (b && (!bias || uses(b) !== 1))) throw new Error(`Conv ${conv.name}: parameters shared or not initializers, cannot widen`);
    padChannels(weight, MIN_QUANTIZED_CONV_OUTPUTS);
    if (bias) padChannels(bias, MIN_QUANTIZED_CONV_OUTPUTS);
    const out = /** @type {string} */ (conv.output?.[0]);
    const wide = `${out}/widened`;
    conv.output = [wide];
    graph.initializer?.push(int64Tensor(`${out}/starts`, [0]), int64Tensor(`${out}/ends`, [channels]), int64Tensor(`${out}/axes`, [1]));
    nodes.splice(nodes.indexOf(conv) + 1, 0, node('Slice', [wide, `${out}/starts`, `${out}/ends`, `${out}/axes`], [out], {}, `${conv.name || out}/slice`));
    widened++;
  }
  return widened;
}

/**
 * The whole recipe: float16 ISNet bytes → float32 (narrow Convs widened) → calibrated → int8 QDQ bytes.
 * @param {typeof import('onnxruntime-node')} ort
 * @param {Uint8Array} float16Bytes
 * @param {Iterable<{ data: Float32Array, dims: number[] }>} calibrationInputs
 * @param {{ keepFloat?: readonly string[] }} [options]
 */
export async function buildIsnetInt8(ort, float16Bytes, calibrationInputs, options = {}) {
  const float32 = convertFloat16GraphToFloat32(decodeModel(float16Bytes));
  widenNarrowConvs(float32);
  const float32Bytes = encodeModel(float32);
  const ranges = await collectRanges(ort, float32Bytes, calibrationInputs);
  return { bytes: quantizeQdq(float32Bytes, ranges, options), float32Bytes, ranges };
}
