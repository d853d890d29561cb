import sharp from 'sharp';

/** A checkerboard and a dark backdrop under each RGBA portrait: see-through parts and halos show on one or the other. */
export async function onBackdrops(png: Uint8Array, size: number): Promise<Buffer[]> {
  const tile = Math.max(4, Math.round(size / 24));
  const checker = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const v = (Math.floor(x / tile) + Math.floor(y / tile)) % 2 ? 200 : 255;
    checker.fill(v, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  const fg = await sharp(png).resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
  const onChecker = await sharp(checker, { raw: { width: size, height: size, channels: 3 } }).composite([{ input: fg }]).png().toBuffer();
  const onDark = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 24, g: 28, b: 36 } } }).composite([{ input: fg }]).png().toBuffer();
  return [onChecker, onDark];
}

/** Lays tiles out in rows of `columns`, each `size` square, with a gap. */
export async function contactSheet(tiles: Buffer[], columns: number, size: number, gap = 6): Promise<Buffer> {
  const rows = Math.ceil(tiles.length / columns);
  const width = columns * size + (columns + 1) * gap;
  const height = rows * size + (rows + 1) * gap;
  return sharp({ create: { width, height, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .composite(tiles.map((input, i) => ({ input, left: gap + (i % columns) * (size + gap), top: gap + Math.floor(i / columns) * (size + gap) })))
    .png()
    .toBuffer();
}
