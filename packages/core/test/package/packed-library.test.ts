// `npm pack` of @facecraft/core installs from the registry into a fresh folder outside the
// workspace and makes a portrait there: the published package is complete on its own.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixturesDir, modelsDir } from '../support/fixtures.js';

const run = promisify(execFile);
const packageDir = path.resolve(fixturesDir, '../..');

describe('the packed library', () => {
  it('installs in a fresh folder and processes a fixture through its public exports', { timeout: 600_000 }, async () => {
    const work = await mkdtemp(path.join(tmpdir(), 'facecraft-pack-'));
    const { stdout } = await run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: packageDir });
    const tarball = path.join(work, stdout.trim().split('\n').pop() as string);
    const { stdout: listing } = await run('tar', ['-tzf', tarball]);
    expect(listing).toMatch(/package\/dist\/node\.js/);
    expect(listing).toMatch(/package\/dist\/web\.d\.ts/);
    expect(listing).not.toMatch(/package\/(src|test)\//);

    const app = path.join(work, 'app');
    await run('mkdir', ['-p', app]);
    await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'facecraft-consumer', private: true, type: 'module' }));
    // The CUDA provider download of onnxruntime-node cannot reach NuGet here.
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
      cwd: app,
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
      maxBuffer: 64 * 1024 * 1024,
    });
    await writeFile(
      path.join(app, 'make-portrait.mjs'),
      `import { readFile, writeFile } from 'node:fs/promises';
import { createNodePortraitProcessor, toPortraitReport, NoFaceError } from '@facecraft/core/node';
import { DEFAULT_PORTRAIT_OPTIONS } from '@facecraft/core';
const [modelsDir, photo, out] = process.argv.slice(2);
const processor = await createNodePortraitProcessor({ modelsDir, device: 'cpu' });
const result = await processor.process(new Uint8Array(await readFile(photo)));
await writeFile(out, result.png);
console.log(JSON.stringify({ report: toPortraitReport(result), width: DEFAULT_PORTRAIT_OPTIONS.width, typed: typeof NoFaceError }));
await processor.release();
`,
    );
    const output = path.join(app, 'portrait.png');
    const { stdout: printed } = await run('node', ['make-portrait.mjs', modelsDir, path.join(fixturesDir, 'portrait-3.jpg'), output], { cwd: app, maxBuffer: 16 * 1024 * 1024 });
    const { report, width, typed } = JSON.parse(printed.trim().split('\n').pop() as string);
    expect(width).toBe(648);
    expect(typed).toBe('function');
    expect(report.faceCount).toBe(1);
    expect(report.backend.every((r: { backend: string }) => r.backend === 'ort-node')).toBe(true);
    const meta = await sharp(await readFile(output)).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([648, 648, 4]);
  });

  it('types the three entry points', async () => {
    const pkg = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8'));
    for (const entry of ['.', './node', './web']) {
      expect(pkg.exports[entry].types).toMatch(/\.d\.ts$/);
      expect(pkg.exports[entry].default).toMatch(/\.js$/);
    }
  });
});
