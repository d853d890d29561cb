import type { PortraitWindow } from '../../geometry/portrait-window.js';
import { applyAffine, composeAffine, cropWindowAffine, invertAffine, type Affine2D } from '../../image/affine.js';
import { resizeImage } from '../../image/resize.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../image/rgba-image.js';
import { segmentPerson, type PersonModel } from '../segment-person.js';

/** The person model looks at a window this much larger than the portrait's, so it sees the shoulders and the people around. */
const CONTEXT = 1.5;
/** Long side of the person plane in pixels: the model's own 256² output carries no more detail. */
const PLANE_LONG_SIDE = 320;
/** Photos longer than this are read by the person model through a smaller copy (see personView). */
const VIEW_LONG_SIDE = 1280;

/**
 * Where the people are around a portrait window: the person model's probability on a plane
 * that covers the window CONTEXT times over, centred on it, levelled like it, less what lies
 * well past the photo's edge (see lookRegion). Made once per
 * photo and read by the framing (does the person run past the photo's edge?) and by the cut-out.
 */
export interface PersonMap {
  readonly plane: GrayImage;
  /** Plane pixel → photo pixel. */
  readonly planeToPhoto: Affine2D;
  readonly photoWidth: number;
  readonly photoHeight: number;
}

/** The person map on the crop: the plane, its pixels in the crop's, and a per-pixel look-up. */
export interface PersonPrior {
  /** Person probability at one crop pixel (sampled from the plane when asked). */
  readonly atCrop: (index: number) => number;
  readonly context: GrayImage;
  /** Plane pixel → crop pixel. */
  readonly contextToCrop: Affine2D;
  /** Where the plane lies in the photo: whether a plane pixel's middle is inside it is asked with planePixelInPhoto, only where needed. */
  readonly contextInPhoto: PlaneInPhoto;
}

/** Where a person map's plane lies in its photo. */
export type PlaneInPhoto = Pick<PersonMap, 'planeToPhoto' | 'photoWidth' | 'photoHeight'>;

/**
 * Whether plane pixel (x, y)'s middle lies inside the photo. A module-level function of data, not
 * a closure made per cut-out: V8 drops the optimised code that inlined such a closure once it is
 * collected, and the loops that ask this were compiled again for every portrait.
 */
export function planePixelInPhoto({ planeToPhoto, photoWidth, photoHeight }: PlaneInPhoto, x: number, y: number): boolean {
  // applyAffine(planeToPhoto, x + 0.5, y + 0.5), inline: the split asks this of thousands of pixels.
  const px = planeToPhoto[0] * (x + 0.5) + planeToPhoto[1] * (y + 0.5) + planeToPhoto[2];
  const py = planeToPhoto[3] * (x + 0.5) + planeToPhoto[4] * (y + 0.5) + planeToPhoto[5];
  return px >= 0 && py >= 0 && px < photoWidth && py < photoHeight;
}

/** A copy of the photo the person model may read instead of the photo, and the map into it. */
export interface PersonView {
  readonly image: RgbaImage;
  /** Photo pixel → view pixel. */
  readonly fromPhoto: Affine2D;
}

/**
 * A large photo is read through a copy at most VIEW_LONG_SIDE long: warping the model's small
 * input straight from a large photo would low-pass the whole region (Lanczos) every time.
 */
function personView(photo: RgbaImage): PersonView {
  const long = Math.max(photo.width, photo.height);
  if (long <= VIEW_LONG_SIDE) return { image: photo, fromPhoto: [1, 0, 0, 0, 1, 0] };
  const width = Math.max(1, Math.round((photo.width * VIEW_LONG_SIDE) / long));
  const height = Math.max(1, Math.round((photo.height * VIEW_LONG_SIDE) / long));
  return { image: resizeImage(photo, width, height, { filter: 'bilinear' }), fromPhoto: [width / photo.width, 0, 0, 0, height / photo.height, 0] };
}

/** What the person model may see past the photo's edge, as a share of the photo's extent in the window's frame (see lookRegion). */
const PHOTO_SPARE = 0.03;
/** Where the photo covers at least this share of the CONTEXT region, the region stays whole (see lookRegion). */
const PHOTO_SHARE_KEPT = 0.25;

/**
 * The part of the window's CONTEXT region the person model looks at: the region, or, where the
 * photo covers less than PHOTO_SHARE_KEPT of it, the region narrowed (in the window's own,
 * levelled frame) to the photo with PHOTO_SPARE to spare. Past the photo's edge the model sees
 * only the edge smeared outwards: a face that fills a close-up, framed with a margin, became a
 * small picture floating in smear, in which the model saw a head and no neck or shirt. The
 * plane's pixels then go to what the photo shows; past its edge the cut-out reads the plane
 * continued (continuedPastPhoto).
 */
export function lookRegion(window: PortraitWindow, photoWidth: number, photoHeight: number): PortraitWindow {
  const cos = Math.cos(window.angle);
  const sin = Math.sin(window.angle);
  // The photo's corners in the window's frame (u along its top edge, v down it, from its centre).
  let u0 = Infinity;
  let u1 = -Infinity;
  let v0 = Infinity;
  let v1 = -Infinity;
  for (const [x, y] of [[0, 0], [photoWidth, 0], [0, photoHeight], [photoWidth, photoHeight]]) {
    const dx = x - window.centerX;
    const dy = y - window.centerY;
    const u = cos * dx + sin * dy;
    const v = -sin * dx + cos * dy;
    u0 = Math.min(u0, u);
    u1 = Math.max(u1, u);
    v0 = Math.min(v0, v);
    v1 = Math.max(v1, v);
  }
  const spare = PHOTO_SPARE * Math.max(u1 - u0, v1 - v0);
  const halfWidth = (window.width * CONTEXT) / 2;
  const halfHeight = (window.height * CONTEXT) / 2;
  const left = Math.max(-halfWidth, u0 - spare);
  const right = Math.min(halfWidth, u1 + spare);
  const top = Math.max(-halfHeight, v0 - spare);
  const bottom = Math.min(halfHeight, v1 + spare);
  const whole = { ...window, width: 2 * halfWidth, height: 2 * halfHeight };
  // A window that misses the photo altogether (it never does for a face found in it): the whole region.
  if (!(right > left && bottom > top)) return whole;
  // Where the photo covers a fair share of the region the model reads it as it always has: the
  // smear at its edge is a border there. Narrowed below a half, the composites with a tight
  // window lost stray hair (the model's outline drawn closer in) about as often as they gained.
  if ((right - left) * (bottom - top) >= PHOTO_SHARE_KEPT * whole.width * whole.height) return whole;
  const mu = (left + right) / 2;
  const mv = (top + bottom) / 2;
  return { centerX: window.centerX + cos * mu - sin * mv, centerY: window.centerY + sin * mu + cos * mv, width: right - left, height: bottom - top, angle: window.angle };
}

/** `view`: a smaller copy of the photo that already exists (the face detector's), used when given. */
export async function mapPeople(photo: RgbaImage, window: PortraitWindow, model: PersonModel, view?: PersonView): Promise<PersonMap> {
  const region = lookRegion(window, photo.width, photo.height);
  const step = Math.max(region.width, region.height) / PLANE_LONG_SIDE;
  const width = Math.max(8, Math.round(region.width / step));
  const height = Math.max(8, Math.round(region.height / step));
  const planeToPhoto = cropWindowAffine({ ...region, width: width * step, height: height * step, outputWidth: width, outputHeight: height });
  const source = view ?? personView(photo);
  const plane = await segmentPerson(source.image, composeAffine(source.fromPhoto, planeToPhoto), width, height, model);
  return { plane, planeToPhoto, photoWidth: photo.width, photoHeight: photo.height };
}

/** The map seen from a crop (crop pixel → photo pixel given). */
export function priorOnCrop(map: PersonMap, cropToPhoto: Affine2D, width: number): PersonPrior {
  const contextToCrop = composeAffine(invertAffine(cropToPhoto), map.planeToPhoto);
  const [a, b, c, d, e, f] = invertAffine(contextToCrop);
  const { plane } = map;
  const atCrop = (index: number) => {
    const x = (index % width) + 0.5;
    const y = Math.floor(index / width) + 0.5;
    const u = Math.min(plane.width - 1, Math.max(0, Math.floor(a * x + b * y + c)));
    const v = Math.min(plane.height - 1, Math.max(0, Math.floor(d * x + e * y + f)));
    return plane.data[v * plane.width + u];
  };
  return { atCrop, context: plane, contextToCrop, contextInPhoto: map };
}

/** How far in from the photo's edge (plane pixels) the person model's values are read for the edge itself: its output blurs across the edge for a pixel or two. */
const EDGE_INSET = 2;

/**
 * The person plane continued past the photo's edge: each plane pixel outside the photo, or within
 * EDGE_INSET of its edge, takes the value a little way inside the photo at the nearest point (at
 * least, for one inside). The model, shown the photo's edge colours smeared outwards there, calls
 * them background and blurs that across the edge, so a shoulder the photo cuts ended a few pixels
 * inside its edge; the photo's edge is where the picture ends, not where the person does.
 */
export function continuedPastPhoto(map: PersonMap): GrayImage {
  const { plane, planeToPhoto, photoWidth, photoHeight } = map;
  const [a, b, c, d, e, f] = planeToPhoto;
  const [ia, ib, ic, id, ie, iff] = invertAffine(planeToPhoto);
  const { width, height, data } = plane;
  const out = createGrayImage(width, height);
  out.data.set(data);
  const reach = Math.max(Math.hypot(a, d), Math.hypot(b, e)); // photo pixels per plane pixel
  // Plane pixels whose middle lies within `band` of the photo's edge (or past it) are replaced;
  // they read the middle of the first plane pixel in from that band (a photo narrower than
  // that: its middle line).
  const band = EDGE_INSET * reach;
  const read = (EDGE_INSET + 0.5) * reach;
  const left = Math.min(read, photoWidth / 2);
  const right = Math.max(photoWidth - read, photoWidth / 2);
  const top = Math.min(read, photoHeight / 2);
  const bottom = Math.max(photoHeight - read, photoHeight / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = a * (x + 0.5) + b * (y + 0.5) + c;
      const py = d * (x + 0.5) + e * (y + 0.5) + f;
      if (px >= band && py >= band && px <= photoWidth - band && py <= photoHeight - band) continue;
      const qx = Math.min(Math.max(px, left), right);
      const qy = Math.min(Math.max(py, top), bottom);
      const u = Math.min(width - 1, Math.max(0, Math.floor(ia * qx + ib * qy + ic)));
      const v = Math.min(height - 1, Math.max(0, Math.floor(id * qx + ie * qy + iff)));
      const inside = px >= 0 && py >= 0 && px < photoWidth && py < photoHeight;
      const i = y * width + x;
      out.data[i] = inside ? Math.max(data[i], data[v * width + u]) : data[v * width + u];
    }
  }
  return out;
}

/** The person probability at a photo point (0 outside the plane). */
export function personAtPhoto(map: PersonMap, photoToPlane: Affine2D, x: number, y: number): number {
  const p = applyAffine(photoToPlane, x, y);
  const u = Math.floor(p.x);
  const v = Math.floor(p.y);
  if (u < 0 || v < 0 || u >= map.plane.width || v >= map.plane.height) return 0;
  return map.plane.data[v * map.plane.width + u];
}

/** Bilinear samples of `plane` at `outToPlane(x, y)` for each output pixel; outside the plane: 0. */
export function sampleGray(plane: GrayImage, outToPlane: Affine2D, width: number, height: number): GrayImage {
  const out = createGrayImage(width, height);
  const [a, b, c, d, e, f] = outToPlane;
  const { width: pw, height: ph, data } = plane;
  // A levelled crop's map has rounding dust (1e-18) where a rotation would be: still separable.
  if (Math.abs(b) <= 1e-12 * Math.abs(a) && Math.abs(d) <= 1e-12 * Math.abs(e)) return sampleGraySeparable(plane, a, c, e, f, out);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = a * (x + 0.5) + b * (y + 0.5) + c - 0.5;
      const v = d * (x + 0.5) + e * (y + 0.5) + f - 0.5;
      if (u < -0.5 || v < -0.5 || u > pw - 0.5 || v > ph - 0.5) continue;
      const uc = Math.min(Math.max(u, 0), pw - 1);
      const vc = Math.min(Math.max(v, 0), ph - 1);
      const x0 = Math.floor(uc);
      const y0 = Math.floor(vc);
      const x1 = Math.min(x0 + 1, pw - 1);
      const y1 = Math.min(y0 + 1, ph - 1);
      const wx = uc - x0;
      const wy = vc - y0;
      const top = data[y0 * pw + x0] * (1 - wx) + data[y0 * pw + x1] * wx;
      const bottom = data[y1 * pw + x0] * (1 - wx) + data[y1 * pw + x1] * wx;
      out.data[y * width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** sampleGray for a scale-and-shift map: the column and row weights are worked out once each. */
function sampleGraySeparable(plane: GrayImage, a: number, c: number, e: number, f: number, out: GrayImage): GrayImage {
  const { width: pw, height: ph, data } = plane;
  const { width, height } = out;
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float32Array(width);
  const inX = new Uint8Array(width);
  for (let x = 0; x < width; x++) {
    const u = a * (x + 0.5) + c - 0.5;
    inX[x] = u >= -0.5 && u <= pw - 0.5 ? 1 : 0;
    const uc = Math.min(Math.max(u, 0), pw - 1);
    x0s[x] = Math.floor(uc);
    x1s[x] = Math.min(x0s[x] + 1, pw - 1);
    wxs[x] = uc - x0s[x];
  }
  for (let y = 0; y < height; y++) {
    const v = e * (y + 0.5) + f - 0.5;
    if (v < -0.5 || v > ph - 0.5) continue;
    const vc = Math.min(Math.max(v, 0), ph - 1);
    const y0 = Math.floor(vc);
    const y1 = Math.min(y0 + 1, ph - 1);
    const wy = vc - y0;
    const r0 = y0 * pw;
    const r1 = y1 * pw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!inX[x]) continue;
      const wx = wxs[x];
      const top = data[r0 + x0s[x]] * (1 - wx) + data[r0 + x1s[x]] * wx;
      const bottom = data[r1 + x0s[x]] * (1 - wx) + data[r1 + x1s[x]] * wx;
      out.data[row + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}
