/**
 * A worker thread with its own portrait processor: loads the models once, then processes one
 * image at a time as the pool sends them. Inference and image work never touch the main
 * thread's event loop, so /health answers while portraits are being made.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { adoptGuard, serializeError, toPortraitReport, type PortraitProcessor } from '@facecraft/core';
import { createNodePortraitProcessor } from '@facecraft/core/node';
import type { PortraitWorkerData, ProcessRequest, WorkerClose, WorkerMessage } from './worker-messages.js';

if (!parentPort) throw new Error('portrait-worker.js runs only as a worker thread');
const port = parentPort;
const data = workerData as PortraitWorkerData;

/** Transfers a result's memory when it owns its whole buffer; otherwise copies it once into one that does. */
function transferable(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
}

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  try {
    port.postMessage(message, transfer);
  } catch {
    // Some buffers (external memory from native code) cannot be detached: send a copy.
    port.postMessage(message);
  }
}

let processor: PortraitProcessor | undefined;
const started = performance.now();
try {
  processor = await createNodePortraitProcessor({
    modelsDir: data.modelsDir,
    device: data.device,
    threads: data.threads,
    ...(data.segmentationVariant ? { segmentationVariant: data.segmentationVariant } : {}),
  });
  post({
    type: 'ready',
    backend: processor.backend.name,
    device: processor.backend.device,
    ...(processor.backend.notice ? { notice: processor.backend.notice } : {}),
    ...(processor.backend.failures?.length ? { failures: processor.backend.failures } : {}),
    ...(processor.backend.threads !== undefined ? { threads: processor.backend.threads } : {}),
    runtimes: processor.runtimes,
    loadMs: Math.round(performance.now() - started),
  });
} catch (error) {
  post({ type: 'load-failed', error: serializeError(error) });
  // Let the message reach the main thread, then end this thread (process.exit in a worker ends only the worker).
  setImmediate(() => process.exit(1));
}

/** The job in hand: 'close' waits for it, since ending the thread under a native call aborts the process. */
let current: Promise<unknown> | undefined;

port.on('message', async (request: ProcessRequest | WorkerClose) => {
  if (request?.type === 'close') {
    await current?.catch(() => {});
    // Free the onnxruntime sessions before the thread ends.
    await processor?.release().catch(() => {});
    process.exit(0);
  }
  if (request?.type !== 'process' || !processor) return;
  const start = performance.now();
  try {
    // The main thread's upload check read the header: take it as read (the limit is checked again).
    const job = processor.process(request.guard ? adoptGuard(request.bytes, request.guard) : request.bytes, request.options);
    current = job;
    const result = await job;
    const png = transferable(result.png);
    const jpeg = transferable(result.jpeg);
    post(
      { type: 'done', id: request.id, ok: true, png, jpeg, report: toPortraitReport(result), ms: Math.round(performance.now() - start) },
      [png.buffer as ArrayBuffer, jpeg.buffer as ArrayBuffer],
    );
  } catch (error) {
    post({ type: 'done', id: request.id, ok: false, error: serializeError(error), ms: Math.round(performance.now() - start) });
  } finally {
    current = undefined;
  }
});
