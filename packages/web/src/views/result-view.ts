import { byId } from '../dom.js';
import type { PortraitOutcome } from '../engine-types.js';
import { formatBytes, portraitBaseName } from '../format.js';
import { drawResultOverlay } from './draw-overlay.js';

/** The "after" pane: the PNG (or the JPEG on request), its guides, and the download links. */
export function createResultView() {
  const img = byId('result', HTMLImageElement);
  const overlay = byId('result-overlay', HTMLCanvasElement);
  const placeholder = byId('result-placeholder', HTMLParagraphElement);
  const meta = byId('result-meta', HTMLSpanElement);
  const busy = byId('busy', HTMLDivElement);
  const busyLabel = byId('busy-label', HTMLSpanElement);
  const box = byId('result-box', HTMLDivElement);
  const links = { png: byId('download-png', HTMLAnchorElement), jpg: byId('download-jpg', HTMLAnchorElement) };
  const urls: string[] = [];
  let count = 0;

  const revoke = () => {
    for (const url of urls.splice(0)) URL.revokeObjectURL(url);
  };

  return {
    busy(text: string | undefined) {
      busy.hidden = text === undefined;
      busyLabel.textContent = text ?? '';
      // The placeholder's text would show through the spinner; it returns only while no portrait is shown.
      placeholder.hidden = text !== undefined || !img.hidden;
    },
    async show(outcome: PortraitOutcome, fileName: string, jpegView: boolean): Promise<void> {
      revoke();
      const png = URL.createObjectURL(outcome.png);
      const jpg = URL.createObjectURL(outcome.jpeg);
      urls.push(png, jpg);
      const base = portraitBaseName(fileName);
      links.png.href = png;
      links.png.download = `${base}.png`;
      links.jpg.href = jpg;
      links.jpg.download = `${base}.jpg`;
      links.png.removeAttribute('aria-disabled');
      links.jpg.removeAttribute('aria-disabled');
      links.png.title = `PNG with transparency, ${formatBytes(outcome.png.size)}`;
      links.jpg.title = `JPEG on the background colour, ${formatBytes(outcome.jpeg.size)}`;
      img.src = jpegView ? jpg : png;
      await img.decode().catch(() => undefined);
      img.hidden = false;
      img.dataset.run = String(++count);
      img.dataset.engine = outcome.engine;
      img.dataset.format = jpegView ? 'jpeg' : 'png';
      box.classList.toggle('checker', !jpegView);
      placeholder.hidden = true;
      meta.textContent = `${outcome.width} × ${outcome.height}`;
    },
    /** Switches between the PNG (with alpha) and the JPEG (on the background colour). */
    view(outcome: PortraitOutcome | undefined, jpegView: boolean) {
      if (!outcome || urls.length < 2) return;
      img.src = jpegView ? urls[1] : urls[0];
      img.dataset.format = jpegView ? 'jpeg' : 'png';
      box.classList.toggle('checker', !jpegView);
    },
    overlay(outcome: PortraitOutcome | undefined, visible: boolean) {
      if (!outcome || !visible) {
        overlay.getContext('2d')?.clearRect(0, 0, overlay.width, overlay.height);
        return;
      }
      drawResultOverlay(overlay, outcome);
    },
    clear() {
      revoke();
      img.hidden = true;
      img.removeAttribute('src');
      placeholder.hidden = false;
      meta.textContent = '';
      overlay.getContext('2d')?.clearRect(0, 0, overlay.width, overlay.height);
      for (const a of Object.values(links)) {
        a.removeAttribute('href');
        a.setAttribute('aria-disabled', 'true');
      }
    },
  };
}
