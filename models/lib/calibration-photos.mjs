// @ts-check
// The calibration photos of a quantised model, read and checked against the manifest, and
// turned into ISNet inputs the way the pipeline makes them: the long side at `size`, the short
// side rounded to a multiple of 32, RGB normalised to (value - 128) / 256, NCHW float32.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * @param {string} dir  the folder holding the photos
 * @param {{ file: string, sha256: string }[]} photos
 * @param {number} size
 */
export async function readCalibrationInputs(dir, photos, size) {
  const { default: sharp } = await import('sharp');
  const round32 = (/** @type {number} */ v) => Math.max(32, Math.round(v / 32) * 32);
  const inputs = [];
  for (const photo of photos) {
    const bytes = await readFile(path.join(dir, photo.file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== photo.sha256) throw new Error(`calibration photo ${photo.file}: sha256 ${digest} ≠ manifest ${photo.sha256}`);
    const { width = 0, height = 0 } = await sharp(bytes).metadata();
    const [w, h] = width >= height ? [size, round32((size * height) / width)] : [round32((size * width) / height), size];
    const { data } = await sharp(bytes).resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const plane = w * h;
    const x = new Float32Array(plane * 3);
    for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) x[c * plane + i] = (data[i * 3 + c] - 128) / 256;
    inputs.push({ data: x, dims: [1, 3, h, w] });
  }
  return inputs;
}
