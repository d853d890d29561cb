import Koa from 'koa';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { errorMapper } from '../src/middleware/error-mapper.js';
import { silentLogger } from '../src/logger.js';
import { processFields, quickFields, toPortraitOptions } from '../src/routes/process-fields.js';
import { playground } from '../src/routes/playground.js';
import { parseFields } from '../src/routes/route-spec.js';
import { resolvePortraitOptions } from '@facecraft/core';
import { modelsDir } from './support/server-harness.js';

const config = loadConfig({ FACECRAFT_MODELS_DIR: modelsDir, FACECRAFT_DEFAULT_WIDTH: '500', FACECRAFT_DEFAULT_OVAL_MASK: 'false' }, { defaultPlaygroundDir: '/nonexistent' });
const fields = processFields(config);

describe('form fields', () => {
  it('fill the server defaults and give options the pipeline accepts', () => {
    const parsed = parseFields(fields, {});
    expect(parsed).toMatchObject({ width: 500, height: 648, use_oval_mask: false, enhance_face: true, return_base64: false, subject: 'largest', max_kb: 99 });
    expect(() => resolvePortraitOptions(toPortraitOptions(parsed))).not.toThrow();
    expect(parseFields(quickFields(config), {}).size).toBe(500);
  });

  it('read the forms clients send: booleans in words, blanks as absent, the last of repeated values', () => {
    for (const [text, value] of [['true', true], ['False', false], ['1', true], ['0', false], ['yes', true], ['NO', false], ['on', true], ['off', false]] as const) {
      expect(parseFields(fields, { use_oval_mask: text }).use_oval_mask).toBe(value);
    }
    expect(parseFields(fields, { width: '', face_margin: ' 0.25 ' })).toMatchObject({ width: 500, face_margin: 0.25 });
    expect(parseFields(fields, { width: ['300', '400'] }).width).toBe(400);
    expect(parseFields(fields, { unknown_field: 'x' }).width).toBe(500);
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

describe('playground without a build', () => {
  it('/playground answers 404 with a clear message; the models are still served', async () => {
    const app = new Koa();
    app.use(errorMapper(silentLogger));
    app.use(playground({ dir: undefined, modelsDir, manifest: { version: 1, models: [] } }));
    const server = createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/playground/`);
      expect(res.status).toBe(404);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      const body: any = await res.json();
      expect(body.error.code).toBe('playground_not_built');
      expect(body.error.message).toMatch(/pnpm --filter @facecraft\/web build.*FACECRAFT_PLAYGROUND_DIR/);
      expect((await fetch(`${base}/playground/models/manifest.json`)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});
