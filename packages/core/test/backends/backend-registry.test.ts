import { describe, expect, it } from 'vitest';
import { FailureLog, withFailures } from '../../src/backends/backend-failures.js';
import { BackendRegistry, type BackendRegistration } from '../../src/backends/backend-registry.js';
import { deviceChoicesText, devicesOf, DEVICES } from '../../src/backends/devices.js';
import type { InferenceBackend } from '../../src/backends/inference-backend.js';
import { VARIANT_PREFERENCE, variantPreferenceFor } from '../../src/backends/variant-preference.js';
import { NoBackendError, RuntimeMissingError } from '../../src/errors.js';
import { NODE_BACKENDS } from '../../src/backends/node-backends.js';
import { WEB_BACKENDS } from '../../src/backends/web-backends.js';

type Device = BackendRegistration['device'];

/** A registration that starts, or throws `fails` — and records that it was tried. */
function fake(name: string, device: Device, priority: number, tried: string[], fails?: Error): BackendRegistration {
  return {
    name,
    device,
    priority,
    async init(_options, failures) {
      tried.push(`${name}/${device}`);
      if (fails) throw fails;
      const backend: Omit<InferenceBackend, 'failures' | 'notice'> = { name, device, load: async () => Promise.reject(new Error('not here')) };
      return withFailures(backend, failures);
    },
  };
}

describe('the backend registry', () => {
  it('tries backends best first and reports every failure before the one that started', async () => {
    const tried: string[] = [];
    const registry = new BackendRegistry('node', [
      fake('slow', 'cpu', 10, tried),
      fake('gpu-a', 'cuda', 100, tried, new Error('no driver\nstack-ish detail')),
      fake('gpu-b', 'cuda', 50, tried, new Error('out of memory')),
    ]);
    const backend = await registry.resolve('auto', {});
    expect(tried).toEqual(['gpu-a/cuda', 'gpu-b/cuda', 'slow/cpu']);
    expect(backend.device).toBe('cpu');
    expect(backend.failures).toEqual([
      { backend: 'gpu-a', device: 'cuda', reason: 'no driver' },
      { backend: 'gpu-b', device: 'cuda', reason: 'out of memory' },
    ]);
    expect(backend.notice).toBe('no driver; out of memory; running on the CPU');
  });

  it('takes the asked device and those ranked below it, never those above', async () => {
    const tried: string[] = [];
    const registry = new BackendRegistry('node', [fake('gpu', 'cuda', 100, tried, new Error('none')), fake('cpu', 'cpu', 10, tried)]);
    expect(registry.candidates('cpu').map((r) => r.name)).toEqual(['cpu']);
    expect(registry.candidates('cuda').map((r) => r.name)).toEqual(['gpu', 'cpu']);
    const backend = await registry.resolve('cpu', {});
    expect([tried, backend.failures, backend.notice]).toEqual([['cpu/cpu'], [], undefined]);
  });

  it('lists every failure in the error when nothing starts', async () => {
    const registry = new BackendRegistry('web', [fake('a', 'webgpu', 100, [], new Error('No adapter')), fake('b', 'wasm', 10, [], new Error('no SIMD'))]);
    const error = await registry.resolve('auto', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoBackendError);
    expect(error).toMatchObject({
      code: 'no_backend',
      message: 'No inference backend could start (asked for auto): [a on webgpu] No adapter; [b on wasm] no SIMD',
      details: { requested: 'auto', failures: [{ backend: 'a', device: 'webgpu', reason: 'No adapter' }, { backend: 'b', device: 'wasm', reason: 'no SIMD' }] },
    });
  });

  it('passes one shared cause (a runtime that is not installed) through as it is', async () => {
    const missing = () => new RuntimeMissingError('needs onnxruntime-node', { package: 'onnxruntime-node' });
    const registry = new BackendRegistry('node', [fake('a', 'cuda', 100, [], missing()), fake('b', 'cpu', 10, [], missing())]);
    await expect(registry.resolve('auto', {})).rejects.toMatchObject({ code: 'runtime_missing', details: { package: 'onnxruntime-node' } });
  });

  it('refuses a device of the other platform, a duplicate and a device nothing provides', () => {
    const registry = new BackendRegistry('node', [fake('a', 'cpu', 10, [])]);
    expect(() => registry.register(fake('w', 'wasm', 10, []))).toThrow(/not a node backend/);
    expect(() => registry.register(fake('a', 'cpu', 5, []))).toThrow(/already registered/);
    expect(() => registry.candidates('cuda')).toThrow(/no node backend is registered for cuda/);
  });

  it('keeps later failures (models moved off the device) beside the earlier ones', () => {
    const log = new FailureLog([{ backend: 'x', device: 'webgpu', reason: 'No WebGPU adapter is available' }]);
    log.add({ backend: 'x', device: 'webgpu', model: 'm1', movedTo: 'wasm', reason: 'WebGPU could not run m1 (e1)' });
    log.add({ backend: 'x', device: 'webgpu', model: 'm2', movedTo: 'wasm', reason: 'WebGPU could not run m2 (e2)' });
    expect(log.entries).toHaveLength(3);
    expect(log.notice('webgpu')).toBe('No WebGPU adapter is available; running on WebGPU; WebGPU could not run m1 (e1); that model runs on WASM; WebGPU could not run m2 (e2); that model runs on WASM');
  });
});

describe('devices, declared once', () => {
  it('give each platform its choices and each device its variants', () => {
    expect(devicesOf('node')).toEqual(['cpu', 'cuda']);
    expect(devicesOf('web')).toEqual(['webgpu', 'wasm']);
    expect(deviceChoicesText('node')).toBe('auto, cpu or cuda');
    for (const device of devicesOf('node')) expect(variantPreferenceFor(device)).toBe(DEVICES[device].variants);
    expect(VARIANT_PREFERENCE.cuda).toEqual(['float16', 'float32', 'int8']);
    expect(variantPreferenceFor('webgpu', true)).toEqual(['float16', 'float32']);
  });

  it('each have a registered backend on their platform, and every registration a declared device', () => {
    for (const registry of [NODE_BACKENDS, WEB_BACKENDS]) {
      expect(new Set(registry.registrations.map((r) => r.device))).toEqual(new Set(devicesOf(registry.platform)));
    }
    // onnxruntime's convention: the GPU device is tried first under 'auto'.
    expect(NODE_BACKENDS.candidates('auto').map((r) => r.device)).toEqual(['cuda', 'cpu']);
    expect(WEB_BACKENDS.candidates('auto').map((r) => r.device)).toEqual(['webgpu', 'wasm']);
  });
});
