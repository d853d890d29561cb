// A stand-in portrait worker for the pool's crash and time-out tests: it speaks the worker
// protocol (like the real one, 'close' waits for the job in hand) and misbehaves on request:
// width 901: process.exit; 902: an uncaught exception; 903: never answers; 905: a job that
// takes 800 ms (a timer, so the test's own event loop stays free).
import { parentPort } from 'node:worker_threads';

let current;
const done = (message) => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, message.bytes.length & 0xff]);
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff]);
  parentPort.postMessage({ type: 'done', id: message.id, ok: true, png, jpeg, report: { fake: true }, ms: 1 }, [png.buffer, jpeg.buffer]);
};

parentPort.postMessage({ type: 'ready', backend: 'fake', device: 'cpu', runtimes: [], loadMs: 0 });
parentPort.on('message', async (message) => {
  if (message.type === 'close') {
    await current;
    process.exit(0);
  }
  const width = message.options?.width;
  if (width === 901) process.exit(3);
  if (width === 902) {
    setTimeout(() => {
      throw new Error('boom in the worker');
    });
    return;
  }
  if (width === 903) return;
  if (width === 905) {
    current = new Promise((resolve) => setTimeout(resolve, 800));
    await current;
    current = undefined;
  }
  done(message);
});
