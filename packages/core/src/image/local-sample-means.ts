import type { PlaneBox } from './grown-box.js';
import type { RgbaImage } from './rgba-image.js';

/** A sample's side in LocalSampleMeans' `kind` plane (0: no sample). */
export const SUBJECT_SAMPLE = 1;
export const BACKGROUND_SAMPLE = 2;

/** Sums per cell of the table: subject r, g, b, count, r² + g² + b², then the same of the background samples. */
const SUMS = 10;

/**
 * The mean colours of the subject and background samples (a `kind` plane marks them) in squares
 * around pixels, from a summed-area table of their colours over a box: four reads a square,
 * whatever its size. Only the rows a square of up to `reach` pixels around the current row reads
 * are kept, a ring of 2·reach + 2 table rows built as the reads move down the box: the whole
 * table (ten sums per cell of a crop) was tens of megabytes written and read back per portrait.
 * The sums are exact integers (below 2⁵³), so the means are the same as adding each square up.
 */
export class LocalSampleMeans {
  /** Ring of table rows, each (w + 1) cells of SUMS sums side by side; table row t (0..h) lives at slot t % ringRows. */
  private readonly ring: Float64Array;
  private readonly ringRows: number;
  private readonly rowLength: number;
  /** This box row's running sums, added to the table row above. */
  private readonly run = new Float64Array(SUMS);
  /** Table rows built so far (row 0, all zeros, counts as built). */
  private built = 1;

  /** `box`: where squares are read (pixels outside it count as no sample); `minSamples`: fewer samples of a side in a square and its means are not known. */
  constructor(
    private readonly photo: RgbaImage,
    private readonly kind: Uint8Array,
    private readonly box: PlaneBox,
    private readonly reach: number,
    private readonly minSamples: number,
  ) {
    this.ringRows = 2 * reach + 2;
    this.rowLength = (box.w + 1) * SUMS;
    this.ring = new Float64Array(this.ringRows * this.rowLength);
  }

  /**
   * F and B, the subject and background samples' mean colours in the (2·radius + 1)² square
   * around (x, y) clipped to the box, and in F[3] and B[3] each side's spread (the RMS distance
   * of its samples from their mean); false when either side has fewer than `minSamples` there.
   * `radius` is at most the reach, and calls go down the box (y never decreases): a square
   * reaching above the rows still kept throws.
   */
  meanColours(x: number, y: number, radius: number, F: Float64Array, B: Float64Array): boolean {
    const { x0, y0, w, h } = this.box;
    const left = Math.max(0, x - radius - x0);
    const right = Math.min(w, x + radius + 1 - x0);
    const top = Math.max(0, y - radius - y0);
    const bottom = Math.min(h, y + radius + 1 - y0);
    if (radius > this.reach || top + this.ringRows < this.built) throw new Error('LocalSampleMeans: a square above the rows still kept (calls must go down the box, radius at most the reach)');
    while (this.built <= bottom) this.buildRow(this.built++);
    const t = this.ring;
    const a = (top % this.ringRows) * this.rowLength + left * SUMS;
    const b = (top % this.ringRows) * this.rowLength + right * SUMS;
    const c = (bottom % this.ringRows) * this.rowLength + left * SUMS;
    const d = (bottom % this.ringRows) * this.rowLength + right * SUMS;
    const subjects = rectSum(t, a + 3, b + 3, c + 3, d + 3);
    const backgrounds = rectSum(t, a + 8, b + 8, c + 8, d + 8);
    if (subjects < this.minSamples || backgrounds < this.minSamples) return false;
    F[0] = rectSum(t, a, b, c, d) / subjects;
    F[1] = rectSum(t, a + 1, b + 1, c + 1, d + 1) / subjects;
    F[2] = rectSum(t, a + 2, b + 2, c + 2, d + 2) / subjects;
    B[0] = rectSum(t, a + 5, b + 5, c + 5, d + 5) / backgrounds;
    B[1] = rectSum(t, a + 6, b + 6, c + 6, d + 6) / backgrounds;
    B[2] = rectSum(t, a + 7, b + 7, c + 7, d + 7) / backgrounds;
    F[3] = spread(rectSum(t, a + 4, b + 4, c + 4, d + 4) / subjects, F);
    B[3] = spread(rectSum(t, a + 9, b + 9, c + 9, d + 9) / backgrounds, B);
    return true;
  }

  /** Table row `row` (≥ 1): the row above plus box row `row` − 1's running sums. */
  private buildRow(row: number): void {
    const { photo, kind } = this;
    const { x0, y0, w } = this.box;
    const src = photo.data;
    const t = this.ring;
    const run = this.run;
    run.fill(0);
    // Column 0 of every table row is 0: never written, it stays as allocated whatever row the slot holds.
    let at = (row % this.ringRows) * this.rowLength + SUMS;
    let above = ((row - 1) % this.ringRows) * this.rowLength + SUMS;
    for (let x = 0, j = (y0 + row - 1) * photo.width + x0; x < w; x++, j++, at += SUMS, above += SUMS) {
      const k = kind[j];
      if (k === SUBJECT_SAMPLE || k === BACKGROUND_SAMPLE) {
        const j4 = j * 4;
        const r = src[j4];
        const g = src[j4 + 1];
        const bl = src[j4 + 2];
        const o = k === SUBJECT_SAMPLE ? 0 : 5;
        run[o] += r;
        run[o + 1] += g;
        run[o + 2] += bl;
        run[o + 3]++;
        run[o + 4] += r * r + g * g + bl * bl;
      }
      for (let q = 0; q < SUMS; q++) t[at + q] = t[above + q] + run[q];
    }
  }
}

/** The RMS distance of samples from their mean colour, from the mean of their r² + g² + b². */
function spread(meanSquare: number, mean: Float64Array): number {
  return Math.sqrt(Math.max(0, meanSquare - (mean[0] * mean[0] + mean[1] * mean[1] + mean[2] * mean[2])));
}

/** A rectangle's sum from a summed-area table, given its four corners' indices (top-left, top-right, bottom-left, bottom-right). */
function rectSum(table: Float64Array, a: number, b: number, c: number, d: number): number {
  return table[d] - table[b] - table[c] + table[a];
}
