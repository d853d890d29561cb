import { describe, expect, it } from 'vitest';
import { optionNames, optionSpec, PORTRAIT_OPTION_KEYS, resolvePortraitOptions } from '@facecraft/core';
import { CliUsageError, parseProcessArgs } from '../src/cli/process-args.js';

const parse = (...flags: string[]) => {
  const args = parseProcessArgs(['photo.jpg', '--out', 'out', ...flags], {});
  if (args.help) throw new Error('unexpected help');
  return args.options;
};

describe('facecraft process flags', () => {
  it('spell every exposed option of the table, and the options they give pass the library\'s check', () => {
    const given = parse(
      '--width', '600', '--height', '800', '--background', '255,255,255', '--face-margin', '0.4', '--top-margin-factor', '2',
      '--no-oval-mask', '--enhance-face', '--enhance-fidelity', '0.5', '--subject', 'center', '--max-kb', '60',
      '--no-remove-background', '--no-enhance', '--cutout', 'person', '--segmentation-size', '512',
    );
    expect(given).toEqual({
      width: 600, height: 800, background: [255, 255, 255], faceMargin: 0.4, topMarginFactor: 2, ovalMask: false, restoreFace: true,
      fidelity: 0.5, subject: 'center', maxJpegKb: 60, removeBackground: false, enhance: false, cutout: 'person', segmentationSize: 512,
    });
    // Nothing the table exposes is missing from the command line.
    expect(Object.keys(given).sort()).toEqual(PORTRAIT_OPTION_KEYS.filter((key) => optionSpec(key).exposed).sort());
    expect(() => resolvePortraitOptions(given)).not.toThrow();
  });

  it('keep the older spellings: --margin, --no-oval, --keep-background', () => {
    expect(parse('--margin', '0.5', '--no-oval', '--keep-background')).toEqual(parse('--face-margin', '0.5', '--no-oval-mask', '--no-remove-background'));
    expect(optionNames('faceMargin').legacyFlags).toEqual(['--margin']);
  });

  it('leave unset what is not given, so the library\'s defaults apply', () => {
    expect(parse()).toEqual({});
  });

  it('refuse a bad value as a usage error with the error table\'s code', () => {
    let error: unknown;
    try {
      parse('--segmentation-size', '500');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliUsageError);
    expect([(error as CliUsageError).code, (error as CliUsageError).message]).toEqual(['invalid_option', 'Expected a multiple of 32 for --segmentation-size but received "500"']);
  });
});
