// @ts-check
// IEEE 754 half precision → float32, for reading float16 ONNX weights (Node 20 has no Float16Array).

/** @param {number} h 16 bits of a float16 */
export function halfToFloat(h) {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** @param {Uint16Array} halves */
export function halvesToFloat32(halves) {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
  return out;
}
