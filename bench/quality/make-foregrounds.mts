/**
 * Makes the composites' foregrounds (bench/quality/foregrounds/*.png): head-and-shoulders RGBA
 * portraits whose alpha is then taken as the truth. Run by hand, once (`npx tsx
 * bench/quality/make-foregrounds.mts`); the PNGs are committed and PROVENANCE.md says how each
 * alpha was made and checked.
 *
 * Each alpha is the pipeline's 'refined' cut-out at segmentation 1024² on the photo itself (or on
 * a crop of a group photo around one person), 648², face margin 0.5, no oval, no enhancement, no
 * face restoration; the RGB is the photo's own pixels. Only photos of the development set are
 * used (never a held-out one). After looking at every one on a checkerboard and on a dark
 * backdrop, the hand fixes below (polygons in output pixels) clear what the cut-out kept wrongly
 * or fill what it dropped.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { caption, contactSheet, fillPolygon, loadProcessor, onBackdrops, qualityDir, root, SIZE } from './lib.mts';

interface Source {
  readonly name: string;
  readonly file: string;
  /** Crop of the photo around one person (group photos): left, top, width, height. */
  readonly crop?: readonly [number, number, number, number];
  /** Hand fixes in output pixels: polygons whose alpha is set to 0 (clear) or 1 (fill). */
  readonly clear?: readonly (readonly [number, number])[][];
  readonly fill?: readonly (readonly [number, number])[][];
}

const fixtures = 'packages/core/test/fixtures';
export const FOREGROUND_SOURCES: readonly Source[] = [
  { name: 'astronaut', file: `${fixtures}/astronaut.png` },
  { name: 'portrait-1', file: `${fixtures}/portrait-1.jpg` },
  { name: 'portrait-2', file: `${fixtures}/portrait-2.jpg` },
  // portrait-3 is left out: a blocky half-transparent patch (the neighbour's dark hair) runs into her own hair, with no edge to draw by hand.
  // portrait-4 is left out: levelling her head puts the photo's top edge across her hair (a straight cut in the truth).
  { name: 'portrait-5', file: `${fixtures}/portrait-5.jpg` },
  // group-2's middle person (face box 888,272 180²) and group-3's middle and right people.
  // A lilac cushion and the neighbour's hand kept left of her hair: cleared.
  { name: 'group-2-middle', file: `${fixtures}/group-2.jpg`, crop: [668, 60, 620, 780], clear: [[[0, 220], [140, 220], [140, 545], [0, 545]]] },
  // group-2's left person (portrait-4's source) is left out too: a white patch kept behind her face, blocky hair.
  // group-2's right person: a grey blocky patch kept left of her hair, by the chin: cleared.
  { name: 'group-2-right', file: `${fixtures}/group-2.jpg`, crop: [1230, 0, 660, 840], clear: [[[150, 290], [212, 290], [206, 440], [150, 440]]] },
  { name: 'group-3-middle', file: `${fixtures}/group-3.jpg`, crop: [843, 40, 680, 860] },
  { name: 'group-3-right', file: `${fixtures}/group-3.jpg`, crop: [1274, 120, 640, 820] },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const processor = await loadProcessor();
  const dir = path.join(qualityDir, 'foregrounds');
  mkdirSync(dir, { recursive: true });
  const tiles: Buffer[] = [];
  const T = 260;
  for (const source of FOREGROUND_SOURCES) {
    if (only.length && !only.includes(source.name)) continue;
    let bytes: Uint8Array = readFileSync(path.join(root, source.file));
    if (source.crop) {
      const [left, top, width, height] = source.crop;
      bytes = await sharp(bytes).extract({ left, top, width, height }).png().toBuffer();
    }
    const r = await processor.process(bytes, {
      cutout: 'refined',
      segmentationSize: 1024,
      faceMargin: 0.5,
      ovalMask: false,
      enhance: false,
      restoreFace: false,
    });
    const data = new Uint8ClampedArray(r.image.data);
    for (const [polygons, value] of [[source.clear ?? [], 0], [source.fill ?? [], 255]] as const) {
      for (const polygon of polygons) {
        const mask = fillPolygon(polygon.map(([x, y]) => ({ x, y })), SIZE, SIZE);
        for (let i = 0; i < mask.length; i++) if (mask[i]) data[i * 4 + 3] = value;
      }
    }
    const png = await sharp(Buffer.from(data.buffer), { raw: { width: SIZE, height: SIZE, channels: 4 } }).png().toBuffer();
    writeFileSync(path.join(dir, `${source.name}.png`), png);
    const [checker, dark] = await onBackdrops(png, T);
    tiles.push(await caption(checker, source.name, T), await caption(dark, `${source.name} window ${Math.round(r.window.width)} px`, T));
    console.log(source.name, 'faces', r.faces.length, 'window', JSON.stringify(r.window));
  }
  writeFileSync('/tmp/foregrounds-review.png', await contactSheet(tiles, 6, T));
  console.log('review sheet: /tmp/foregrounds-review.png');
  await processor.release();
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
