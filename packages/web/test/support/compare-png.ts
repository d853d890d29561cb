import { createSharpCodec, psnr } from '@facecraft/core/node';

/** PSNR in dB between two PNGs, on all four channels (RGBA). */
export async function pngPsnr(a: Uint8Array, b: Uint8Array): Promise<number> {
  const codec = createSharpCodec();
  const [da, db] = await Promise.all([codec.decode(a, { maxPixels: 50_000_000 }), codec.decode(b, { maxPixels: 50_000_000 })]);
  return psnr(da.image, db.image, { channels: 'rgba' });
}
