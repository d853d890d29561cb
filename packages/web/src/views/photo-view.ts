import { byId } from '../dom.js';
import type { PortraitOutcome } from '../engine-types.js';
import { drawPhotoOverlay } from './draw-overlay.js';

/** Photos are shown at most this many pixels on the long side (overlays are scaled to match). */
const MAX_PREVIEW_SIDE = 1600;

/** The "before" pane: the photo upright (EXIF applied, as the pipeline sees it) and its overlay. */
export function createPhotoView() {
  const canvas = byId('photo-canvas', HTMLCanvasElement);
  const overlay = byId('photo-overlay', HTMLCanvasElement);
  const placeholder = byId('photo-placeholder', HTMLParagraphElement);
  const meta = byId('photo-meta', HTMLSpanElement);
  let scale = 1;
  let shown = 0;

  const clearOverlay = () => {
    overlay.getContext('2d')?.clearRect(0, 0, overlay.width, overlay.height);
  };

  return {
    async show(photo: Blob): Promise<void> {
      const token = ++shown;
      clearOverlay();
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
      } catch {
        if (token !== shown) return;
        canvas.hidden = true;
        placeholder.hidden = false;
        placeholder.textContent = 'This file cannot be previewed';
        meta.textContent = '';
        return;
      }
      if (token !== shown) return bitmap.close();
      scale = Math.min(1, MAX_PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height));
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      meta.textContent = `${bitmap.width} × ${bitmap.height}`;
      bitmap.close();
      canvas.hidden = false;
      placeholder.hidden = true;
    },
    overlay(outcome: PortraitOutcome | undefined, visible: boolean) {
      if (!outcome || !visible || canvas.hidden) return clearOverlay();
      drawPhotoOverlay(overlay, outcome, scale, canvas.width, canvas.height);
    },
  };
}
