// @ts-check
// Makes the exported ISNet graph resolution-agnostic.
//
// The PyTorch export baked every skip-connection size into its Resize nodes:
//   sizes = Concat(Slice(Shape(x), 0, 2), Constant [h, w])
// so the graph only runs at 1024². Each upsampled map is concatenated with (or, for the side
// outputs, compared at the size of) another tensor; replacing the constant [h, w] with
// Shape(that tensor)[2:4] keeps the graph's meaning at 1024² and lets it run at any size that
// is a multiple of 32, e.g. 768², which is about twice as fast on a CPU.
//
// It also drops the 11 auxiliary outputs (side maps and features used only for training):
// keeping only `output` lets the runtime skip their work.
import { decodeModel, encodeModel, int64Tensor, node } from '../lib/onnx-graph.mjs';

/** @param {Uint8Array} bytes */
export function makeIsnetResolutionAgnostic(bytes) {
  const model = decodeModel(bytes);
  const graph = model.graph;
  if (!graph?.node || !graph.input?.length) throw new Error('ISNet graph has no nodes');
  const nodes = graph.node;
  const modelInput = /** @type {string} */ (graph.input[0].name);

  /** @type {Map<string, import('onnx-proto').onnx.INodeProto>} */
  const producer = new Map();
  /** @type {Map<string, import('onnx-proto').onnx.INodeProto[]>} */
  const consumers = new Map();
  for (const n of nodes) {
    for (const o of n.output ?? []) producer.set(o, n);
    for (const i of n.input ?? []) {
      if (!consumers.has(i)) consumers.set(i, []);
      consumers.get(i)?.push(n);
    }
  }

  /** Follows a tensor through Cast nodes to the Concat that uses it; returns the other operand. */
  const concatPartner = (/** @type {string} */ tensor) => {
    /** @type {string[]} */
    let frontier = [tensor];
    for (let depth = 0; depth < 4 && frontier.length; depth++) {
      /** @type {string[]} */
      const next = [];
      for (const t of frontier) {
        for (const c of consumers.get(t) ?? []) {
          if (c.opType === 'Concat') return (c.input ?? []).find((i) => i !== t);
          if (c.opType === 'Cast') next.push(...(c.output ?? []));
        }
      }
      frontier = next;
    }
    return undefined;
  };

  graph.initializer = graph.initializer ?? [];
  graph.initializer.push(int64Tensor('facecraft/hw_starts', [2]), int64Tensor('facecraft/hw_ends', [4]), int64Tensor('facecraft/hw_axes', [0]));

  let edited = 0;
  /** @type {import('onnx-proto').onnx.INodeProto[]} */
  const inserted = [];
  for (const resize of nodes.filter((n) => n.opType === 'Resize')) {
    const sizesName = resize.input?.[3];
    const concat = sizesName ? producer.get(sizesName) : undefined;
    if (!concat || concat.opType !== 'Concat' || concat.input?.length !== 2) {
      throw new Error(`Resize ${resize.name}: sizes are not Concat(Shape-slice, Constant) as expected`);
    }
    const constant = producer.get(/** @type {string} */ (concat.input[1]));
    if (!constant || constant.opType !== 'Constant') throw new Error(`Resize ${resize.name}: spatial size is not a Constant`);
    const reference = concatPartner(/** @type {string} */ (resize.output?.[0])) ?? modelInput;
    const shapeName = `facecraft/${resize.name}/ref_shape`;
    const hwName = `facecraft/${resize.name}/ref_hw`;
    inserted.push(node('Shape', [reference], [shapeName]));
    inserted.push(node('Slice', [shapeName, 'facecraft/hw_starts', 'facecraft/hw_ends', 'facecraft/hw_axes'], [hwName]));
    concat.input[1] = hwName;
    edited++;
  }
  if (edited === 0) throw new Error('ISNet graph has no Resize nodes: is this the right model?');

  // Nodes must stay topologically sorted: put each new Shape/Slice pair right before the
  // Concat that consumes it (its reference tensor is produced earlier, since the Resize and
  // its Concat partner both come before the Concat that joins them — or it is the graph input).
  /** @type {import('onnx-proto').onnx.INodeProto[]} */
  const ordered = [];
  const pending = new Map(inserted.filter((n) => n.opType === 'Slice').map((s) => [s.output?.[0], s]));
  const shapeOf = new Map(inserted.filter((n) => n.opType === 'Shape').map((s) => [s.output?.[0], s]));
  for (const n of nodes) {
    for (const i of n.input ?? []) {
      const slice = pending.get(i);
      if (slice) {
        ordered.push(/** @type {any} */ (shapeOf.get(slice.input?.[0])), slice);
        pending.delete(i);
      }
    }
    ordered.push(n);
  }
  graph.node = ordered;
  // Unused Constant nodes are left in place: harmless, and the runtime prunes them.

  graph.output = (graph.output ?? []).filter((o) => o.name === 'output');
  if (graph.output.length !== 1) throw new Error('ISNet graph has no `output`');
  // The declared shapes pin 1024²: make height and width symbolic, and drop the exporter's
  // intermediate shape annotations, which would pin them too.
  for (const io of [graph.input[0], graph.output[0]]) {
    const dims = io.type?.tensorType?.shape?.dim ?? [];
    if (dims.length !== 4) throw new Error(`ISNet ${io.name} is not 4-D`);
    dims[2] = { dimParam: 'height' };
    dims[3] = { dimParam: 'width' };
  }
  graph.valueInfo = [];
  return { bytes: encodeModel(model), editedResizeNodes: edited };
}
