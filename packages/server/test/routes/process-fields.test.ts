// routes/process-fields.ts: the form fields of the processing routes, from the core's option
// table and the server's configured defaults, and their mapping to pipeline options.
import { resolvePortraitOptions } from '@facecraft/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { processFields, quickFields, toPortraitOptions } from '../../src/routes/process-fields.js';
import { parseFields } from '../../src/routes/route-spec.js';
import { modelsDir } from '../support/server-harness.js';

const config = loadConfig({ FACECRAFT_MODELS_DIR: modelsDir, FACECRAFT_DEFAULT_WIDTH: '500', FACECRAFT_DEFAULT_OVAL_MASK: 'false' }, { defaultPlaygroundDir: '/nonexistent' });
const fields = processFields(config);

describe('routes/process-fields.ts', () => {
  it('fill the server defaults and give options the pipeline accepts', () => {
    const parsed = parseFields(fields, {});
    expect(parsed).toMatchObject({ width: 500, height: 648, use_oval_mask: false, enhance_face: true, return_base64: false, subject: 'largest', max_kb: 99 });
    expect(() => resolvePortraitOptions(toPortraitOptions(parsed))).not.toThrow();
    expect(parseFields(quickFields(config), {}).size).toBe(500);
  });

  it('refuse bad values with a 400 naming the field', () => {
    for (const [name, value, message] of [
      ['width', '12.5', 'Expected an integer from 64 to 2048 for width but received "12.5"'],
      ['background_r', '300', 'Expected an integer from 0 to 255 for background_r but received "300"'],
      ['face_margin', '0x10', 'Expected a number from 0 to 2 for face_margin but received "0x10"'],
      ['enhance_fidelity', 'NaN', 'Expected a number from 0 to 1 for enhance_fidelity but received "NaN"'],
      ['return_base64', 'sure', 'Expected true, false, 1, 0, yes or no for return_base64 but received "sure"'],
      ['subject', 'all', 'Expected one of largest, center, single for subject but received "all"'],
      ['segmentation_size', '1000', 'Expected a multiple of 32 for segmentation_size but received "1000"'],
    ]) {
      let error: any;
      try {
        parseFields(fields, { [name]: value });
      } catch (e) {
        error = e;
      }
      expect([error?.status, error?.code, error?.message]).toEqual([400, 'invalid_option', message]);
    }
  });
});
