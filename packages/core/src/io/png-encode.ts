import type { RgbaImage } from '../image/rgba-image.js';

/**
 * An exact PNG writer for the browser (8-bit RGBA, adaptive row filters, zlib through
 * CompressionStream). A canvas cannot do this: it keeps pixels premultiplied, so the colour of
 * every translucent pixel (the feathered oval, soft hair edges) comes back rounded — about 35 dB
 * off the server's PNG on RGBA. With this writer the browser's PNG holds what the pipeline made.
 */
export function canEncodePngExactly(): boolean {
  return typeof CompressionStream === 'function';
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, (crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * One row through one PNG filter type into `out` (`prev` is the row above, zeros for the first);
 * returns the sum of |signed bytes|, the usual heuristic for choosing the filter. One loop per
 * type, the first pixel apart: no per-byte branch on the type or the edges.
 */
function filterRow(type: number, cur: Uint8ClampedArray, row: number, prev: Uint8ClampedArray, up: number, stride: number, out: Uint8Array): number {
  let score = 0;
  const first = Math.min(4, stride);
  // The first pixel has no left neighbour (a = c = 0).
  for (let i = 0; i < first; i++) {
    const x = cur[row + i];
    const b = prev[up + i];
    const v = (type === 0 || type === 1 ? x : type === 2 ? x - b : type === 3 ? x - (b >> 1) : x - paeth(0, b, 0)) & 0xff;
    out[i] = v;
    score += v < 128 ? v : 256 - v;
  }
  switch (type) {
    case 0:
      for (let i = first; i < stride; i++) {
        const v = cur[row + i];
        out[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      break;
    case 1:
      for (let i = first; i < stride; i++) {
        const v = (cur[row + i] - cur[row + i - 4]) & 0xff;
        out[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      break;
    case 2:
      for (let i = first; i < stride; i++) {
        const v = (cur[row + i] - prev[up + i]) & 0xff;
        out[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      break;
    case 3:
      for (let i = first; i < stride; i++) {
        const v = (cur[row + i] - ((cur[row + i - 4] + prev[up + i]) >> 1)) & 0xff;
        out[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      break;
    default:
      for (let i = first; i < stride; i++) {
        const a = cur[row + i - 4];
        const b = prev[up + i];
        const c = prev[up + i - 4];
        const p = a + b - c;
        const pa = p > a ? p - a : a - p;
        const pb = p > b ? p - b : b - p;
        const pc = p > c ? p - c : c - p;
        const v = (cur[row + i] - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
        out[i] = v;
        score += v < 128 ? v : 256 - v;
      }
  }
  return score;
}

/** Scanlines with, per row, the filter whose output has the smallest sum of |signed bytes|. */
function filterRows(data: Uint8ClampedArray, width: number, height: number): Uint8Array {
  const stride = width * 4;
  const out = new Uint8Array((stride + 1) * height);
  const zeros = new Uint8ClampedArray(stride);
  let candidate = new Uint8Array(stride);
  let best = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const prev = y > 0 ? data : zeros;
    const up = y > 0 ? row - stride : 0;
    let bestScore = Infinity;
    let bestType = 0;
    for (let type = 0; type < 5; type++) {
      const score = filterRow(type, data, row, prev, up, stride, candidate);
      // Ties keep the lower type, as before.
      if (score < bestScore) {
        bestScore = score;
        bestType = type;
        [best, candidate] = [candidate, best];
      }
    }
    const at = y * (stride + 1);
    out[at] = bestType;
    out.set(best, at + 1);
  }
  return out;
}

async function zlib(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function encodePngExact(image: RgbaImage): Promise<Uint8Array> {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new TypeError(`Expected an RGBA image of ${width}×${height} pixels (${width * height * 4} bytes) but received ${data.length} bytes`);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, adaptive filters, no interlace
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', await zlib(filterRows(data, width, height))), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
