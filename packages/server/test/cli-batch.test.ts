// The built `facecraft process` as a user runs it: from a folder outside the repository, with no
// --models and no FACECRAFT_MODELS_DIR (the models are found beside the package), on a folder of
// photos holding a non-image file, a no-face photo and a file that only looks like a JPEG.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuiltServerIsCurrent, binPath, fixturePath } from './support/server-harness.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-cli-batch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  assertBuiltServerIsCurrent();
  mkdirSync(path.join(work, 'photos/sub'), { recursive: true });
  copyFileSync(fixturePath('portrait-2.jpg'), path.join(work, 'photos/portrait-2.jpg'));
  copyFileSync(fixturePath('no-face-cat.png'), path.join(work, 'photos/no-face-cat.png'));
  copyFileSync(fixturePath('random-bytes.bin'), path.join(work, 'photos/random-bytes.bin'));
  copyFileSync(fixturePath('random-bytes.bin'), path.join(work, 'photos/sub/broken.jpg'));
});

/** The environment of a user who set nothing: no FACECRAFT_* variables at all. */
function userEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('FACECRAFT_')) delete env[key];
  return env;
}

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function facecraft(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binPath, ...args], { cwd: work, env: userEnv(), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every object key in a JSON value, at any depth, except under `timings` (stage names, not fields). */
function keysOf(value: unknown, at = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keysOf(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [`${at}.${k}`, ...(k === 'timings' ? [] : keysOf(v, `${at}.${k}`))]);
}
const camelCaseKeys = (value: unknown) => keysOf(value).filter((key) => /[A-Z]/.test(key.split('.').pop() as string));

describe('facecraft process on a folder, from outside the repository', () => {
  it('prints a loading line, one counter line per photo and a summary, and exits 1 when a photo failed', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await facecraft(['process', 'photos', '--out', 'out']);
    expect(code, stderr).toBe(1);
    const out = stdout.trim().split('\n');
    expect(out[0]).toBe(`loading models from ${path.resolve(binPath, '../../../../models')} (device auto) …`);
    expect(out).toContainEqual(expect.stringMatching(/^\[\d\/3\] photos\/portrait-2\.jpg … ok \d+\.\d s$/));
    expect(out.at(-1)).toMatch(/^done: 1 ok, 2 failed of 3 in \d+\.\d s \(models \d+\.\d s\); portraits in .*out$/);
    const failures = stderr.trim().split('\n').filter((line) => line.startsWith('['));
    expect(failures).toEqual([
      expect.stringMatching(/^\[\d\/3\] photos\/no-face-cat\.png … failed: No face was found in the image \(no_face\)$/),
      expect.stringMatching(/^\[\d\/3\] photos\/sub\/broken\.jpg … failed: .+ \(invalid_image\)$/),
    ]);
    // The counter covers the three image files; the .bin file is not an image and is left out.
    expect(`${stdout}${stderr}`).not.toContain('random-bytes');
    // Quiet by default: without a GPU driver the CPU is an info line, not a warning about install
    // switches (with a driver present, a CPU fallback is a surprise and stays a warning).
    if (!existsSync('/proc/driver/nvidia/version') && !existsSync('/dev/nvidiactl')) {
      expect(out).toContain('no NVIDIA GPU found (no driver loaded); running on the CPU');
      expect(`${stdout}${stderr}`).not.toContain('ONNXRUNTIME_NODE_INSTALL');
    }

    const report = JSON.parse(readFileSync(path.join(work, 'out/portrait-2.json'), 'utf8'));
    expect(camelCaseKeys(report)).toEqual([]);
    expect(report).toMatchObject({ source: 'portrait-2.jpg', face_count: 1, result: { face_detected: true, output_size: { width: 648, height: 648 } } });
    expect(report.metrics.head_height_ratio).toEqual(expect.any(Number));
    expect(existsSync(path.join(work, 'out/portrait-2.png'))).toBe(true);
    expect(existsSync(path.join(work, 'out/no-face-cat.png'))).toBe(false);
  });

  it('--json prints one snake_case document on stdout and nothing else', { timeout: 300_000 }, async () => {
    const { code, stdout, stderr } = await facecraft(['process', 'photos', 'missing.jpg', '--out', 'json-out', '--json']);
    expect(code, stderr).toBe(1);
    expect(stderr).toBe('');
    const document = JSON.parse(stdout);
    expect(document).toMatchObject({ ok: 1, failed: 3, total: 4, device: expect.any(String), out_dir: path.join(work, 'json-out') });
    expect(document.photos.map((p: { source: string; status: string; error?: { code: string } }) => [p.source, p.status, p.error?.code])).toEqual([
      ['photos/no-face-cat.png', 'failed', 'no_face'],
      ['photos/portrait-2.jpg', 'ok', undefined],
      ['photos/sub/broken.jpg', 'failed', 'invalid_image'],
      ['missing.jpg', 'failed', 'not_found'],
    ]);
    expect(document.photos[1].portrait.metrics.head_height_ratio).toEqual(expect.any(Number));
    expect(camelCaseKeys(document)).toEqual([]);
  });

  it('says what is wrong with the output folder before loading any model, never a raw errno', async () => {
    writeFileSync(path.join(work, 'not-a-folder'), 'x');
    const { code, stdout, stderr } = await facecraft(['process', 'photos', '--out', 'not-a-folder']);
    expect(code).toBe(2);
    expect(stdout).not.toContain('loading models');
    expect(stderr.trim()).toBe(`facecraft process: --out ${path.join(work, 'not-a-folder')} is a file; give a folder (it is created when missing)`);
  });
});
