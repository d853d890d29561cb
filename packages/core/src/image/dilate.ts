/** Binary dilation by a (2r+1)² box: a running count along rows, then along columns, O(N) in r. */
export function dilateBox(mask: Uint8Array, width: number, height: number, r: number): Uint8Array {
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let count = 0;
    for (let x = 0; x < Math.min(r, width); x++) count += mask[row + x];
    // The count's additions and subtractions split by where they apply, not tested per pixel.
    const addEnd = Math.max(0, width - r); // x + r < width
    const subStart = r + 1; // x - r - 1 >= 0
    let x = 0;
    for (; x < Math.min(addEnd, subStart); x++) {
      count += mask[row + x + r];
      rows[row + x] = count > 0 ? 1 : 0;
    }
    for (; x < addEnd; x++) {
      count += mask[row + x + r] - mask[row + x - r - 1];
      rows[row + x] = count > 0 ? 1 : 0;
    }
    for (; x < width; x++) {
      if (x + r < width) count += mask[row + x + r];
      if (x - r - 1 >= 0) count -= mask[row + x - r - 1];
      rows[row + x] = count > 0 ? 1 : 0;
    }
  }
  // Every column's running count at once, a row at a time: memory in order, where a column at a
  // time strides through the whole plane (the same counts).
  const out = new Uint8Array(mask.length);
  const counts = new Int32Array(width);
  for (let y = 0; y < Math.min(r, height); y++) for (let x = 0; x < width; x++) counts[x] += rows[y * width + x];
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const add = y + r < height ? (y + r) * width : -1;
    const sub = y - r - 1 >= 0 ? (y - r - 1) * width : -1;
    if (add >= 0 && sub >= 0) for (let x = 0; x < width; x++) counts[x] += rows[add + x] - rows[sub + x];
    else if (add >= 0) for (let x = 0; x < width; x++) counts[x] += rows[add + x];
    else if (sub >= 0) for (let x = 0; x < width; x++) counts[x] -= rows[sub + x];
    for (let x = 0; x < width; x++) out[row + x] = counts[x] > 0 ? 1 : 0;
  }
  return out;
}
