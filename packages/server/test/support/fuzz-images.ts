/**
 * Odd but valid images for the fuzz test, made deterministically (seeded PRNG, sharp) from the
 * real fixture photos: collages of many faces, faces cut by each edge, tiny faces, rotated
 * faces, non-faces, extreme aspect ratios, greyscale, heavy blur, several formats.
 *
 * Pixels are assembled on raw RGB buffers here (so a face can hang over an edge) and encoded
 * with sharp; the same seed gives the same images.
 */
import sharp, { type Sharp } from 'sharp';
import { fixture } from './server-harness.js';

export type FuzzKind =
  | 'reported'
  | 'collage'
  | 'edge-cut'
  | 'tiny'
  | 'rotated'
  | 'non-face'
  | 'aspect'
  | 'greyscale'
  | 'blur'
  | 'format';

export interface FuzzImage {
  readonly name: string;
  readonly kind: FuzzKind;
  readonly bytes: Buffer;
}

/** mulberry32: small, fast, good enough to vary test images. */
export function createRng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** Integer in [lo, hi]. */
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    chance: (p: number) => next() < p,
  };
}
export type Rng = ReturnType<typeof createRng>;

interface Raw {
  readonly width: number;
  readonly height: number;
  /** RGB, 3 bytes a pixel. */
  readonly data: Buffer;
}

export const FUZZ_PORTRAITS = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'portrait-5-tilted.jpg'] as const;
export const FUZZ_GROUPS = ['group-1.jpg', 'group-2.jpg', 'group-3.jpg'] as const;

async function decode(bytes: Buffer | Sharp): Promise<Raw> {
  const img = Buffer.isBuffer(bytes) ? sharp(bytes) : bytes;
  const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected RGB, got ${info.channels} channels`);
  return { width: info.width, height: info.height, data };
}

const rawInput = (r: Raw) => sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } });

function canvas(width: number, height: number, rgb: readonly [number, number, number]): Raw {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
  }
  return { width, height, data };
}

/** Copies `src` onto `dst` with its top-left corner at (x, y); whatever falls outside is cut off. */
function blit(dst: Raw, src: Raw, x: number, y: number): void {
  const x0 = Math.max(0, x);
  const x1 = Math.min(dst.width, x + src.width);
  if (x1 <= x0) return;
  for (let row = Math.max(0, y); row < Math.min(dst.height, y + src.height); row++) {
    const from = ((row - y) * src.width + (x0 - x)) * 3;
    src.data.copy(dst.data, (row * dst.width + x0) * 3, from, from + (x1 - x0) * 3);
  }
}

async function resized(src: Raw, width: number, height: number, fit: 'cover' | 'fill' = 'cover'): Promise<Raw> {
  return decode(rawInput(src).resize(width, height, { fit, kernel: 'lanczos3' }));
}

async function rotated(src: Raw, degrees: number, background: readonly [number, number, number] = [128, 128, 128]): Promise<Raw> {
  return decode(rawInput(src).rotate(degrees, { background: { r: background[0], g: background[1], b: background[2] } }));
}

type Format = 'jpeg' | 'png' | 'webp';

async function encode(src: Raw | Sharp, format: Format): Promise<Buffer> {
  const img = 'data' in src ? rawInput(src) : src;
  switch (format) {
    case 'jpeg':
      return img.jpeg({ quality: 88 }).toBuffer();
    case 'png':
      return img.png({ compressionLevel: 3 }).toBuffer();
    case 'webp':
      return img.webp({ quality: 85 }).toBuffer();
  }
}

function randomColour(rng: Rng): [number, number, number] {
  return [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
}

function noise(rng: Rng, width: number, height: number): Raw {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(0, 255);
  return { width, height, data };
}

/** Dark bars of varied length on a light page: lines of "text" as a detector sees them. */
function stripes(rng: Rng, width: number, height: number): Raw {
  const page = canvas(width, height, [245, 245, 240]);
  let y = rng.int(4, 20);
  while (y < height - 4) {
    const h = rng.int(3, 12);
    let x = rng.int(4, 30);
    while (x < width - 4) {
      const w = rng.int(4, 60);
      blit(page, canvas(Math.min(w, width - x), Math.min(h, height - y), [rng.int(0, 60), rng.int(0, 60), rng.int(0, 60)]), x, y);
      x += w + rng.int(3, 14);
    }
    y += h + rng.int(4, 18);
  }
  return page;
}

function gradient(width: number, height: number): Raw {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((255 * x) / Math.max(1, width - 1));
      data[i + 1] = Math.round((255 * y) / Math.max(1, height - 1));
      data[i + 2] = 128;
    }
  }
  return { width, height, data };
}

/** A grid collage of `count` face tiles, `cols` wide, each tile `tile` px, optionally turned. */
async function collage(sources: readonly Raw[], rng: Rng, count: number, cols: number, tile: number, turn: boolean): Promise<Raw> {
  const rows = Math.ceil(count / cols);
  const out = canvas(cols * tile, rows * tile, randomColour(rng));
  for (let i = 0; i < count; i++) {
    let face = await resized(sources[i % sources.length], tile, tile);
    if (turn && rng.chance(0.3)) face = await rotated(face, rng.pick([90, 180, 270]));
    blit(out, face, (i % cols) * tile, Math.floor(i / cols) * tile);
  }
  return out;
}

/**
 * The generated set: at least 200 images, the same for the same seed. `reported` is the case
 * from the issue: 12 portraits in 300 px tiles, 4 × 3.
 */
export async function makeFuzzImages(seed = 20240917): Promise<FuzzImage[]> {
  const rng = createRng(seed);
  const portraits = await Promise.all(FUZZ_PORTRAITS.map((n) => decode(fixture(n))));
  const groups = await Promise.all(FUZZ_GROUPS.map((n) => decode(fixture(n))));
  const astronaut = await decode(fixture('astronaut.png'));
  const cat = await decode(fixture('no-face-cat.png'));
  const faces = [...portraits, astronaut];
  const out: FuzzImage[] = [];
  const add = async (kind: FuzzKind, name: string, image: Raw | Sharp, format: Format = 'jpeg') => {
    out.push({ kind, name: `${String(out.length).padStart(3, '0')}-${name}.${format === 'jpeg' ? 'jpg' : format}`, bytes: await encode(image, format) });
  };

  // The reported case, and its neighbours: 12 portraits in 300 px tiles.
  await add('reported', 'collage-12-of-300px-4x3', await collage(portraits, rng, 12, 4, 300, false));
  await add('reported', 'collage-12-of-300px-3x4', await collage([...portraits].reverse(), rng, 12, 3, 300, false));
  await add('reported', 'collage-12-of-300px-6x2', await collage(faces, rng, 12, 6, 300, false));

  // Collages of 2–20 faces.
  for (let i = 0; i < 30; i++) {
    const count = rng.int(2, 20);
    const cols = rng.int(1, Math.min(count, 6));
    const tile = rng.pick([64, 96, 128, 160, 200, 256, 300, 360]);
    const shuffled = [...faces].sort(() => rng.next() - 0.5);
    await add('collage', `collage-${count}-of-${tile}px-${cols}cols`, await collage(shuffled, rng, count, cols, tile, rng.chance(0.4)), rng.pick(['jpeg', 'jpeg', 'png', 'webp']));
  }

  // Faces cut by each edge, by a growing share.
  const edges = ['left', 'right', 'top', 'bottom'] as const;
  for (const edge of edges) {
    for (const share of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
      const src = rng.pick(faces);
      const side = rng.pick([300, 480, 600]);
      const face = await resized(src, side, side);
      const out2 = canvas(side, side, randomColour(rng));
      const shift = Math.round(side * share);
      const [x, y] = edge === 'left' ? [-shift, 0] : edge === 'right' ? [shift, 0] : edge === 'top' ? [0, -shift] : [0, shift];
      blit(out2, face, x, y);
      await add('edge-cut', `cut-${edge}-${Math.round(share * 100)}pct-${side}px`, out2);
    }
  }
  // Corners, and a group photo cut through its faces.
  for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]]) {
    const face = await resized(rng.pick(portraits), 500, 500);
    const page = canvas(500, 500, randomColour(rng));
    blit(page, face, dx * 220, dy * 220);
    await add('edge-cut', `cut-corner-${dx}-${dy}`, page);
  }
  for (const g of groups) {
    const band = rng.int(300, 500);
    await add('edge-cut', `group-band-${band}`, await decode(rawInput(g).extract({ left: 0, top: rng.int(250, 500), width: g.width, height: band })));
  }

  // Tiny faces: on a large page, and whole tiny images.
  for (let i = 0; i < 16; i++) {
    const size = rng.int(12, 72);
    const page = canvas(rng.int(200, 1400), rng.int(200, 1000), randomColour(rng));
    const face = await resized(rng.pick(faces), size, size);
    for (let k = rng.int(1, 5); k > 0; k--) blit(page, face, rng.int(-size / 2, page.width - size / 2), rng.int(-size / 2, page.height - size / 2));
    await add('tiny', `tiny-${size}px-on-${page.width}x${page.height}`, page, rng.pick(['jpeg', 'png']));
  }
  for (const size of [8, 16, 24, 32, 48, 64, 96, 128]) {
    await add('tiny', `whole-${size}px`, await resized(rng.pick(faces), size, size), 'png');
  }
  for (const g of groups) {
    const width = rng.int(120, 320);
    await add('tiny', `group-at-${width}px`, await resized(g, width, Math.round((width * g.height) / g.width), 'fill'));
  }

  // Rotations by quarter turns, and some odd angles.
  for (const src of [...faces, ...groups]) {
    for (const angle of [90, 180, 270]) {
      const base = src.width > 1000 ? await resized(src, 960, Math.round((960 * src.height) / src.width), 'fill') : src;
      await add('rotated', `rot${angle}-${src.width}x${src.height}`, await rotated(base, angle));
    }
  }
  for (let i = 0; i < 8; i++) {
    const angle = rng.pick([15, 30, 45, 60, 120, 135, 150, 210, 225, 315]);
    await add('rotated', `rot${angle}-portrait`, await rotated(await resized(rng.pick(faces), 480, 480), angle, randomColour(rng)));
  }

  // Non-faces.
  for (const [w, h] of [[64, 64], [320, 240], [640, 480], [1024, 1024], [1500, 300]]) await add('non-face', `noise-${w}x${h}`, noise(rng, w, h), 'png');
  for (let i = 0; i < 6; i++) {
    const [w, h] = [rng.int(16, 1200), rng.int(16, 1200)];
    await add('non-face', `flat-${w}x${h}`, canvas(w, h, randomColour(rng)), rng.pick(['jpeg', 'png', 'webp']));
  }
  for (let i = 0; i < 6; i++) {
    const [w, h] = [rng.int(200, 1200), rng.int(200, 1200)];
    await add('non-face', `stripes-${w}x${h}`, stripes(rng, w, h), rng.pick(['jpeg', 'png']));
  }
  await add('non-face', 'gradient-800x600', gradient(800, 600), 'png');
  await add('non-face', 'cat', cat, 'png');
  for (const angle of [90, 180, 270]) await add('non-face', `cat-rot${angle}`, await rotated(cat, angle));
  await add('non-face', 'cat-collage-9', await collage([cat], rng, 9, 3, 200, true));
  await add('non-face', 'cat-tiny-40', await resized(cat, 40, 27, 'fill'), 'png');

  // Extreme aspect ratios: blank, noise, squashed photos and strips through the eyes.
  for (const [w, h] of [[1, 1], [2, 2], [3, 3], [1, 2], [2, 1], [1, 500], [500, 1], [3000, 40], [40, 3000], [4000, 60], [60, 4000], [5000, 3], [3, 5000], [2048, 8], [8, 2048], [100_000, 1], [1, 100_000]]) {
    // JPEG stops at 65535 px a side.
    await add('aspect', `flat-${w}x${h}`, canvas(w, h, randomColour(rng)), w * h < 16 || Math.max(w, h) > 65_535 ? 'png' : rng.pick(['jpeg', 'png']));
  }
  for (const [w, h] of [[3000, 40], [40, 3000], [4000, 60], [60, 4000], [1200, 100], [100, 1200], [2, 700], [700, 2], [1, 1], [2, 2]]) {
    await add('aspect', `squashed-${w}x${h}`, await resized(rng.pick(faces), w, h, 'fill'), 'png');
  }
  for (const p of portraits.slice(0, 4)) {
    const band = rng.int(40, 160);
    const top = Math.round(p.height * 0.38 - band / 2);
    await add('aspect', `eye-strip-${band}`, await decode(rawInput(p).extract({ left: 0, top, width: p.width, height: band })));
    await add('aspect', `eye-strip-column-${band}`, await decode(rawInput(p).extract({ left: Math.round(p.width / 2 - band / 2), top: 0, width: band, height: p.height })));
  }
  for (const [w, h, n] of [[3000, 300, 10], [300, 3000, 10], [4000, 200, 20], [200, 2400, 12]]) {
    // Faces in a long row or column: a strip-shaped collage.
    const tile = Math.min(w, h);
    const cols = w > h ? n : 1;
    const strip = await collage(faces, rng, n, cols, tile, false);
    await add('aspect', `strip-of-${n}-${strip.width}x${strip.height}`, strip);
  }

  // Greyscale and heavy blur.
  for (const src of [...faces, ...groups]) {
    await add('greyscale', `grey-${src.width}x${src.height}`, rawInput(src).greyscale(), rng.pick(['jpeg', 'png']));
  }
  for (const src of [...faces.slice(0, 5), ...groups]) {
    for (const sigma of [6, 20]) await add('blur', `blur-${sigma}-${src.width}x${src.height}`, rawInput(src).blur(sigma + rng.int(0, 4)));
  }
  await add('blur', 'blur-grey-80', rawInput(rng.pick(faces)).greyscale().blur(80));

  // Formats: WebP, PNG with alpha (a transparent background), 16-bit PNG.
  for (const src of faces) {
    await add('format', `webp-${src.width}`, src, 'webp');
    // Transparent outside the middle 60 %, with the photo still in the colour channels there.
    const mask = Buffer.alloc(src.width * src.height);
    for (let y = Math.round(src.height * 0.2); y < Math.round(src.height * 0.8); y++) mask.fill(255, y * src.width + Math.round(src.width * 0.2), y * src.width + Math.round(src.width * 0.8));
    const alpha = await rawInput(src).joinChannel(mask, { raw: { width: src.width, height: src.height, channels: 1 } }).png().toBuffer();
    out.push({ kind: 'format', name: `${String(out.length).padStart(3, '0')}-transparent-${src.width}.png`, bytes: alpha });
  }
  const push = (name: string, bytes: Buffer) => out.push({ kind: 'format', name: `${String(out.length).padStart(3, '0')}-${name}`, bytes });
  for (const src of portraits.slice(0, 3)) push(`png16-${src.width}.png`, await rawInput(src).toColourspace('rgb16').png().toBuffer());
  const [p1, p2, p3, p4] = portraits;
  push('palette.png', await rawInput(p1).png({ palette: true, colours: 64 }).toBuffer());
  push('grey-alpha.png', await rawInput(p2).greyscale().ensureAlpha(0.6).png().toBuffer());
  push('cmyk.jpg', await rawInput(p3).toColourspace('cmyk').jpeg().toBuffer());
  push('progressive.jpg', await rawInput(p4).jpeg({ progressive: true, quality: 40 }).toBuffer());
  push('portrait.gif', await rawInput(p1).gif().toBuffer());
  push('portrait.tiff', await rawInput(p2).tiff({ compression: 'lzw' }).toBuffer());
  push('portrait.avif', await rawInput(await resized(p3, 320, 320)).avif({ quality: 50, effort: 0 }).toBuffer());
  push('tiny.gif', await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).gif().toBuffer());
  // EXIF orientations (the photo is stored turned; 5–8 swap width and height), also on a 1×N strip.
  for (const orientation of [2, 3, 4, 5, 6, 7, 8]) {
    push(`exif${orientation}.jpg`, await rawInput(rng.pick(portraits)).jpeg().withMetadata({ orientation }).toBuffer());
  }
  push('exif6-1x300.jpg', await sharp({ create: { width: 1, height: 300, channels: 3, background: '#777' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer());
  push('exif8-strip.png', await rawInput(await resized(p4, 900, 30, 'fill')).png().withMetadata({ orientation: 8 }).toBuffer());
  return out;
}
