// One bad value, four surfaces, one message shape: "Expected … for <name as that surface spells it>
// but received …", with the error table's invalid_option code where the surface has codes.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { InvalidOptionError, optionNames, resolvePortraitOptions } from '@facecraft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuiltServerIsCurrent, binPath, fixture, fixturePath, form, scratchDirs, startChildServer, testEnv, type ChildServer } from './support/server-harness.js';

const run = promisify(execFile);
const dirs = scratchDirs('facecraft-option-messages-');
const margin = optionNames('faceMargin');
const expected = (name: string) => `Expected a number from 0 to 2 for ${name} but received "abc"`;

/** Runs the CLI; resolves with its exit code and output whatever the code. */
async function facecraft(args: string[], env: Record<string, string | undefined>) {
  return run(process.execPath, [binPath, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe('a bad option value reads the same on every surface', () => {
  let server: ChildServer;

  beforeAll(async () => {
    assertBuiltServerIsCurrent();
    // Two of the defaults the option table newly lets the environment set.
    server = await startChildServer(testEnv(dirs, { FACECRAFT_DEFAULT_SUBJECT: 'single', FACECRAFT_DEFAULT_MAX_KB: '60' }));
    await server.waitReady();
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dirs.root, { recursive: true, force: true });
  });

  it('library: InvalidOptionError (invalid_option) naming faceMargin', () => {
    let error: unknown;
    try {
      resolvePortraitOptions({ faceMargin: 'abc' as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect([(error as InvalidOptionError).code, (error as InvalidOptionError).message]).toEqual(['invalid_option', expected('faceMargin')]);
  });

  it('HTTP: 400 invalid_option naming the form field, before the photo is read', async () => {
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-2.jpg') } }, { [margin.field]: 'abc' }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_option', message: expected(margin.field) });
  });

  it('HTTP: the environment\'s defaults apply to requests that leave the field out, and show in the OpenAPI', async () => {
    const doc: any = await (await fetch(`${server.url}/openapi.json`)).json();
    const properties = doc.paths['/api/v1/process'].post.requestBody.content['multipart/form-data'].schema.properties;
    expect([properties.subject.default, properties.max_kb.default]).toEqual(['single', 60]);
    // subject=single from FACECRAFT_DEFAULT_SUBJECT: a group photo is refused.
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'g.jpg', bytes: fixture('group-1.jpg') } }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('multiple_faces');
  }, 120_000);

  it('CLI: exit 2 with the message naming the flag as typed (older spellings too), before loading any model', async () => {
    const env = testEnv(dirs);
    for (const flag of [margin.flag, ...margin.legacyFlags]) {
      const { code, stdout, stderr } = await facecraft(['process', fixturePath('portrait-2.jpg'), '--out', dirs.processed, flag, 'abc'], env);
      expect(code).toBe(2);
      expect(stdout).not.toContain('loading models');
      expect(stderr.split('\n')[0]).toBe(`facecraft process: ${expected(flag)} (invalid_option)`);
    }
  });

  it('environment: `facecraft serve` refuses to start, naming the variable', async () => {
    const { code, stderr } = await facecraft(['serve', '--port', '0'], testEnv(dirs, { [margin.env]: 'abc' }));
    expect(code).toBe(1);
    expect(stderr).toContain(expected(margin.env));
  });
});
