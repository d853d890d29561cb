/**
 * Feathered oval mask for portrait vignettes: 1 inside the ellipse, 0 well outside, 0.5 on the
 * ellipse itself, with a Gaussian-shaped transition.
 *
 * Computed analytically rather than by blurring a hard ellipse, so it costs O(1) per pixel
 * whatever the feather and has no kernel truncation. A straight edge blurred by a Gaussian of
 * sigma σ is exactly Φ(−d/σ) at signed distance d; a curved edge of curvature κ loses a further
 * (κσ/2)·φ(d/σ) to second order (more of the kernel falls outside a convex shape). With d the
 * first-order signed distance to the ellipse and κ the ellipse's curvature at the radially
 * corresponding point, the result stays within about 0.01 of actually blurring a filled ellipse
 * when the feather is small next to the radii (measured: 0.005 at σ = radius/7, 0.016 at
 * σ ≈ radius/4).
 */
import { createGrayImage, type GrayImage } from './rgba-image.js';
import { assertFiniteNumber, assertNonNegativeNumber, assertObject, assertPositiveInteger, assertPositiveNumber } from './validate.js';

export interface EllipseMaskOptions {
  /** Centre in continuous pixel coordinates (pixel (i, j) has its centre at (i + 0.5, j + 0.5)). */
  centerX: number;
  centerY: number;
  radiusX: number;
  radiusY: number;
  /** Gaussian sigma of the soft edge in pixels; 0 gives a hard edge antialiased over one pixel. */
  feather: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** erfc(x) (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7), enough for a mask. */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const r = poly * Math.exp(-z * z);
  return x >= 0 ? r : 2 - r;
}

/** What a row of the mask is computed from, worked out once per mask. */
interface EllipseRows {
  readonly data: Float32Array;
  readonly width: number;
  readonly centerX: number;
  readonly centerY: number;
  readonly invRx: number;
  readonly invRy: number;
  readonly invRx2: number;
  readonly invRy2: number;
  readonly rx2: number;
  readonly ry2: number;
  readonly centreDistance: number;
  readonly feather: number;
  readonly invSigma: number;
  readonly invSigmaSqrt2: number;
  readonly curvatureScale: number;
  readonly solidRho: number;
}

/**
 * The mask at pixels [x0, x1) of row y. A module-level function rather than a closure made per
 * mask: V8 ran a fresh closure's loop unoptimised for every portrait's face mask.
 */
function fillRow(rows: EllipseRows, y: number, x0: number, x1: number): void {
  const { data, width, centerX, centerY, invRx, invRy, invRx2, invRy2, rx2, ry2, centreDistance, feather, invSigma, invSigmaSqrt2, curvatureScale, solidRho } = rows;
  const dy = y + 0.5 - centerY;
  const ny = dy * invRy;
  const gy = dy * invRy2;
  for (let x = x0; x < x1; x++) {
    const dx = x + 0.5 - centerX;
    const nx = dx * invRx;
    const gx = dx * invRx2;
    // rho = 1 on the ellipse; (rho − 1) / |∇rho| is the signed distance to first order.
    const rho = Math.sqrt(nx * nx + ny * ny);
    if (rho < solidRho) {
      data[y * width + x] = 1;
      continue;
    }
    const grad = Math.sqrt(gx * gx + gy * gy);
    const d = grad > 0 ? ((rho - 1) * rho) / grad : centreDistance;
    let v: number;
    if (feather > 0) {
      v = 0.5 * erfc(d * invSigmaSqrt2);
      if (rho > 0) {
        // Ellipse curvature at parameter t with cos t = nx/rho, sin t = ny/rho:
        // κ = a·b / (a² sin² t + b² cos² t)^(3/2); here pre-multiplied by σ/2.
        const s2 = (ny * ny) / (rho * rho);
        const c2 = (nx * nx) / (rho * rho);
        const q = rx2 * s2 + ry2 * c2;
        const halfKappaSigma = Math.min(0.5, curvatureScale / (q * Math.sqrt(q)));
        const z = d * invSigma;
        v -= halfKappaSigma * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
      }
    } else {
      v = 0.5 - d;
    }
    data[y * width + x] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

export function featheredEllipseMask(width: number, height: number, options: EllipseMaskOptions): GrayImage {
  assertPositiveInteger(width, 'width');
  assertPositiveInteger(height, 'height');
  assertObject(options, 'options');
  const { centerX, centerY, radiusX, radiusY, feather } = options;
  assertFiniteNumber(centerX, 'options.centerX');
  assertFiniteNumber(centerY, 'options.centerY');
  assertPositiveNumber(radiusX, 'options.radiusX');
  assertPositiveNumber(radiusY, 'options.radiusY');
  assertNonNegativeNumber(feather, 'options.feather');

  const mask = createGrayImage(width, height);
  const data = mask.data;
  const invRx = 1 / radiusX;
  const invRy = 1 / radiusY;
  const invRx2 = invRx * invRx;
  const invRy2 = invRy * invRy;
  const rx2 = radiusX * radiusX;
  const ry2 = radiusY * radiusY;
  const centreDistance = -Math.min(radiusX, radiusY);
  const invSigma = feather > 0 ? 1 / feather : 0;
  const invSigmaSqrt2 = invSigma * Math.SQRT1_2;
  const curvatureScale = (radiusX * radiusY * feather) / 2;

  // Deep inside, d ≤ (rho − 1)·min(radii) ≤ −6.5σ (|∇rho| ≤ rho / min(radii)), where the value is
  // 1 − (under 5e-9): exactly 1 once stored as float32 (the next float32 below 1 is 1 − 6e-8).
  const solidRho = feather > 0 ? 1 - (6.5 * feather) / Math.min(radiusX, radiusY) : 1 - 1.5 / Math.min(radiusX, radiusY);

  const rowParams: EllipseRows = { data, width, centerX, centerY, invRx, invRy, invRx2, invRy2, rx2, ry2, centreDistance, feather, invSigma, invSigmaSqrt2, curvatureScale, solidRho };

  // Only pixels near the ellipse can be non-zero: since |∇rho| ≤ rho / min(radii), d ≥ (rho − 1)·
  // min(radii), and from d = 16σ on (1.5 px for a hard edge) the value is exactly 0 in float32
  // (erfc(16/√2) ≈ 1e-57). Rows are computed on that span only: a face mask covers a fraction
  // of the crop.
  const reach = 1 + (feather > 0 ? 16 * feather : 1.5) / Math.min(radiusX, radiusY);
  // A mask centred on the image is symmetric to the bit (dx and dy change sign exactly under
  // mirroring, and enter squared): one quadrant is computed and mirrored.
  const mirrorX = centerX * 2 === width;
  const mirrorY = centerY * 2 === height;
  // A circle centred on a square image is also symmetric about the diagonal, to the bit (dx and dy
  // swap exactly and every expression is symmetric in them): one octant is computed.
  const diagonal = mirrorX && mirrorY && width === height && radiusX === radiusY;
  const rows = mirrorY ? Math.ceil(height / 2) : height;
  const spans = new Int32Array(rows * 2);
  for (let y = 0; y < rows; y++) {
    const ny = (y + 0.5 - centerY) * invRy;
    const span2 = reach * reach - ny * ny;
    if (!(span2 > 0)) continue;
    const half = radiusX * Math.sqrt(span2);
    const x0 = Math.max(0, Math.floor(centerX - half - 0.5) - 1);
    const x1 = Math.min(mirrorX ? Math.ceil(width / 2) : width, Math.ceil(centerX + half - 0.5) + 2);
    if (x0 >= x1) continue;
    spans[2 * y] = x0;
    spans[2 * y + 1] = x1;
    // Below the diagonal the octant above gives the values (pixels outside its span are 0 there too).
    fillRow(rowParams, y, diagonal ? Math.max(x0, y) : x0, x1);
  }
  if (diagonal) {
    for (let y = 1; y < rows; y++) for (let x = 0; x < y; x++) data[y * width + x] = data[x * width + y];
  }
  for (let y = 0; y < rows; y++) {
    const x0 = spans[2 * y];
    const x1 = spans[2 * y + 1];
    if (x0 >= x1) continue;
    const row = y * width;
    if (mirrorX) for (let x = x0; x < x1; x++) data[row + width - 1 - x] = data[row + x];
    if (mirrorY && height - 1 - y !== y) data.copyWithin((height - 1 - y) * width, row, row + width);
  }
  return mask;
}
