import { existsSync } from 'node:fs';

/** Files the NVIDIA kernel driver creates; without them no CUDA device can exist on this machine. */
const NVIDIA_DRIVER_FILES: readonly string[] = ['/proc/driver/nvidia/version', '/dev/nvidiactl'];

export function nvidiaDriverPresent(files: readonly string[] = NVIDIA_DRIVER_FILES): boolean {
  return files.some((file) => existsSync(file));
}

export interface DeviceFallbackReport {
  /** 'info' when running on the CPU is what the user should expect, 'warn' when it is a surprise. */
  readonly level: 'info' | 'warn';
  readonly message: string;
  /** The backend's own reason, for debug output. */
  readonly detail: string;
}

/**
 * How to tell the user that the models run on another device than asked. Under `auto` on a
 * machine with no NVIDIA driver at all the CPU is the expected outcome: one info line saying so,
 * not the backend's reason (which names install-time switches the user never set). With a
 * driver present, or with `cuda` asked for explicitly, the fallback is a warning with the reason.
 */
export function describeDeviceFallback(requested: string, device: string, notice: string | undefined, driverPresent = nvidiaDriverPresent()): DeviceFallbackReport | undefined {
  if (notice === undefined) return undefined;
  if (requested === 'auto' && device === 'cpu' && !driverPresent) {
    return { level: 'info', message: 'no NVIDIA GPU found (no driver loaded); running on the CPU', detail: notice };
  }
  return { level: 'warn', message: notice, detail: notice };
}
