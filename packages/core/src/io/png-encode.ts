import { zlibSync } from 'fflate';
import type { RgbaImage } from '../image/rgba-image.js';
import { PNG_COMPRESSION_LEVEL } from './image-codec.js';

/**
 * An exact PNG writer for the browser (8-bit RGBA, adaptive row filters, zlib through fflate).
 * A canvas cannot do this: it keeps pixels premultiplied, so the colour of every translucent
 * pixel (the feathered oval, soft hair edges) comes back rounded — about 35 dB off the server's
 * PNG on RGBA. With this writer the browser's PNG holds what the pipeline made.
 */

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
        const v = (cur[row + i] - paeth(cur[row + i - 4], prev[up + i], prev[up + i - 4])) & 0xff;
        out[i] = v;
        score += v < 128 ? v : 256 - v;
      }
  }
  return score;
}

/**
 * The five filters' scores for one row in one pass (the sum of |signed bytes| each would give),
 * so that only the winning filter is written: reading the row once instead of five times.
 */
function scoreRow(cur: Uint8ClampedArray, row: number, prev: Uint8ClampedArray, up: number, stride: number, scores: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  const first = Math.min(4, stride);
  // The first pixel has no left neighbour (a = c = 0): Sub is None, Paeth is Up.
  for (let i = 0; i < first; i++) {
    const x = cur[row + i];
    const b = prev[up + i];
    const r0 = (x << 24) >> 24;
    const r2 = ((x - b) << 24) >> 24;
    const r3 = ((x - (b >> 1)) << 24) >> 24;
    s0 += r0 < 0 ? -r0 : r0;
    s1 += r0 < 0 ? -r0 : r0;
    s2 += r2 < 0 ? -r2 : r2;
    s3 += r3 < 0 ? -r3 : r3;
    s4 += r2 < 0 ? -r2 : r2;
  }
  for (let i = first; i < stride; i++) {
    const x = cur[row + i];
    const a = cur[row + i - 4];
    const b = prev[up + i];
    const r0 = (x << 24) >> 24;
    const r1 = ((x - a) << 24) >> 24;
    const r2 = ((x - b) << 24) >> 24;
    const r3 = ((x - ((a + b) >> 1)) << 24) >> 24;
    const r4 = ((x - paeth(a, b, prev[up + i - 4])) << 24) >> 24;
    s0 += r0 < 0 ? -r0 : r0;
    s1 += r1 < 0 ? -r1 : r1;
    s2 += r2 < 0 ? -r2 : r2;
    s3 += r3 < 0 ? -r3 : r3;
    s4 += r4 < 0 ? -r4 : r4;
  }
  scores[0] = s0;
  scores[1] = s1;
  scores[2] = s2;
  scores[3] = s3;
  scores[4] = s4;
}

/** Scanlines with, per row, the filter whose output has the smallest sum of |signed bytes|. */
function filterRows(data: Uint8ClampedArray, width: number, height: number): Uint8Array {
  const stride = width * 4;
  const out = new Uint8Array((stride + 1) * height);
  const zeros = new Uint8ClampedArray(stride);
  const scores = new Float64Array(5);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const prev = y > 0 ? data : zeros;
    const up = y > 0 ? row - stride : 0;
    scoreRow(data, row, prev, up, stride, scores);
    // Ties keep the lower type.
    let bestType = 0;
    for (let type = 1; type < 5; type++) if (scores[type] < scores[bestType]) bestType = type;
    const at = y * (stride + 1);
    out[at] = bestType;
    filterRow(bestType, data, row, prev, up, stride, out.subarray(at + 1, at + 1 + stride));
  }
  return out;
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
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', zlibSync(filterRows(data, width, height), { level: PNG_COMPRESSION_LEVEL })), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
