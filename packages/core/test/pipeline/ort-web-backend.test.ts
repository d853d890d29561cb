// How the browser backend places each model: WebGPU when it can run it, WASM otherwise, and it
// says why. In Node there is no real WebGPU, so a fake adapter drives the choice.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOrtWebBackend } from '../../src/backends/ort-web-backend.js';
import { parseModelManifest } from '../../src/models/model-manifest.js';
import { modelsDir } from '../support/fixtures.js';

const manifest = parseModelManifest(JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8')));
const entry = (id: string) => {
  const found = manifest.models.find((m) => m.id === id);
  if (!found) throw new Error(`no ${id}`);
  return found;
};
const bytesOf = async (id: string) => new Uint8Array(await readFile(path.join(modelsDir, entry(id).file)));

afterEach(() => vi.unstubAllGlobals());

describe('ort-web backend placement', () => {
  it('uses WASM and says so when there is no WebGPU adapter', async () => {
    const backend = await createOrtWebBackend({ device: 'auto' });
    expect(backend.device).toBe('wasm');
    expect(backend.notice).toMatch(/No WebGPU adapter/);
    // On WASM the int8 ISNet is preferred: half the download, QLinearConv instead of float Conv.
    expect(backend.variantPreference?.[0]).toBe('int8');
    const session = await backend.load(entry('landmarks-68'), await bytesOf('landmarks-68'));
    expect(session.device).toBe('wasm');
    // The threads onnxruntime-web really runs (in Node: one per core, up to 4), read from its env.
    const ort = await import('onnxruntime-web');
    expect(backend.threads).toBe(ort.env.wasm.numThreads);
    expect(backend.threads).toBe(Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2));
    await session.release();
  });

  it('keeps a float16 model off an adapter without shader-f16', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ features: new Set<string>() }) } });
    const backend = await createOrtWebBackend({ device: 'auto' });
    expect(backend.device).toBe('webgpu');
    // Without shader-f16 a float32 variant is wanted first, never the int8 one (no QLinearConv on WebGPU).
    expect(backend.variantPreference).toEqual(['float32', 'float16']);
    expect(entry('isnet').weightType).toBe('float16');
    const session = await backend.load(entry('isnet'), await bytesOf('isnet'));
    expect(session.device).toBe('wasm');
    expect(backend.notice).toMatch(/isnet has float16 weights.*shader-f16/);
    await session.release();
  });

  it('falls back to WASM for a model the WebGPU provider cannot create, naming it', async () => {
    // onnxruntime-web's Node build has no WebGPU provider: creating the session fails like a
    // browser whose WebGPU cannot compile the graph.
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ features: new Set(['shader-f16']) }) } });
    const backend = await createOrtWebBackend({ device: 'auto' });
    expect(backend.variantPreference?.[0]).toBe('float16');
    const session = await backend.load(entry('blazeface-front-128'), await bytesOf('blazeface-front-128'));
    expect(session.device).toBe('wasm');
    expect(backend.notice).toMatch(/WebGPU could not run blazeface-front-128/);
    await session.release();
  });

  it('keeps every model it moved to WASM, not only the last', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ features: new Set<string>() }) } });
    const backend = await createOrtWebBackend({ device: 'auto' });
    for (const id of ['isnet', 'blazeface-front-128']) await (await backend.load(entry(id), await bytesOf(id))).release();
    expect(backend.failures?.map((f) => [f.model, f.movedTo])).toEqual([['isnet', 'wasm'], ['blazeface-front-128', 'wasm']]);
    expect(backend.notice).toMatch(/isnet has float16 weights.*that model runs on WASM; WebGPU could not run blazeface-front-128 .*that model runs on WASM$/);
  });

  it('reports the device that could not start among its failures', async () => {
    const backend = await createOrtWebBackend({ device: 'auto' });
    expect(backend.failures).toEqual([{ backend: 'ort-web', device: 'webgpu', reason: 'No WebGPU adapter is available' }]);
    expect(backend.notice).toBe('No WebGPU adapter is available; running on WASM');
  });
});
