/** The pixels joined to `from` through pixels where `open` is 1 (4-connected); `stack` holds at least width × height entries. */
export function joinedTo(from: readonly number[], width: number, height: number, open: Uint8Array, stack: Int32Array): Uint8Array {
  const n = width * height;
  const reached = new Uint8Array(n);
  let top = 0;
  for (const i of from) if (!reached[i] && open[i]) (reached[i] = 1), (stack[top++] = i);
  while (top > 0) {
    const i = stack[--top];
    const x = i % width;
    if (x > 0 && !reached[i - 1] && open[i - 1]) (reached[i - 1] = 1), (stack[top++] = i - 1);
    if (x < width - 1 && !reached[i + 1] && open[i + 1]) (reached[i + 1] = 1), (stack[top++] = i + 1);
    if (i >= width && !reached[i - width] && open[i - width]) (reached[i - width] = 1), (stack[top++] = i - width);
    if (i + width < n && !reached[i + width] && open[i + width]) (reached[i + width] = 1), (stack[top++] = i + width);
  }
  return reached;
}
