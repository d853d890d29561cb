// A stand-in portrait worker for the pool's crash tests: it speaks the worker protocol and
// dies on request (width 901: process.exit; width 902: an uncaught exception; width 903: never
// answer; width 904: spin forever without yielding, as a stuck native call would).
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready', backend: 'fake', device: 'cpu', runtimes: [], loadMs: 0 });
parentPort.on('message', (message) => {
  if (message.type === 'close') process.exit(0);
  const width = message.options?.width;
  if (width === 901) process.exit(3);
  if (width === 902) {
    setTimeout(() => {
      throw new Error('boom in the worker');
    });
    return;
  }
  if (width === 903) return;
  if (width === 904) for (;;);
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, message.bytes.length & 0xff]);
  const jpeg = Uint8Array.from([0xff, 0xd8, 0xff]);
  parentPort.postMessage({ type: 'done', id: message.id, ok: true, png, jpeg, report: { fake: true }, ms: 1 }, [png.buffer, jpeg.buffer]);
});
