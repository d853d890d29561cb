// The browser path computes what the server computes: the same photo through onnxruntime-node
// and through onnxruntime-web (its WASM build, here in Node) gives the same portrait.
import { describe, expect, it } from 'vitest';
import { createOrtNodeBackend } from '../../src/backends/ort-node-backend.js';
import { createOrtWebBackend } from '../../src/backends/ort-web-backend.js';
import { psnr } from '../../src/image/compare.js';
import { createSharpCodec } from '../../src/io/node-codec.js';
import { createFileModelSource } from '../../src/models/file-model-source.js';
import { createPortraitProcessor } from '../../src/pipeline/portrait-processor.js';
import { modelsDir, readFixture } from '../support/fixtures.js';

describe('onnxruntime-node vs onnxruntime-web (WASM)', () => {
  it('gives the same portrait within PSNR ≥ 40 dB', { timeout: 300_000 }, async () => {
    const photo = await readFixture('portrait-2.jpg');
    const models = createFileModelSource(modelsDir);
    const codec = createSharpCodec();

    const server = await createPortraitProcessor({ backend: await createOrtNodeBackend({ device: 'cpu' }), models, codec });
    const fromNode = await server.process(photo);
    await server.release();

    const webBackend = await createOrtWebBackend({ device: 'wasm' });
    expect(webBackend.device).toBe('wasm');
    const browser = await createPortraitProcessor({ backend: webBackend, models, codec });
    expect(browser.runtimes.every((r) => r.backend === 'ort-web' && r.device === 'wasm')).toBe(true);
    const fromWeb = await browser.process(photo);
    await browser.release();

    expect(fromWeb.backend.every((r) => r.backend === 'ort-web')).toBe(true);
    expect(fromWeb.faces.length).toBe(fromNode.faces.length);
    expect(psnr(fromWeb.image, fromNode.image, { channels: 'rgba' })).toBeGreaterThanOrEqual(40);
  });
});
