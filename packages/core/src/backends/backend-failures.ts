import { DEVICES, type Device } from './devices.js';
import type { InferenceBackend } from './inference-backend.js';

/** One thing a backend could not do: start on a device, or run one model there. */
export interface BackendFailure {
  readonly backend: string;
  readonly device: Device;
  /** Set when the backend runs, but this model could not run on its device. */
  readonly model?: string;
  /** Where that model runs instead. */
  readonly movedTo?: Device;
  /** Why, in the runtime's words (first line). */
  readonly reason: string;
}

export const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n')[0];

/**
 * Every failure on the way to a working backend, kept in order (onnxruntime's registry keeps
 * them all too): the registry adds the devices that could not start, the backend adds the
 * models it had to move. Nothing is overwritten, so /status and the playground show them all.
 */
export class FailureLog {
  readonly #entries: BackendFailure[] = [];

  constructor(earlier: readonly BackendFailure[] = []) {
    this.#entries.push(...earlier);
  }

  add(failure: BackendFailure): void {
    this.#entries.push(failure);
  }

  get entries(): readonly BackendFailure[] {
    return [...this.#entries];
  }

  /** The failures as one line, for a log or a page; undefined when there were none. */
  notice(runningOn: Device): string | undefined {
    const devices = this.#entries.filter((f) => f.model === undefined);
    const models = this.#entries.filter((f) => f.model !== undefined);
    const parts = [
      ...(devices.length > 0 ? [`${devices.map((f) => f.reason).join('; ')}; running on ${DEVICES[runningOn].runningOn}`] : []),
      ...models.map((f) => `${f.reason}; that model runs on ${DEVICES[f.movedTo ?? runningOn].runningOn}`),
    ];
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

/** A backend with `failures` and `notice` as live views of its log: a model moved later still shows. */
export function withFailures(backend: Omit<InferenceBackend, 'failures' | 'notice'>, failures: FailureLog): InferenceBackend {
  return Object.defineProperties(backend, {
    failures: { get: () => failures.entries, enumerable: true },
    notice: { get: () => failures.notice(backend.device), enumerable: true },
  });
}
