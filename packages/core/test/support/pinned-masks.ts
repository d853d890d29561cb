// Deterministic soft masks and a plane hash, for tests that pin a function's exact output.

/** A deterministic pseudo-random generator (the same masks on every run). */
export function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** FNV-1a over a plane's float bytes. */
export function hashPlane(data: Float32Array): string {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Soft discs with clear rings inside (enclosed holes of many sizes), a comb whose teeth join below (U-shaped runs), and noise. */
export function softBlobs(width: number, height: number, seed: number): Float32Array {
  const random = lcg(seed);
  const data = new Float32Array(width * height);
  const discs = Array.from({ length: 7 }, () => ({ x: random() * width, y: random() * height, r: 4 + random() * width * 0.2 }));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const d of discs) {
        const dist = Math.hypot(x - d.x, y - d.y);
        const ring = dist < d.r ? (Math.sin(dist * 0.9) > 0.6 ? 0.15 : 0.95) : Math.max(0, 1 - (dist - d.r) / 3) * 0.7;
        v = Math.max(v, ring);
      }
      if (x % 17 < 3 && y > height * 0.3 && y < height * 0.9) v = 0.9;
      if (y > height * 0.85 && y < height * 0.9 && x > width * 0.1) v = 0.9;
      if (random() < 0.08) v = random();
      data[y * width + x] = v;
    }
  return data;
}
