import { FacecraftError, NoBackendError } from '../errors.js';
import { firstLine, FailureLog, type BackendFailure } from './backend-failures.js';
import { DEVICES, type Device, type DevicePlatform, type DeviceRequest } from './devices.js';
import type { InferenceBackend } from './inference-backend.js';

/**
 * One backend on one device, as it is registered. Modelled on onnxruntime-common's
 * registerBackend/resolveBackend: a priority orders the candidates, `init` either gives a
 * working backend or throws saying why this device cannot run here.
 */
export interface BackendRegistration<O = object> {
  readonly name: string;
  readonly device: Device;
  /** Higher is tried first (onnxruntime's convention). */
  readonly priority: number;
  /** `failures` holds what failed before this one; the backend reports them with its own. */
  init(options: O, failures: FailureLog): Promise<InferenceBackend>;
}

/**
 * The backends of one platform. `resolve` tries them best first and remembers every failure:
 * the backend it returns reports them (`failures`, `notice`), and when none starts the error
 * lists them all. Adding a backend is one registration here plus its own module.
 */
export class BackendRegistry<O = object> {
  readonly #entries: BackendRegistration<O>[] = [];

  constructor(readonly platform: DevicePlatform, registrations: readonly BackendRegistration<O>[] = []) {
    for (const registration of registrations) this.register(registration);
  }

  register(registration: BackendRegistration<O>): this {
    if (DEVICES[registration.device].platform !== this.platform) {
      throw new TypeError(`${registration.name} on ${registration.device} is not a ${this.platform} backend`);
    }
    if (this.#entries.some((e) => e.name === registration.name && e.device === registration.device)) {
      throw new TypeError(`backend ${registration.name} on ${registration.device} is already registered`);
    }
    // Stable: among equal priorities the first registered is tried first.
    const at = this.#entries.findIndex((e) => e.priority < registration.priority);
    this.#entries.splice(at < 0 ? this.#entries.length : at, 0, registration);
    return this;
  }

  /** Every registration, best first. */
  get registrations(): readonly BackendRegistration<O>[] {
    return [...this.#entries];
  }

  /**
   * What a request tries, in order: 'auto' tries everything; a device tries its own backends,
   * then those of the devices ranked below it (asking for CUDA still ends on the CPU, with a
   * notice), never those ranked above (asking for the CPU never probes CUDA).
   */
  candidates(request: DeviceRequest): BackendRegistration<O>[] {
    if (request === 'auto') return [...this.#entries];
    const own = this.#entries.filter((e) => e.device === request);
    if (own.length === 0) throw new TypeError(`no ${this.platform} backend is registered for ${request}`);
    const top = Math.max(...own.map((e) => e.priority));
    return [...own, ...this.#entries.filter((e) => e.device !== request && e.priority < top)];
  }

  async resolve(request: DeviceRequest, options: O): Promise<InferenceBackend> {
    const errors: unknown[] = [];
    const failures: BackendFailure[] = [];
    for (const candidate of this.candidates(request)) {
      try {
        return await candidate.init(options, new FailureLog(failures));
      } catch (error) {
        errors.push(error);
        failures.push({ backend: candidate.name, device: candidate.device, reason: firstLine(error) });
      }
    }
    // One cause behind every failure (the runtime package is not installed): that error, as it is.
    const first = errors[0];
    if (first instanceof FacecraftError && errors.every((e) => e instanceof FacecraftError && e.code === first.code)) throw first;
    throw new NoBackendError(
      `No inference backend could start (asked for ${request}): ${failures.map((f) => `[${f.backend} on ${f.device}] ${f.reason}`).join('; ')}`,
      { requested: request, failures },
      { cause: first },
    );
  }
}
