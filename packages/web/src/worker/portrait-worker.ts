/// <reference lib="webworker" />
// The heavy work, off the page's thread: model loading, inference and encoding all happen here,
// so the page stays responsive while a portrait is made.
import type { PortraitOptionsInput } from '@facecraft/core/web';
import { createPortraitRunner, serializeError, type PortraitRunner } from '../portrait-runner.js';
import type { FromWorker, ToWorker } from '../runner-protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let runner: Promise<PortraitRunner> | undefined;
// One portrait at a time: onnxruntime sessions are not re-entrant.
let queue: Promise<unknown> = Promise.resolve();

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return whole ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

async function processPhoto(id: number, bytes: ArrayBuffer, options: PortraitOptionsInput): Promise<void> {
  try {
    if (!runner) throw new Error('The worker was asked to process before it was initialised');
    const ready = await runner;
    const out = await ready.process(new Uint8Array(bytes), options, (event) => post({ type: 'event', event }));
    const png = ownBuffer(out.png);
    const jpeg = ownBuffer(out.jpeg);
    post({ type: 'result', id, png, jpeg, report: out.report }, [png, jpeg]);
  } catch (error) {
    post({ type: 'failed', id, error: serializeError(error) });
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === 'init') {
    runner = createPortraitRunner(message.config, (e) => post({ type: 'event', event: e }));
    runner.then(
      (r) => post({ type: 'ready', info: r.info }),
      (error: unknown) => post({ type: 'init-failed', error: serializeError(error) }),
    );
  } else if (message.type === 'process') {
    queue = queue.then(() => processPhoto(message.id, message.bytes, message.options));
  }
};
