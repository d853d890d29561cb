// The playground's browsers choose their ISNet variant from the manifest served at
// /playground/models/manifest.json: a model whose file is not in the models folder (the
// browser-only float32 ISNet, skipped by `facecraft models`) is left out of it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModelManifest } from '@facecraft/core';
import { playground } from '../src/routes/playground.js';

const repoModels = path.resolve(import.meta.dirname, '../../../models');
const manifest = parseModelManifest(JSON.parse(readFileSync(path.join(repoModels, 'manifest.json'), 'utf8')));
const work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-playground-manifest-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function served(modelsDir: string): Promise<{ ids: string[]; cache: string | null }> {
  const app = new Koa();
  app.use(playground({ dir: undefined, modelsDir, manifest }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/playground/models/manifest.json`);
    expect(res.status).toBe(200);
    return { ids: parseModelManifest(await res.json()).models.map((m) => m.id), cache: res.headers.get('cache-control') };
  } finally {
    server.close();
  }
}

describe('/playground/models/manifest.json', () => {
  it('lists only the models whose files are in the folder', async () => {
    const dir = path.join(work, 'some');
    const kept = manifest.models.filter((m) => m.id !== 'isnet-fp32');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    // Empty stand-ins: this route checks presence, not content (the browser checks sha256).
    for (const m of kept) writeFileSync(path.join(dir, m.file), '');
    const { ids, cache } = await served(dir);
    expect(ids).toEqual(kept.map((m) => m.id));
    expect(ids).not.toContain('isnet-fp32');
    expect(cache).toBe('no-cache');
  });

  it('is the manifest file itself when every model is there', async () => {
    const dir = path.join(work, 'all');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    for (const m of manifest.models) writeFileSync(path.join(dir, m.file), '');
    expect((await served(dir)).ids).toEqual(manifest.models.map((m) => m.id));
  });
});
