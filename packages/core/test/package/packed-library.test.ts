// The library as a newcomer installs it, following the README's "Use it as a library" section:
// the core packed in the clone, installed with the runtimes of one platform into an empty folder
// outside the workspace, and the README's example run there as written. The install line and the
// example are read from README.md, so the test fails when the README drifts from what works.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, modelsDir } from '../support/fixtures.js';

const run = promisify(execFile);
const repoRoot = path.resolve(modelsDir, '..');
const work = mkdtempSync(path.join(tmpdir(), 'facecraft-packed-library-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The code block that follows `<!-- example:NAME -->` in the README. */
function readmeExample(name: string): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- example:${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no example:${name} block`);
  return match[1];
}

// The README's folder for the tarballs, here a scratch folder.
const packages = path.join(work, 'packages');
const localize = (command: string) => command.replaceAll('~/facecraft-packages', packages);

async function bash(command: string, cwd: string): Promise<string> {
  const { stdout } = await run('bash', ['-c', command], { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function emptyApp(name: string): string {
  const app = path.join(work, name);
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: `facecraft-${name}`, private: true, type: 'module' }));
  return app;
}

const installed = (app: string, name: string) => existsSync(path.join(app, 'node_modules', name, 'package.json'));

describe('the packed library, installed as the README says', () => {
  let tarball: string;

  beforeAll(async () => {
    const [pack] = readmeExample('library-install').trim().split('\n');
    await bash(localize(pack), repoRoot);
    tarball = path.join(packages, 'facecraft-core-0.1.0.tgz');
    expect(existsSync(tarball), `the README's install line names ${path.basename(tarball)}`).toBe(true);
  }, 300_000);

  it('is complete and lean: entry points, the model assembler, no runtime as a hard dependency', async () => {
    const { stdout: listing } = await run('tar', ['-tzf', tarball]);
    expect(listing).toMatch(/package\/dist\/node\.js/);
    expect(listing).toMatch(/package\/dist\/web\.d\.ts/);
    expect(listing).toMatch(/package\/dist\/assembly\/lib\/assemble\.mjs/);
    expect(listing).toMatch(/package\/dist\/assembly\/calibration\/group-1\.jpg/);
    expect(listing).not.toMatch(/package\/(src|test)\//);
    const manifest = JSON.parse((await run('tar', ['-xzOf', tarball, 'package/package.json'])).stdout);
    // fflate: zlib in plain JavaScript (the browser's PNG writer), no platform code, no dependencies of its own.
    expect(Object.keys(manifest.dependencies)).toEqual(['fflate', 'onnxruntime-common']);
    for (const peer of ['onnxruntime-node', 'onnxruntime-web', 'sharp']) expect(manifest.peerDependenciesMeta[peer], peer).toEqual({ optional: true });
  });

  it('without its runtimes installs nothing platform-specific and names each missing one with its install command', { timeout: 300_000 }, async () => {
    const app = emptyApp('bare');
    await bash(`npm install --no-audit --no-fund --loglevel=error ${tarball}`, app);
    for (const runtime of ['onnxruntime-node', 'onnxruntime-web', 'sharp', 'onnx-proto']) expect(installed(app, runtime), runtime).toBe(false);
    writeFileSync(
      path.join(app, 'missing.mjs'),
      `import { createNodePortraitProcessor, createOrtNodeBackend, installModels } from '@facecraft/core/node';
import { createOrtWebBackend } from '@facecraft/core/web';
const failures = {};
for (const [name, attempt] of Object.entries({ processor: () => createNodePortraitProcessor(), node: () => createOrtNodeBackend(), web: () => createOrtWebBackend(), models: () => installModels({ dir: 'models' }) })) {
  await attempt().then(() => { failures[name] = 'no error'; }, (error) => { failures[name] = { code: error.code, package: error.details?.package, message: error.message }; });
}
console.log(JSON.stringify(failures));
`,
    );
    const failures = JSON.parse(await bash('node missing.mjs', app));
    expect(failures.processor).toMatchObject({ code: 'runtime_missing', package: 'sharp' });
    expect(failures.processor.message).toContain('npm install sharp@0.35.5');
    expect(failures.node).toMatchObject({ code: 'runtime_missing', package: 'onnxruntime-node' });
    expect(failures.node.message).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0');
    expect(failures.web).toMatchObject({ code: 'runtime_missing', package: 'onnxruntime-web' });
    expect(failures.models).toMatchObject({ code: 'runtime_missing', package: 'onnx-proto' });
  });

  it('with the Node runtimes runs the README example as written', { timeout: 600_000 }, async () => {
    const app = emptyApp('node-app');
    const [, install] = readmeExample('library-install').trim().split('\n');
    // As written: its ONNXRUNTIME_NODE_INSTALL=skip is what lets it pass without NuGet.
    await bash(localize(install), app);
    expect(installed(app, 'onnxruntime-node') && installed(app, 'sharp')).toBe(true);
    expect(installed(app, 'onnxruntime-web')).toBe(false);

    // The models folder the example finds through $FACECRAFT_MODELS_DIR: the clone's files
    // (hard links, no copy) and a copy of its manifest, so installModels() has nothing to download.
    const models = path.join(work, 'user-models');
    mkdirSync(models);
    const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: { id: string; file: string }[] };
    for (const { file } of manifest.models) linkSync(path.join(modelsDir, file), path.join(models, file));
    copyFileSync(path.join(modelsDir, 'manifest.json'), path.join(models, 'manifest.json'));

    writeFileSync(path.join(app, 'example.mjs'), readmeExample('library'));
    copyFileSync(path.join(fixturesDir, 'portrait-3.jpg'), path.join(app, 'photo.jpg'));
    const { stdout } = await run('node', ['example.mjs'], { cwd: app, env: { ...process.env, FACECRAFT_MODELS_DIR: models }, maxBuffer: 16 * 1024 * 1024 });
    for (const { id, file } of manifest.models) expect(stdout).toContain(`ok       ${id} (${file}, already present)`);
    expect(stdout).toContain("backend: 'ort-node'");

    const png = await sharp(readFileSync(path.join(app, 'portrait.png'))).metadata();
    expect([png.format, png.width, png.height, png.channels]).toEqual(['png', 600, 800, 4]);
    const jpegBytes = readFileSync(path.join(app, 'portrait.jpg'));
    expect(jpegBytes.length).toBeLessThanOrEqual(240 * 1024);
    const jpeg = await sharp(jpegBytes).metadata();
    expect([jpeg.format, jpeg.width, jpeg.height]).toEqual(['jpeg', 600, 800]);
  });
});
