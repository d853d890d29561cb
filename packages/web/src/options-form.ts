import type { PortraitOptionsInput, SubjectPolicy, WeightType, WebDevice } from '@facecraft/core/web';
import { byId } from './dom.js';
import { variantFromQuery } from './query-variant.js';

export interface FormChoices {
  readonly options: PortraitOptionsInput;
  /** In-browser accelerator choice (Advanced). */
  readonly device: WebDevice;
  /** ISNet variant forced by `?variant=`; absent: the device's preference (int8 on WASM). */
  readonly segmentationVariant?: WeightType;
}

function hexToRgb(hex: string): { r: number; g: number; b: number } {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return { r: 240, g: 240, b: 240 };
  return { r: parseInt(m[1], 16), g: parseInt(m[2], 16), b: parseInt(m[3], 16) };
}

function clampInt(value: string, min: number, max: number, fallback: number): number {
  const n = Math.round(Number(value));
  return Number.isFinite(n) && value.trim() !== '' ? Math.min(max, Math.max(min, n)) : fallback;
}

/**
 * The options panel: reads the controls into pipeline options, keeps the size preset and the
 * custom size fields in step, and tells when something changed (so the page can offer a re-run).
 */
export function bindOptionsForm(onChange: (choices: FormChoices) => void, onDeviceChange: (device: WebDevice) => void) {
  const form = byId('options', HTMLFormElement);
  const preset = byId('size-preset', HTMLSelectElement);
  const custom = byId('size-custom', HTMLDivElement);
  const width = byId('width', HTMLInputElement);
  const height = byId('height', HTMLInputElement);
  const background = byId('background', HTMLInputElement);
  const margin = byId('face-margin', HTMLInputElement);
  const marginValue = byId('face-margin-value', HTMLOutputElement);
  const device = byId('device', HTMLSelectElement);
  const swatches = byId('swatches', HTMLDivElement);
  // No control of its own: the same-variant parity check (browser vs server) and links set it.
  const segmentationVariant = variantFromQuery(location.search);

  const read = (): FormChoices => {
    const [pw, ph] = preset.value === 'custom' ? [NaN, NaN] : preset.value.split('x').map(Number);
    const w = Number.isFinite(pw) ? pw : clampInt(width.value, 64, 4096, 648);
    const hgt = Number.isFinite(ph) ? ph : clampInt(height.value, 64, 4096, 648);
    return {
      device: device.value as WebDevice,
      ...(segmentationVariant ? { segmentationVariant } : {}),
      options: {
        width: w,
        height: hgt,
        background: hexToRgb(background.value),
        faceMargin: Number(margin.value),
        subject: byId('subject', HTMLSelectElement).value as SubjectPolicy,
        maxJpegKb: clampInt(byId('max-kb', HTMLInputElement).value, 4, 100_000, 99),
        removeBackground: byId('remove-background', HTMLInputElement).checked,
        ovalMask: byId('oval-mask', HTMLInputElement).checked,
        enhance: byId('enhance', HTMLInputElement).checked,
        restoreFace: byId('restore-face', HTMLInputElement).checked,
        segmentationSize: Number(byId('segmentation-size', HTMLSelectElement).value),
      },
    };
  };

  const markSwatch = () => {
    for (const s of swatches.querySelectorAll<HTMLElement>('.swatch[data-color]')) {
      s.classList.toggle('selected', s.dataset.color?.toLowerCase() === background.value.toLowerCase());
    }
    swatches.querySelector('.swatch-custom')?.classList.toggle('selected', !swatches.querySelector('.swatch.selected'));
    (swatches.querySelector('.swatch-custom') as HTMLElement | null)?.style.setProperty('--c', background.value);
  };

  preset.addEventListener('change', () => {
    custom.hidden = preset.value !== 'custom';
    if (preset.value !== 'custom') [width.value, height.value] = preset.value.split('x');
  });
  margin.addEventListener('input', () => (marginValue.value = Number(margin.value).toFixed(2)));
  swatches.addEventListener('click', (event) => {
    const swatch = (event.target as HTMLElement).closest<HTMLElement>('.swatch[data-color]');
    if (!swatch?.dataset.color) return;
    background.value = swatch.dataset.color;
    markSwatch();
    onChange(read());
  });
  background.addEventListener('input', markSwatch);
  device.addEventListener('change', () => onDeviceChange(device.value as WebDevice));
  form.addEventListener('change', () => onChange(read()));
  form.addEventListener('submit', (event) => event.preventDefault());

  // Query parameters preset the advanced choices: ?device=wasm&segmentation=512&variant=float16 (tests, benchmarks, links).
  const params = new URLSearchParams(location.search);
  const wantDevice = params.get('device');
  if (wantDevice && [...device.options].some((o) => o.value === wantDevice)) device.value = wantDevice;
  const wantSeg = params.get('segmentation');
  const segmentation = byId('segmentation-size', HTMLSelectElement);
  if (wantSeg && /^\d+$/.test(wantSeg) && Number(wantSeg) % 32 === 0) {
    if (![...segmentation.options].some((o) => o.value === wantSeg)) segmentation.add(new Option(`${wantSeg}²`, wantSeg));
    segmentation.value = wantSeg;
  }
  /** Face restoration is offered (and on) only when the models include a restoration model; none is bundled. */
  const restorationAvailable = (available: boolean) => {
    const restore = byId('restore-face', HTMLInputElement);
    restore.disabled = !available;
    restore.checked = available;
    byId('restore-face-note', HTMLElement).textContent = available ? '' : '(no model installed)';
  };

  markSwatch();
  return { read, restorationAvailable };
}
