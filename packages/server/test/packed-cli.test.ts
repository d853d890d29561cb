// The published packages work outside the workspace: `pnpm pack` of @facecraft/core and
// @facecraft/server, installed together from their tarballs into a fresh folder, give a working
// `facecraft` binary (the same as `npm install -g @facecraft/server` would), which finds its
// models in the per-user folder `facecraft models` fills when no clone is around it.
import { execFile } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath, modelsDir, repoRoot } from './support/server-harness.js';

const run = promisify(execFile);
const work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-packed-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function pack(packageDir: string): Promise<string> {
  // pnpm pack turns `workspace:*` into the real version, as `pnpm publish` does.
  const { stdout } = await run('pnpm', ['pack', '--pack-destination', work], { cwd: packageDir });
  const tarball = stdout.trim().split('\n').pop() as string;
  return path.isAbsolute(tarball) ? tarball : path.join(work, path.basename(tarball));
}

describe('the packed facecraft binary', () => {
  it('installs from the tarballs and makes portraits, one line per failure and exit 1', { timeout: 600_000 }, async () => {
    const core = await pack(path.join(repoRoot, 'packages/core'));
    const server = await pack(path.join(repoRoot, 'packages/server'));
    const manifest = JSON.parse((await run('tar', ['-xzOf', server, 'package/package.json'])).stdout);
    expect(manifest.dependencies['@facecraft/core']).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'packages/core/package.json'), 'utf8')).version);

    const app = path.join(work, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'facecraft-user', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', core, server], {
      cwd: app,
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const bin = path.join(app, 'node_modules/.bin/facecraft');
    expect(existsSync(bin)).toBe(true);

    const out = path.join(work, 'out');
    const result = await run(bin, ['process', fixturePath('portrait-2.jpg'), fixturePath('no-face-cat.png'), '--out', out, '--models', modelsDir, '--device', 'cpu', '--max-kb', '50'], {
      cwd: app,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect((result as { code?: number }).code).toBe(1);
    const { stdout, stderr } = result as { stdout: string; stderr: string };
    expect(stdout).toMatch(/^\[1\/2\] .*portrait-2\.jpg … ok \d+\.\d s$/m);
    expect(stderr.trim().split('\n').filter((l) => l.includes('failed'))).toEqual([expect.stringMatching(/^\[2\/2\] .*no-face-cat\.png … failed: .* \(no_face\)$/)]);
    const png = await sharp(readFileSync(path.join(out, 'portrait-2.png'))).metadata();
    expect([png.width, png.height, png.channels]).toEqual([648, 648, 4]);
    expect(readFileSync(path.join(out, 'portrait-2.jpg')).length).toBeLessThanOrEqual(50 * 1024);
    const report = JSON.parse(readFileSync(path.join(out, 'portrait-2.json'), 'utf8'));
    expect(report).toMatchObject({ source: 'portrait-2.jpg', face_count: 1, width: 648 });
    expect(report.metrics.roll_after_degrees).toBeDefined();
    expect(existsSync(path.join(out, 'no-face-cat.png'))).toBe(false);

    // Without --models or FACECRAFT_MODELS_DIR, the installed CLI (no clone around it) looks in
    // the per-user folder `facecraft models` fills. Filled here with the clone's files (hard
    // links), so its packaged assembler only has to find them present.
    const home = path.join(work, 'home');
    const userModels = path.join(home, '.cache/facecraft/models');
    await run('mkdir', ['-p', userModels]);
    const modelManifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: { id: string; file: string }[] };
    for (const { file } of modelManifest.models) linkSync(path.join(modelsDir, file), path.join(userModels, file));
    const userEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete userEnv.FACECRAFT_MODELS_DIR;
    delete userEnv.XDG_CACHE_HOME;
    const models = await run(bin, ['models'], { cwd: app, env: userEnv });
    expect(models.stdout).toMatch(new RegExp(`^models ready: ${modelManifest.models.length} already present, 0 built in \\d+\\.\\d s \\(${userModels}\\)$`, 'm'));
    const byDefault = await run(bin, ['process', fixturePath('portrait-2.jpg'), '--out', path.join(work, 'out-default'), '--device', 'cpu'], { cwd: app, env: userEnv });
    expect(byDefault.stdout).toContain(`loading models from ${userModels}`);
    expect(byDefault.stdout).toMatch(/^\[1\/1\] .*portrait-2\.jpg … ok \d+\.\d s$/m);
  });
});
