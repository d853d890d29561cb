import type { PortraitOptionsInput } from '@facecraft/core';
import { PlaygroundError, type EngineEvent, type PortraitEngine, type PortraitOutcome } from './engine-types.js';
import { outcomeFromReport } from './outcome-from-report.js';
import type { FromWorker, RunnerConfig, RunnerInfo, SerializedError } from './runner-protocol.js';

export interface BrowserEngine extends PortraitEngine {
  /** Resolves when the models are loaded (rejects with a PlaygroundError when they cannot be). */
  readonly ready: Promise<RunnerInfo>;
  dispose(): void;
}

interface Pending {
  readonly resolve: (outcome: PortraitOutcome) => void;
  readonly reject: (error: Error) => void;
  readonly onEvent: (event: EngineEvent) => void;
  readonly started: number;
}

const toError = (e: SerializedError) => new PlaygroundError(e.code, e.message);

/**
 * The in-browser engine: a module Web Worker running the pipeline (see worker/portrait-worker.ts).
 * Where a module worker cannot start, the same runner is loaded on the page itself.
 */
export function createBrowserEngine(config: RunnerConfig, onModelEvent: (event: EngineEvent) => void): BrowserEngine {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  let inPage: Promise<import('./portrait-runner.js').PortraitRunner> | undefined;

  const failAll = (error: Error) => {
    for (const job of pending.values()) job.reject(error);
    pending.clear();
  };

  const startInPage = async (): Promise<RunnerInfo> => {
    const { createPortraitRunner } = await import('./portrait-runner.js');
    inPage = createPortraitRunner(config, onModelEvent);
    try {
      return (await inPage).info;
    } catch (error) {
      const { serializeError } = await import('./portrait-runner.js');
      throw toError(serializeError(error));
    }
  };

  const startWorker = (): Promise<RunnerInfo> =>
    new Promise<RunnerInfo>((resolve, reject) => {
      let settled = false;
      const w = new Worker(new URL('./worker/portrait-worker.ts', import.meta.url), { type: 'module', name: 'facecraft-portrait' });
      worker = w;
      w.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data;
        switch (message.type) {
          case 'event':
            if (message.event.type === 'model') onModelEvent(message.event);
            else for (const job of pending.values()) job.onEvent(message.event);
            break;
          case 'ready':
            settled = true;
            resolve(message.info);
            break;
          case 'init-failed':
            settled = true;
            reject(toError(message.error));
            break;
          case 'result': {
            const job = pending.get(message.id);
            pending.delete(message.id);
            job?.resolve(outcomeFromReport(message.report, message.png, message.jpeg, performance.now() - job.started));
            break;
          }
          case 'failed': {
            const job = pending.get(message.id);
            pending.delete(message.id);
            job?.reject(toError(message.error));
            break;
          }
        }
      };
      w.onerror = (event) => {
        event.preventDefault();
        const error = new PlaygroundError('worker_failed', event.message || 'The processing worker stopped');
        if (!settled) {
          settled = true;
          w.terminate();
          worker = undefined;
          // A browser that cannot start a module worker can still run the pipeline on the page.
          startInPage().then(resolve, reject);
        } else failAll(error);
      };
      w.postMessage({ type: 'init', config });
    });

  const ready = typeof Worker === 'function' ? startWorker() : startInPage();
  // Callers that never ask for `ready` must not see an unhandled rejection.
  ready.catch(() => undefined);

  return {
    ready,
    async process(photo: Blob, options: PortraitOptionsInput, onEvent: (event: EngineEvent) => void): Promise<PortraitOutcome> {
      await ready;
      const bytes = await photo.arrayBuffer();
      const started = performance.now();
      if (inPage) {
        const runner = await inPage;
        try {
          const out = await runner.process(new Uint8Array(bytes), options, onEvent);
          return outcomeFromReport(out.report, out.png.slice().buffer, out.jpeg.slice().buffer, performance.now() - started);
        } catch (error) {
          const { serializeError } = await import('./portrait-runner.js');
          throw toError(serializeError(error));
        }
      }
      if (!worker) throw new PlaygroundError('worker_failed', 'The processing worker is not running');
      const id = nextId++;
      const w = worker;
      return new Promise<PortraitOutcome>((resolve, reject) => {
        pending.set(id, { resolve, reject, onEvent, started });
        w.postMessage({ type: 'process', id, bytes, options }, [bytes]);
      });
    },
    dispose() {
      worker?.terminate();
      worker = undefined;
      failAll(new PlaygroundError('cancelled', 'The in-browser engine was restarted'));
    },
  };
}
