// Quiet by default: under FACECRAFT_DEVICE=auto a machine without an NVIDIA driver running on the
// CPU is expected, and said in one info line; a surprise fallback stays a warning with its reason.
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { describeDeviceFallback } from '../dist/device-fallback.js';
import { assertBuiltServerIsCurrent, scratchDirs, startChildServer, testEnv } from './support/server-harness.js';

const backendNotice = 'CUDA is not available (the onnxruntime CUDA provider is not installed (onnxruntime-node was installed with ONNXRUNTIME_NODE_INSTALL=skip)); running on the CPU';
const dirs = scratchDirs('facecraft-device-fallback-');
afterAll(() => dirs.remove());

describe('describeDeviceFallback', () => {
  it('is an info line without the backend reason under auto with no NVIDIA driver', () => {
    const report = describeDeviceFallback('auto', 'cpu', backendNotice, false);
    expect(report).toEqual({ level: 'info', message: 'no NVIDIA GPU found (no driver loaded); running on the CPU', detail: backendNotice });
  });

  it('warns with the reason when a driver is there, or when CUDA was asked for', () => {
    expect(describeDeviceFallback('auto', 'cpu', backendNotice, true)).toMatchObject({ level: 'warn', message: backendNotice });
    expect(describeDeviceFallback('cuda', 'cpu', backendNotice, false)).toMatchObject({ level: 'warn', message: backendNotice });
  });

  it('says nothing when there was no fallback', () => {
    expect(describeDeviceFallback('auto', 'cuda', undefined, true)).toBeUndefined();
    expect(describeDeviceFallback('cpu', 'cpu', undefined, false)).toBeUndefined();
  });
});

const noDriver = !existsSync('/proc/driver/nvidia/version') && !existsSync('/dev/nvidiactl');

describe.runIf(noDriver)('a server started under FACECRAFT_DEVICE=auto on a machine without a GPU', () => {
  it('logs the CPU fallback as one info line and no warning', { timeout: 180_000 }, async () => {
    assertBuiltServerIsCurrent();
    const server = await startChildServer(testEnv(dirs, { FACECRAFT_DEVICE: 'auto', FACECRAFT_WORKERS: '1', FACECRAFT_LOG_LEVEL: 'info' }));
    try {
      await server.waitReady();
      await new Promise((r) => setTimeout(r, 200));
      const lines = server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg: string });
      expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
      expect(lines.filter((l) => l.msg.includes('running on the CPU'))).toEqual([expect.objectContaining({ level: 'info', msg: 'no NVIDIA GPU found (no driver loaded); running on the CPU' })]);
      expect(server.output()).not.toContain('ONNXRUNTIME_NODE_INSTALL');
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
