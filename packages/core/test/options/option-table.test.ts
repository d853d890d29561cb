import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PORTRAIT_OPTIONS,
  formValuesToOptions,
  InvalidOptionError,
  optionFormFields,
  optionNames,
  optionsToFormEntries,
  parseValueText,
  PORTRAIT_OPTION_KEYS,
  resolvePortraitOptions,
} from '../../src/index.js';

function thrown(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('option table', () => {
  it('derives every spelling from one name, with the original service\'s names kept where they differ', () => {
    expect(optionNames('faceMargin')).toEqual({
      key: 'faceMargin',
      name: 'face_margin',
      field: 'face_margin',
      flag: '--face-margin',
      legacyFlags: ['--margin'],
      env: 'FACECRAFT_DEFAULT_FACE_MARGIN',
      controlId: 'face-margin',
    });
    expect(optionNames('ovalMask')).toMatchObject({ field: 'use_oval_mask', env: 'FACECRAFT_DEFAULT_OVAL_MASK', flag: '--oval-mask' });
    expect(optionNames('fidelity')).toMatchObject({ field: 'enhance_fidelity', env: 'FACECRAFT_DEFAULT_ENHANCE_FIDELITY' });
    expect(optionNames('maxJpegKb')).toMatchObject({ field: 'max_kb', flag: '--max-kb' });
    // No two options share a spelling on any surface.
    for (const surface of ['name', 'field', 'flag', 'env', 'controlId'] as const) {
      const spellings = PORTRAIT_OPTION_KEYS.map((key) => optionNames(key)[surface]);
      expect(new Set(spellings).size, surface).toBe(spellings.length);
    }
  });

  it('resolves to the table\'s defaults (the original service\'s) and checks every value with one message shape', () => {
    const resolved = resolvePortraitOptions();
    expect(resolved).toEqual(DEFAULT_PORTRAIT_OPTIONS);
    expect(resolved).toMatchObject({ width: 648, height: 648, faceMargin: 0.3, segmentationSize: 768, background: { r: 240, g: 240, b: 240 }, cutout: 'refined' });
    expect(resolvePortraitOptions({ background: [1, 2, 3], enhance: { sharpen: false } })).toMatchObject({ background: { r: 1, g: 2, b: 3 }, enhance: { sharpen: false, contrast: 1.15 } });
    expect(resolvePortraitOptions({ enhance: false }).enhance).toBe(false);

    const cases: [Record<string, unknown>, string][] = [
      [{ faceMargin: 3 }, 'Expected a number from 0 to 2 for faceMargin but received 3'],
      [{ faceMargin: '0.3' }, 'Expected a number from 0 to 2 for faceMargin but received "0.3"'],
      [{ width: 64.5 }, 'Expected an integer from 64 to 4096 for width but received 64.5'],
      [{ segmentationSize: 1000 }, 'Expected a multiple of 32 for segmentationSize but received 1000'],
      [{ subject: 'tallest' }, 'Expected one of largest, center, single for subject but received "tallest"'],
      [{ ovalMask: 'yes' }, 'Expected a boolean for ovalMask but received "yes"'],
      [{ background: { r: 256, g: 0, b: 0 } }, 'Expected an integer from 0 to 255 for background.r but received 256'],
      [{ enhance: { contrast: 9 } }, 'Expected a number from 0.5 to 2 for enhance.contrast but received 9'],
    ];
    for (const [input, message] of cases) {
      const error = thrown(() => resolvePortraitOptions(input as never));
      expect([error.code, error.message]).toEqual(['invalid_option', message]);
      expect(error.details?.field).toBe(message.split(' for ')[1].split(' but ')[0]);
    }
    expect(thrown(() => resolvePortraitOptions({ margin: 1 } as never)).message).toMatch(/^Expected one of the options width, height, .* for margin but received "margin"$/);
  });

  it('reads text values (forms, flags, variables) with the same checks and message', () => {
    const margin = { type: 'number', minimum: 0, maximum: 2 } as const;
    expect(parseValueText(margin, 'face_margin', ' 0.25 ')).toBe(0.25);
    for (const text of ['abc', '0x10', 'NaN', '', '2.5']) {
      expect(thrown(() => parseValueText(margin, 'face_margin', text)).message).toBe(`Expected a number from 0 to 2 for face_margin but received ${JSON.stringify(text)}`);
    }
    expect(parseValueText({ type: 'boolean' }, 'x', 'No')).toBe(false);
    expect(thrown(() => parseValueText({ type: 'integer', minimum: 0, maximum: 9 }, 'n', '1e0')).message).toBe('Expected an integer from 0 to 9 for n but received "1e0"');
  });

  it('exposes top_margin_factor on every surface from its table entry alone', () => {
    expect(optionNames('topMarginFactor')).toMatchObject({ field: 'top_margin_factor', flag: '--top-margin-factor', env: 'FACECRAFT_DEFAULT_TOP_MARGIN_FACTOR', controlId: 'top-margin-factor' });
    const field = optionFormFields().find((f) => f.key === 'topMarginFactor')!;
    expect(field.spec).toEqual({ type: 'number', minimum: 0, maximum: 4 });
    expect(resolvePortraitOptions(formValuesToOptions({ top_margin_factor: 2 })).topMarginFactor).toBe(2);
  });

  it('maps options to HTTP form entries and back without loss', () => {
    const options = { width: 400, background: { r: 1, g: 2, b: 3 }, faceMargin: 0.4, ovalMask: false, subject: 'single', cutout: 'person', segmentationSize: 512 } as const;
    const entries = optionsToFormEntries(options);
    expect(entries).toEqual([
      ['width', '400'],
      ['background_r', '1'],
      ['background_g', '2'],
      ['background_b', '3'],
      ['face_margin', '0.4'],
      ['use_oval_mask', 'false'],
      ['subject', 'single'],
      ['cutout', 'person'],
      ['segmentation_size', '512'],
    ]);
    const parsed = Object.fromEntries(entries.map(([field, text]) => [field, parseValueText(optionFormFields().find((f) => f.field === field)!.spec, field, text)]));
    expect(resolvePortraitOptions(formValuesToOptions(parsed))).toEqual(resolvePortraitOptions(options));
  });
});
