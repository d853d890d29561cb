import type { WeightType } from '../models/model-manifest.js';

export interface DeviceSpec {
  /** Where a backend for it can run: onnxruntime-node ('node') or a page/worker ('web'). */
  readonly platform: 'node' | 'web';
  /** How people read it (the playground, /status). */
  readonly label: string;
  /** The end of "…; running on X" when a backend falls back to it. */
  readonly runningOn: string;
  /** Model variants it runs best, most preferred first (see variant-preference.ts for why). */
  readonly variants: readonly WeightType[];
}

/**
 * Every device a backend can run on, declared once: FACECRAFT_DEVICE, the CLI's --device, the
 * library's device options, /status and the variant preferences are all read from here.
 * Listed in the order the choices are written in messages ("auto, cpu or cuda").
 */
export const DEVICES = {
  cpu: { platform: 'node', label: 'CPU', runningOn: 'the CPU', variants: ['int8', 'float16', 'float32'] },
  cuda: { platform: 'node', label: 'CUDA', runningOn: 'CUDA', variants: ['float16', 'float32', 'int8'] },
  webgpu: { platform: 'web', label: 'WebGPU', runningOn: 'WebGPU', variants: ['float32', 'float16'] },
  wasm: { platform: 'web', label: 'WASM', runningOn: 'WASM', variants: ['int8', 'float16', 'float32'] },
} as const satisfies Record<string, DeviceSpec>;

export type Device = keyof typeof DEVICES;
export type DevicePlatform = DeviceSpec['platform'];
/** The devices of one platform, as a type: DeviceOf<'node'> is 'cpu' | 'cuda'. */
export type DeviceOf<P extends DevicePlatform> = { [D in Device]: (typeof DEVICES)[D]['platform'] extends P ? D : never }[Device];
/** What a caller may ask for: a device, or 'auto' for the best one that starts. */
export type DeviceRequest<P extends DevicePlatform = DevicePlatform> = 'auto' | DeviceOf<P>;

export const ALL_DEVICES = Object.keys(DEVICES) as Device[];

export function devicesOf<P extends DevicePlatform>(platform: P): DeviceOf<P>[] {
  return ALL_DEVICES.filter((device) => DEVICES[device].platform === platform) as DeviceOf<P>[];
}

export function isDevice(value: unknown): value is Device {
  return typeof value === 'string' && Object.hasOwn(DEVICES, value);
}

/** The accepted requests of a platform in words, for usage messages: "auto, cpu or cuda". */
export function deviceChoicesText(platform: DevicePlatform): string {
  const choices = ['auto', ...devicesOf(platform)];
  return `${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}`;
}

/** Whether `value` is 'auto' or a device of `platform`. */
export function isDeviceRequest<P extends DevicePlatform>(platform: P, value: unknown): value is DeviceRequest<P> {
  return value === 'auto' || (isDevice(value) && DEVICES[value].platform === platform);
}
