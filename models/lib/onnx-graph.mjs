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
