// Every option of the core's table, as each surface shows it: the OpenAPI of a running server,
// the CLI's help, the environment table (README), the README's options table and the built
// playground's form must all give the same name, range and default as the table.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { COLOR_CHANNELS, defaultText, optionNames, optionSpec, PORTRAIT_OPTION_KEYS, rangeText, type OptionSpec } from '@facecraft/core';
import { configTableMarkdown } from '@facecraft/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverFormData } from '../src/server-engine.js';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { openPlayground } from './support/playground-page.js';
import { repoRoot, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

const run = promisify(execFile);
const exposed = PORTRAIT_OPTION_KEYS.filter((key) => optionSpec(key).exposed);

/** What a JSON-Schema-like surface should say about one value of the table. */
function expectedSchema(spec: OptionSpec): Record<string, unknown> {
  switch (spec.type) {
    case 'integer':
      return { type: 'integer', minimum: spec.minimum, maximum: spec.maximum, ...(spec.multipleOf ? { multipleOf: spec.multipleOf } : {}), default: spec.default };
    case 'number':
      return { type: 'number', minimum: spec.minimum, maximum: spec.maximum, default: spec.default };
    case 'boolean':
      return { type: 'boolean', default: spec.default };
    case 'string':
      return { type: 'string', enum: [...spec.enum], default: spec.default };
    case 'color':
      throw new Error('a colour has one schema per channel');
  }
}

describe('every option of the table on every surface', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    // The server's ceilings at the table's own maxima, so every range reads as the table's.
    server = await startPlaygroundServer({ env: { FACECRAFT_MAX_CANVAS: '4096', FACECRAFT_MAX_SEGMENTATION_SIZE: '2048' } });
    browser = await launchBrowser();
    // The form is what is checked: the in-browser models are not needed.
    await browser.context.route('**/playground/models/*.onnx', (route) => route.abort('failed'));
    await openPlayground(browser.page, server.playgroundUrl);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('OpenAPI: each option a field of /process and /process/batch with the table\'s type, range and default', async () => {
    const doc: any = await (await fetch(`${server.origin}/openapi.json`)).json();
    for (const route of ['/api/v1/process', '/api/v1/process/batch']) {
      const properties = doc.paths[route].post.requestBody.content['multipart/form-data'].schema.properties;
      for (const key of exposed) {
        const spec = optionSpec(key);
        const { field } = optionNames(key);
        if (spec.type === 'color') {
          for (const [c] of COLOR_CHANNELS) expect(properties[`${field}_${c}`], `${route} ${field}_${c}`).toMatchObject({ type: 'integer', minimum: 0, maximum: 255, default: spec.default[c] });
        } else {
          expect(properties[field], `${route} ${field}`).toMatchObject(expectedSchema(spec));
        }
      }
    }
  });

  it('CLI help: each option\'s flag (and older spellings) with the table\'s range and default', async () => {
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'packages/server/bin/facecraft.js'), 'process', '--help']);
    // A flag's entry: its line and the indented lines under it.
    const entries = stdout.split(/\n(?=  -)/);
    for (const key of exposed) {
      const spec = optionSpec(key);
      const names = optionNames(key);
      const entry = entries.find((e) => e.startsWith(`  ${names.flag} `) || e.startsWith(`  ${names.flag},`));
      expect(entry, names.flag).toBeDefined();
      const text = entry!.replace(/\s+/g, ' ');
      expect(text).toContain(`default ${defaultText(spec)}`);
      if (spec.type !== 'boolean') expect(text).toContain(`(${rangeText(spec)};`);
      for (const legacy of names.legacyFlags) expect(text).toContain(legacy);
    }
  });

  it('environment table: a FACECRAFT_DEFAULT_* row per option with the table\'s default and range', () => {
    const table = configTableMarkdown();
    for (const key of exposed) {
      const spec = optionSpec(key);
      if (!spec.envDefault) continue;
      const { env } = optionNames(key);
      const rows = spec.type === 'color' ? COLOR_CHANNELS.map(([c]) => [`${env}_${c.toUpperCase()}`, String(spec.default[c]), '0 to 255'] as const) : [[env, defaultText(spec), spec.type === 'boolean' ? 'true/false' : rangeText(spec)] as const];
      for (const [name, value, range] of rows) {
        const row = table.split('\n').find((line) => line.startsWith(`| \`${name}\` |`));
        expect(row, name).toBeDefined();
        expect(row).toContain(`| \`${value}\` |`);
        expect(row!.replace(/\\\|/g, '|')).toContain(range);
      }
    }
  });

  it('README: the options table lists each option with its spellings and default', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('<!-- generated:options -->'), readme.indexOf('<!-- /generated:options -->'));
    for (const key of exposed) {
      const spec = optionSpec(key);
      const names = optionNames(key);
      const row = block.split('\n').find((line) => line.includes(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      expect(row).toContain(names.flag);
      expect(row).toContain(`| \`${defaultText(spec)}\` |`);
      expect(row!.replace(/\\\|/g, '|')).toContain(rangeText(spec));
    }
  });

  it('playground: each option a control with the table\'s label, range and default', async () => {
    const { page } = browser;
    for (const key of exposed) {
      const spec = optionSpec(key);
      const { controlId } = optionNames(key);
      const control = await page.evaluate((id) => {
        const el = document.getElementById(id) as HTMLInputElement | HTMLSelectElement | null;
        if (!el) return undefined;
        return {
          tag: el.tagName,
          type: el instanceof HTMLInputElement ? el.type : undefined,
          min: el instanceof HTMLInputElement ? el.min : undefined,
          max: el instanceof HTMLInputElement ? el.max : undefined,
          value: el.value,
          checked: el instanceof HTMLInputElement ? el.checked : undefined,
          choices: el instanceof HTMLSelectElement ? [...el.options].map((o) => o.value) : undefined,
          label: document.querySelector(`[data-label-for="${id}"]`)?.textContent,
        };
      }, controlId);
      expect(control, controlId).toBeDefined();
      expect(control!.label, controlId).toBe(spec.label);
      switch (spec.type) {
        case 'integer':
        case 'number':
          if (control!.tag === 'SELECT') {
            expect(control!.choices).toContain(String(spec.default));
            for (const choice of control!.choices!) expect(Number(choice) % (spec.type === 'integer' ? (spec.multipleOf ?? 1) : 1)).toBe(0);
          } else {
            expect([control!.min, control!.max], controlId).toEqual([String(spec.minimum), String(spec.maximum)]);
          }
          expect(Number(control!.value), controlId).toBe(spec.default);
          break;
        case 'boolean':
          // Face restoration stays off while no restoration model is installed (none is bundled).
          if (key !== 'restoreFace') expect(control!.checked, controlId).toBe(spec.default);
          break;
        case 'string':
          expect(control!.choices).toEqual([...spec.enum]);
          expect(control!.value).toBe(spec.default);
          break;
        case 'color':
          expect(control!.value).toBe(`#${[spec.default.r, spec.default.g, spec.default.b].map((n) => n.toString(16).padStart(2, '0')).join('')}`);
          break;
      }
    }
    // The size preset starts at the table's default canvas.
    expect(await page.locator('#size-preset').inputValue()).toBe(`${optionSpec('width').default}x${optionSpec('height').default}`);
  });

  it('playground server mode: the form it sends uses the fields the OpenAPI documents', async () => {
    const doc: any = await (await fetch(`${server.origin}/openapi.json`)).json();
    const properties = Object.keys(doc.paths['/api/v1/process'].post.requestBody.content['multipart/form-data'].schema.properties);
    const defaults = Object.fromEntries(exposed.map((key) => [key, optionSpec(key).default]));
    const sent = [...serverFormData(new Blob(['x']), 'x.jpg', defaults as never).keys()];
    expect(sent.filter((name) => name !== 'file').sort()).toEqual(properties.filter((name) => name !== 'file').sort());
  });
});
