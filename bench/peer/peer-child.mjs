// The peer in its own process (its onnxruntime-node 1.17 must not share one with Facecraft's 1.30).
// Messages: { file } → { ms } after removeBackground() of that photo as a PNG, as its README shows.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const [entry, publicPath] = process.argv.slice(2);
const { removeBackground } = await import(pathToFileURL(entry).href);
const config = { publicPath, model: 'medium', output: { format: 'image/png' } };

process.on('message', async ({ file }) => {
  try {
    const blob = new Blob([await readFile(file)], { type: 'application/octet-stream' });
    const start = performance.now();
    const png = await removeBackground(blob, config);
    const ms = performance.now() - start;
    process.send?.({ ms, bytes: png.size, rssMb: Math.round(process.memoryUsage().rss / 1e6) });
  } catch (error) {
    process.send?.({ error: String(error?.stack ?? error) });
  }
});
process.send?.({ ready: true });
