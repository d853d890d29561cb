import { DEVICES, devicesOf } from '@facecraft/core';
import type { PortraitOptionsInput, WeightType, WebDevice } from '@facecraft/core/web';
import { byId } from './dom.js';
import { controlValue, optionControls, type OptionControl } from './option-controls.js';
import { variantFromQuery } from './query-variant.js';

export interface FormChoices {
  readonly options: PortraitOptionsInput;
  /** In-browser accelerator choice (Advanced). */
  readonly device: WebDevice;
  /** ISNet variant forced by `?variant=`; absent: the device's preference (int8 on WASM). */
  readonly segmentationVariant?: WeightType;
}

/** Segmentation sides offered beside the table's default, with what they trade. */
const SEGMENTATION_CHOICES: Readonly<Record<number, string>> = { 512: 'fastest', 1024: 'finest' };

/** A control for an option the page has no hand-made control for: a row in Advanced. */
function createControl(control: OptionControl): HTMLElement {
  const { spec, id } = control;
  const wrapper = document.createElement('label');
  const name = document.createElement('span');
  name.dataset.labelFor = id;
  const input: HTMLElement = spec.type === 'string' || (spec.type === 'integer' && spec.multipleOf) ? document.createElement('select') : document.createElement('input');
  input.id = id;
  if (input instanceof HTMLInputElement) input.type = spec.type === 'boolean' ? 'checkbox' : spec.type === 'color' ? 'color' : 'number';
  wrapper.className = spec.type === 'boolean' ? 'check' : 'row';
  wrapper.append(...(spec.type === 'boolean' ? [input, name] : [name, input]));
  return wrapper;
}

/** Sets a control's label, range, choices and default from its table entry. */
function prepareControl(control: OptionControl, element: HTMLElement): void {
  const { spec } = control;
  for (const label of document.querySelectorAll<HTMLElement>(`[data-label-for="${control.id}"]`)) label.textContent = control.label;
  for (const unit of document.querySelectorAll<HTMLElement>(`[data-unit-for="${control.id}"]`)) unit.textContent = spec.unit ?? '';
  if (element instanceof HTMLSelectElement) {
    const choices =
      spec.type === 'string'
        ? spec.enum.map((value) => [value, spec.labels?.[value] ?? value] as const)
        : spec.type === 'integer'
          ? [...new Set([spec.default, ...Object.keys(SEGMENTATION_CHOICES).map(Number)])]
              .filter((n) => n >= spec.minimum && n <= spec.maximum)
              .sort((a, b) => a - b)
              .map((n) => [String(n), `${n}²${n === spec.default ? ' (default)' : SEGMENTATION_CHOICES[n] ? ` · ${SEGMENTATION_CHOICES[n]}` : ''}`] as const)
          : [];
    element.replaceChildren(...choices.map(([value, text]) => new Option(text, value)));
    element.value = control.initial;
  } else if (element instanceof HTMLInputElement) {
    if (spec.type === 'boolean') element.checked = spec.default;
    else {
      if (spec.type === 'integer' || spec.type === 'number') {
        element.min = String(spec.minimum);
        element.max = String(spec.maximum);
        element.step = spec.type === 'integer' ? String(spec.multipleOf ?? 1) : String(spec.step ?? 'any');
      }
      element.value = control.initial;
    }
  }
}

/**
 * The options panel, built from the core's option table: each control's label, range and
 * default come from there, options without a hand-made control get one under Advanced, and
 * reading the panel gives pipeline options. Keeps the size preset and the custom size fields in
 * step, and tells when something changed (so the page can offer a re-run).
 */
export function bindOptionsForm(onChange: (choices: FormChoices) => void, onDeviceChange: (device: WebDevice) => void) {
  const form = byId('options', HTMLFormElement);
  const preset = byId('size-preset', HTMLSelectElement);
  const custom = byId('size-custom', HTMLDivElement);
  const more = byId('more-options', HTMLDivElement);
  const device = byId('device', HTMLSelectElement);
  // The browser's devices as the core declares them, after the page's own "Auto" choice.
  for (const name of devicesOf('web')) device.add(new Option(DEVICES[name].label, name));
  const swatches = byId('swatches', HTMLDivElement);
  // No control of its own: the same-variant parity check (browser vs server) and links set it.
  const segmentationVariant = variantFromQuery(location.search);

  const controls = optionControls().map((control) => {
    const element = document.getElementById(control.id) ?? (more.append(createControl(control)), byId(control.id, HTMLElement));
    prepareControl(control, element);
    return { control, element };
  });
  const controlOf = (id: string) => controls.find((c) => c.control.id === id)!;
  const width = controlOf('width');
  const height = controlOf('height');
  const background = byId('background', HTMLInputElement);
  const margin = byId('face-margin', HTMLInputElement);
  const marginValue = byId('face-margin-value', HTMLOutputElement);

  // The default size first, then the page's presets.
  const defaultSize = `${width.control.initial}x${height.control.initial}`;
  preset.prepend(new Option(`${width.control.initial} × ${height.control.initial} (default)`, defaultSize));
  preset.value = defaultSize;
  const defaultSwatch = swatches.querySelector<HTMLElement>('.swatch[data-color="default"]');
  if (defaultSwatch) {
    defaultSwatch.dataset.color = background.value;
    defaultSwatch.style.setProperty('--c', background.value);
  }
  const showMargin = () => (marginValue.value = Number(margin.value).toFixed(2));
  showMargin();

  const read = (): FormChoices => {
    const [pw, ph] = preset.value === 'custom' ? [undefined, undefined] : preset.value.split('x');
    const text = ({ control, element }: (typeof controls)[number]): string => {
      if (control === width.control && pw !== undefined) return pw;
      if (control === height.control && ph !== undefined) return ph;
      return element instanceof HTMLInputElement && element.type === 'checkbox' ? String(element.checked) : (element as HTMLInputElement | HTMLSelectElement).value;
    };
    return {
      device: device.value as WebDevice,
      ...(segmentationVariant ? { segmentationVariant } : {}),
      options: Object.fromEntries(controls.map((c) => [c.control.key, controlValue(c.control, text(c))])) as PortraitOptionsInput,
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
    if (preset.value !== 'custom') [(width.element as HTMLInputElement).value, (height.element as HTMLInputElement).value] = preset.value.split('x');
  });
  margin.addEventListener('input', showMargin);
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
  const segmentation = controlOf('segmentation-size');
  // Only a size the option table accepts (in range, on its multiple).
  if (wantSeg && segmentation.element instanceof HTMLSelectElement && String(controlValue(segmentation.control, wantSeg)) === wantSeg) {
    if (![...segmentation.element.options].some((o) => o.value === wantSeg)) segmentation.element.add(new Option(`${wantSeg}²`, wantSeg));
    segmentation.element.value = wantSeg;
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
