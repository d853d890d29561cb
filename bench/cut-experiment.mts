import { readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import { createNodePortraitProcessor } from '../packages/core/src/node.ts';
import { contactSheet, onBackdrops } from './contact-sheet.ts';
const photos = process.argv.slice(2);
const p = await createNodePortraitProcessor({ modelsDir: '/work/main/models', device: 'cpu', threads: 2 });
const tiles: Buffer[] = [];
const S = 220;
for (const file of photos) {
  const bytes = readFileSync(file);
  const src = await sharp(bytes).rotate().resize(S, S, { fit: 'contain', background: '#555' }).png().toBuffer();
  tiles.push(src);
  for (const [cutout, margin] of [['salient', Number(process.env.MARGIN ?? 0.4)], [(process.env.MODE ?? 'refined') as 'refined', Number(process.env.MARGIN ?? 0.4)]] as const) {
    try {
      const t0 = performance.now();
      const r = await p.process(bytes, { cutout, ovalMask: false, faceMargin: margin, enhance: false });
      const [c, d] = await onBackdrops(r.png, S);
      tiles.push(c, ...(cutout !== 'salient' ? [d] : []));
      console.log(file.split('/').pop(), cutout, Math.round(performance.now() - t0), 'ms seg', Math.round(r.timings.segment), 'frame', Math.round(r.timings.frame ?? 0), JSON.stringify(r.framing), JSON.stringify(r.warnings));
    } catch (e) { console.log(file, cutout, (e as Error).message); tiles.push(src, ...(cutout === 'person' ? [src] : [])); }
  }
}
writeFileSync(process.env.OUT ?? '/tmp/cut/sheet.png', await contactSheet(tiles, 4, S));
