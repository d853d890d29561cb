// @ts-check
// Turns a float16 ONNX graph into the float32 graph it stands for: float16 initializers and
// constants become float32, and the Cast nodes that only move between the two float types
// disappear. Nodes that do not contribute to a graph output (the training-only side branches
// the resolution-agnostic ISNet no longer returns) are dropped, so nothing is calibrated,
// quantised or stored for them.
import { halvesToFloat32 } from '../lib/float16.mjs';
import { onnx, sortNodesTopologically } from '../lib/onnx-graph.mjs';

const { FLOAT, FLOAT16 } = onnx.TensorProto.DataType;

/** @param {import('onnx-proto').onnx.ITensorProto} tensor */
function toFloat32(tensor) {
  if (tensor.dataType !== FLOAT16) return;
  /** @type {Uint16Array} */
  let halves;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    const copy = new Uint8Array(raw.length);
    copy.set(raw);
    halves = new Uint16Array(copy.buffer);
  } else {
    // ONNX stores float16 in int32_data, one value per element, when raw_data is not used.
    halves = Uint16Array.from(tensor.int32Data ?? []);
  }
  const values = halvesToFloat32(halves);
  tensor.dataType = FLOAT;
  tensor.rawData = new Uint8Array(values.buffer);
  tensor.int32Data = [];
}

/**
 * @param {import('onnx-proto').onnx.IGraphProto} graph
 * @param {string} from @param {string} to  every node input named `from` reads `to` instead
 */
function renameInputs(graph, from, to) {
  for (const n of graph.node ?? []) n.input = (n.input ?? []).map((i) => (i === from ? to : i));
}

/** Keeps only the nodes a graph output depends on; sorts the nodes topologically first. */
export function pruneDeadNodes(/** @type {import('onnx-proto').onnx.IGraphProto} */ graph) {
  sortNodesTopologically(graph);
  const needed = new Set((graph.output ?? []).map((o) => /** @type {string} */ (o.name)));
  const kept = [];
  for (const n of [...(graph.node ?? [])].reverse()) {
    if (!(n.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(n);
    for (const i of n.input ?? []) if (i) needed.add(i);
  }
  graph.node = kept.reverse();
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(/** @type {string} */ (t.name)));
}

/** @param {import('onnx-proto').onnx.IModelProto} model  edited in place */
export function convertFloat16GraphToFloat32(model) {
  const graph = model.graph;
  if (!graph?.node) throw new Error('model has no graph');
  pruneDeadNodes(graph);
  for (const t of graph.initializer ?? []) toFloat32(t);
  for (const n of graph.node) {
    for (const a of n.attribute ?? []) if (a.t) toFloat32(a.t);
  }
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) {
    const type = v.type?.tensorType;
    if (type && type.elemType === FLOAT16) type.elemType = FLOAT;
  }
  // Shapes and types of intermediates are re-inferred by the runtime.
  graph.valueInfo = [];

  const outputs = new Set((graph.output ?? []).map((o) => o.name));
  const producer = new Map();
  for (const n of graph.node) for (const o of n.output ?? []) producer.set(o, n);
  const casts = graph.node.filter((n) => n.opType === 'Cast');
  for (const cast of casts) {
    const to = Number(cast.attribute?.find((a) => a.name === 'to')?.i);
    if (to !== FLOAT && to !== FLOAT16) throw new Error(`Cast ${cast.name} to type ${to}: only float16/float32 casts are expected in this graph`);
    const [input] = /** @type {string[]} */ (cast.input);
    const [output] = /** @type {string[]} */ (cast.output);
    if (outputs.has(output)) {
      // A graph output keeps its name: the tensor before the cast takes it.
      const source = producer.get(input);
      if (!source) throw new Error(`Cast ${cast.name} feeds a graph output straight from an input`);
      source.output = source.output.map((/** @type {string} */ o) => (o === input ? output : o));
      producer.set(output, source);
      renameInputs(graph, input, output);
    } else {
      renameInputs(graph, output, input);
    }
  }
  graph.node = graph.node.filter((n) => n.opType !== 'Cast');
  return model;
}
