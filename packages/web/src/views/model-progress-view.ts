import { byId } from '../dom.js';
import type { EngineEvent } from '../engine-types.js';
import { formatBytes } from '../format.js';
import type { RunnerInfo } from '../runner-protocol.js';

const MODEL_NAMES: Record<string, string> = {
  'blazeface-front-128': 'face detector',
  'blazeface-back-256': 'face detector (full range)',
  'landmarks-68': 'landmark net',
  isnet: 'ISNet segmentation',
};

const modelName = (id: string) => MODEL_NAMES[id] ?? id;

/** One bar with bytes for the model download (all files together), then the compile steps. */
export function createModelProgressView() {
  const root = byId('model-progress', HTMLDivElement);
  const label = byId('model-progress-label', HTMLSpanElement);
  const bytes = byId('model-progress-bytes', HTMLSpanElement);
  const bar = byId('model-progress-bar', HTMLSpanElement);
  const loaded = new Map<string, number>();
  let total = 0;

  const render = (text: string, fraction: number, detail: string) => {
    label.textContent = text;
    bytes.textContent = detail;
    bar.style.width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  };

  return {
    /** Total model bytes, from the manifest, known before the first byte arrives. */
    setTotal(bytesTotal: number) {
      total = bytesTotal;
      render('Models', 0, `0 of ${formatBytes(total)}`);
    },
    reset(text: string) {
      loaded.clear();
      root.dataset.state = 'loading';
      render(text, 0, total ? `0 of ${formatBytes(total)}` : '');
    },
    update(event: EngineEvent) {
      if (event.type !== 'model') return;
      root.dataset.state = 'loading';
      loaded.set(event.model, event.loaded);
      const sum = [...loaded.values()].reduce((a, b) => a + b, 0);
      const all = Math.max(total, sum);
      if (event.phase === 'download') render(`Downloading ${modelName(event.model)}…`, all ? sum / all : 0, `${formatBytes(sum)} of ${formatBytes(all)}`);
      else if (event.phase === 'compile') render(`Preparing ${modelName(event.model)}…`, all ? sum / all : 0, `${formatBytes(sum)} of ${formatBytes(all)}`);
    },
    ready(info: RunnerInfo) {
      root.dataset.state = 'ready';
      const from = info.downloadedBytes > 0 ? 'downloaded' : 'from cache';
      render('Models ready', 1, `${formatBytes(info.modelBytes)} ${from} · sha256 ✓`);
    },
    failed(message: string) {
      root.dataset.state = 'failed';
      render('Models unavailable', 0, message);
    },
    server() {
      root.dataset.state = 'server';
      render('Server mode', 1, 'the server uses its own models');
    },
  };
}

export type ModelProgressView = ReturnType<typeof createModelProgressView>;
