// @ts-check
// 8-bit quantisation arithmetic for QDQ models, as onnxruntime's own static quantiser does it:
// activations asymmetric over [min(0, lo), max(0, hi)]; weights symmetric int8 in [-127, 127]
// per output channel; biases int32 at scale activation × weight.
//
// Activations are uint8 (U8S8), not int8: on x86 onnxruntime runs QLinearConv as U8S8 and
// rewrites int8 Q/DQ pairs to uint8 only where a QuantizeLinear has a single consumer; a Conv
// whose output feeds two branches (most of ISNet's) then reads uint8 and writes int8 and is not
// fused at all (17 of 119 Convs fused with S8S8 here, against all with U8S8).

/**
 * Rounds a calibrated range outward onto a coarse grid (64 steps per power of two): ranges
 * measured on machines whose float rounding differs in the last bits land on the same value,
 * so the assembled model's bytes (and sha256) do not depend on the CPU it was calibrated on.
 * The range grows by at most 1/64.
 * @param {number} value @param {'down' | 'up'} direction
 */
export function roundRangeOutward(value, direction) {
  if (value === 0 || !Number.isFinite(value)) return value;
  const step = 2 ** (Math.floor(Math.log2(Math.abs(value))) - 6);
  return (direction === 'up' ? Math.ceil(value / step) : Math.floor(value / step)) * step;
}

/**
 * Scale and zero point of an asymmetric uint8 activation (a range that starts at 0, such as a
 * Relu's, gets zero point 0: negatives saturate to 0, which is what lets a Relu be folded).
 * @param {number} lo @param {number} hi  calibrated minimum and maximum
 */
export function activationParams(lo, hi) {
  const rmin = Math.min(0, roundRangeOutward(lo, 'down'));
  const rmax = Math.max(0, roundRangeOutward(hi, 'up'));
  const scale = Math.fround(rmax > rmin ? (rmax - rmin) / 255 : 1);
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-rmin / scale)));
  return { scale, zeroPoint };
}

/**
 * Symmetric per-channel int8 weights for a [out, ...] tensor.
 * @param {Float32Array} weights @param {number} channels
 */
export function quantizeWeightsPerChannel(weights, channels) {
  const per = weights.length / channels;
  if (!Number.isInteger(per)) throw new RangeError(`${weights.length} weights do not split into ${channels} channels`);
  const scales = new Float32Array(channels);
  const values = new Int8Array(weights.length);
  for (let c = 0; c < channels; c++) {
    let peak = 0;
    for (let i = c * per; i < (c + 1) * per; i++) peak = Math.max(peak, Math.abs(weights[i]));
    const scale = Math.fround(peak > 0 ? peak / 127 : 1);
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) values[i] = Math.max(-127, Math.min(127, roundHalfToEven(weights[i] / scale)));
  }
  return { values, scales };
}

/**
 * Int32 bias at scale inputScale × weightScale[c], zero point 0, as QLinearConv expects it.
 * @param {Float32Array} bias @param {number} inputScale @param {Float32Array} weightScales
 */
export function quantizeBias(bias, inputScale, weightScales) {
  const scales = new Float32Array(bias.length);
  const values = new Int32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    scales[c] = Math.fround(inputScale * weightScales[c]);
    const q = roundHalfToEven(bias[c] / scales[c]);
    if (Math.abs(q) > 2 ** 31 - 1) throw new RangeError(`bias ${c} (${bias[c]}) overflows int32 at scale ${scales[c]}`);
    values[c] = q;
  }
  return { values, scales };
}

/** The rounding QuantizeLinear uses. @param {number} x */
export function roundHalfToEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
