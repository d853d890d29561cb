// @ts-check
// Small helpers for reading, editing and writing ONNX protobufs in the model assembly.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;

/** @param {Uint8Array} bytes */
export function decodeModel(bytes) {
  return onnx.ModelProto.decode(bytes);
}

/** @param {import('onnx-proto').onnx.IModelProto} model */
export function encodeModel(model) {
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A float32 initializer stored as raw little-endian bytes.
 * @param {string} name @param {number[]} dims @param {Float32Array} values
 */
export function floatTensor(name, dims, values) {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) throw new RangeError(`${name}: expected ${expected} values for [${dims}] but received ${values.length}`);
  const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

/** @param {string} name @param {number[]} values */
export function int64Tensor(name, values) {
  const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
  return onnx.TensorProto.create({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: raw });
}

/**
 * @param {string} opType @param {string[]} inputs @param {string[]} outputs
 * @param {Record<string, number | number[] | string>} [attributes] @param {string} [name]
 */
export function node(opType, inputs, outputs, attributes = {}, name = outputs[0]) {
  const attribute = Object.entries(attributes).map(([key, value]) => {
    if (typeof value === 'string') {
      return onnx.AttributeProto.create({ name: key, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) });
    }
    if (Array.isArray(value)) {
      return onnx.AttributeProto.create({ name: key, type: onnx.AttributeProto.AttributeType.INTS, ints: value });
    }
    if (Number.isInteger(value)) {
      return onnx.AttributeProto.create({ name: key, type: onnx.AttributeProto.AttributeType.INT, i: value });
    }
    return onnx.AttributeProto.create({ name: key, type: onnx.AttributeProto.AttributeType.FLOAT, f: value });
  });
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute });
}

/** @param {string} name @param {(number | string)[]} shape */
export function floatValueInfo(name, shape) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/**
 * Orders a graph's nodes so that every node comes after the producers of its inputs (stable:
 * nodes already in order keep it). Exported graphs are not always sorted (casts appended at
 * the end), and edits that insert nodes after a tensor's producer rely on the order.
 * @param {import('onnx-proto').onnx.IGraphProto} graph
 */
export function sortNodesTopologically(graph) {
  const nodes = graph.node ?? [];
  /** @type {Map<string, number>} */
  const producer = new Map();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => producer.set(o, i)));
  const done = new Array(nodes.length).fill(false);
  /** @type {import('onnx-proto').onnx.INodeProto[]} */
  const sorted = [];
  /** @param {number} start */
  const visit = (start) => {
    // Iterative depth-first walk over producers, so a deep graph cannot overflow the stack.
    /** @type {[number, boolean][]} */
    const stack = [[start, false]];
    const onPath = new Set();
    while (stack.length) {
      const [i, expanded] = /** @type {[number, boolean]} */ (stack.pop());
      if (done[i]) continue;
      if (expanded) {
        done[i] = true;
        onPath.delete(i);
        sorted.push(nodes[i]);
        continue;
      }
      if (onPath.has(i)) throw new Error(`graph has a cycle through ${nodes[i].name}`);
      onPath.add(i);
      stack.push([i, true]);
      for (const input of [...(nodes[i].input ?? [])].reverse()) {
        const p = producer.get(input);
        if (p !== undefined && !done[p]) stack.push([p, false]);
      }
    }
  };
  nodes.forEach((_, i) => visit(i));
  graph.node = sorted;
}
