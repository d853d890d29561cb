// The README's API examples (the original service's curl and Python forms, and JavaScript),
// run as written against a live server: only the host and port are changed.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, fixturePath, repoRoot, scratchDirs, testEnv } from './support/server-harness.js';

const run = promisify(execFile);

/** The code block that follows `<!-- example:NAME -->` in the README. */
function readmeExample(name: string): string {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const match = new RegExp(`<!-- example:${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no example:${name} block`);
  return match[1];
}

let server: RunningServer;
let work: string;
const dirs = scratchDirs('facecraft-readme-');
const localize = (code: string) => code.replaceAll('http://localhost:8000', server.url);

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_WORKERS: '1' }) });
  await server.ready;
  work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-readme-work-'));
  copyFileSync(fixturePath('portrait-4.jpg'), path.join(work, 'photo.jpg'));
  ['portrait-1.jpg', 'portrait-3.jpg', 'no-face-cat.png'].forEach((name, i) => copyFileSync(fixturePath(name), path.join(work, `photo${i + 1}.jpg`)));
});
afterAll(async () => {
  await server?.close();
  dirs.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function expectPortraitFile(file: string, format: 'png' | 'jpeg', size: number) {
  expect(existsSync(file)).toBe(true);
  const meta = await sharp(readFileSync(file)).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual([format, size, size]);
}

describe('README examples', () => {
  it('curl', async () => {
    const commands = localize(readmeExample('curl'))
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    expect(commands).toHaveLength(4);
    const outputs: string[] = [];
    for (const command of commands) {
      const { stdout } = await run('bash', ['-c', command], { cwd: work, maxBuffer: 32 * 1024 * 1024 });
      outputs.push(stdout);
    }
    expect(JSON.parse(outputs[0])).toEqual({ status: 'healthy' });
    await expectPortraitFile(path.join(work, 'processed.png'), 'png', 648);
    const single = JSON.parse(outputs[2]);
    expect(single).toMatchObject({ success: true, width: 400, height: 400 });
    const batch = JSON.parse(outputs[3]);
    expect(batch).toMatchObject({ total: 3, successful: 2, failed: 1 });
    expect(batch.results[2].error.code).toBe('no_face');
  });

  it('jobs (curl: queue, poll, download)', async () => {
    rmSync(path.join(work, 'portrait.png'), { force: true });
    await run('bash', ['-euo', 'pipefail', '-c', localize(readmeExample('jobs'))], { cwd: work, timeout: 60_000 });
    await expectPortraitFile(path.join(work, 'portrait.png'), 'png', 648);
  });

  it('Python (requests)', async () => {
    rmSync(path.join(work, 'processed.png'), { force: true });
    writeFileSync(path.join(work, 'example.py'), localize(readmeExample('python')));
    const { stdout } = await run('python3', ['example.py'], { cwd: work });
    expect(stdout).toMatch(/^Job ID: [A-Za-z0-9_-]{16,}\s*$/);
    await expectPortraitFile(path.join(work, 'processed.png'), 'png', 648);
  });

  it('JavaScript (fetch + FormData)', async () => {
    writeFileSync(path.join(work, 'example.mjs'), localize(readmeExample('javascript')));
    const { stdout } = await run('node', ['example.mjs'], { cwd: work });
    expect(stdout).toMatch(/headHeightRatio|head_height_ratio/);
    await expectPortraitFile(path.join(work, 'processed.jpg'), 'jpeg', 648);
    expect(readFileSync(path.join(work, 'processed.jpg')).length).toBeLessThanOrEqual(60 * 1024);
  });
});

describe('README tables', () => {
  it('are generated from their sources (manifest, config schema, bench results) and up to date', async () => {
    const { stdout } = await run('node', [path.join(repoRoot, 'scripts/readme-tables.mjs'), '--check'], { cwd: repoRoot });
    expect(stdout).toMatch(/up to date/);
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const { CONFIG_VARIABLES } = await import('../dist/config.js');
    for (const variable of CONFIG_VARIABLES) expect(readme).toContain(`| \`${variable.name}\` |`);
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'models/manifest.json'), 'utf8'));
    for (const model of manifest.models) expect(readme).toContain(`\`${model.file}\``);
  });
});
