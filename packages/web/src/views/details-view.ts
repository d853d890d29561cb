import { byId, h } from '../dom.js';
import type { PortraitOutcome } from '../engine-types.js';
import { formatBytes, formatDegrees, formatMs, formatPercent } from '../format.js';
import type { RunnerInfo } from '../runner-protocol.js';
import { STAGE_LABELS } from './stage-progress-view.js';

function item(term: string, value: string, hint?: string) {
  return h('div', {}, h('dt', hint ? { title: hint } : {}, term), h('dd', {}, value));
}

/** Measurements, per-stage timings and the runtime card under the images. */
export function createDetailsView() {
  const metrics = byId('metrics', HTMLDListElement);
  const timings = byId('timings', HTMLTableElement);
  const total = byId('timing-total', HTMLSpanElement);
  const runtime = byId('runtime', HTMLDListElement);
  const copy = byId('copy-report', HTMLButtonElement);
  let report: unknown;

  copy.addEventListener('click', () => {
    void navigator.clipboard?.writeText(JSON.stringify(report, null, 2)).then(() => {
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy JSON report'), 1500);
    });
  });

  return {
    show(outcome: PortraitOutcome) {
      const m = outcome.metrics;
      const rows = [
        ...outcome.warnings.map((w) => {
          const row = item('Warning', w.message, w.code);
          row.classList.add('warning');
          row.dataset.testid = 'warning';
          row.dataset.code = w.code;
          return row;
        }),
        m.headHeightRatio !== undefined && item('Head height', formatPercent(m.headHeightRatio), 'Chin to crown, as a share of the image height'),
        m.eyeLineFromTopRatio !== undefined && item('Eye line from top', formatPercent(m.eyeLineFromTopRatio)),
        m.eyeLineFromBottomRatio !== undefined && item('Eye line from bottom', formatPercent(m.eyeLineFromBottomRatio), 'As passport rules state it'),
        m.eyeCenterOffsetRatio !== undefined && item('Eyes off centre', formatPercent(m.eyeCenterOffsetRatio), 'Horizontal offset of the eye midpoint, share of the width'),
        m.rollBeforeDegrees !== undefined && item('Head tilt', `${formatDegrees(m.rollBeforeDegrees)} → ${formatDegrees(m.rollAfterDegrees ?? 0)}`, 'Eye-line roll in the photo, then in the portrait'),
        item('Faces found', String(m.faceCount ?? outcome.faces.length)),
        item('JPEG', `${formatBytes(outcome.jpeg.size)}${outcome.jpegQuality !== undefined ? ` · q${outcome.jpegQuality}` : ''}${outcome.jpegFits === false ? ' · over the limit' : ''}`),
        item('PNG', formatBytes(outcome.png.size)),
        item('Size', `${outcome.width} × ${outcome.height}`),
      ].filter((x): x is HTMLDivElement => x instanceof HTMLDivElement);
      metrics.replaceChildren(...rows);

      const entries = Object.entries(outcome.timings);
      const longest = Math.max(1, ...entries.map(([, ms]) => ms));
      timings.replaceChildren(
        h(
          'tbody',
          {},
          ...entries.map(([stage, ms]) => {
            const bar = h('span', { class: 'fill' });
            bar.style.width = `${(ms / longest) * 100}%`;
            return h('tr', { 'data-stage': stage }, h('th', {}, STAGE_LABELS[stage] ?? stage), h('td', { class: 'bar-cell' }, h('span', { class: 'hbar' }, bar)), h('td', { class: 'num' }, formatMs(ms)));
          }),
        ),
      );
      total.textContent = `${formatMs(outcome.totalMs)} in all`;
      report = outcome.report;
      copy.disabled = false;
    },
    runtime(engine: string, info: RunnerInfo | undefined, runs: PortraitOutcome['runtimes']) {
      const rows = [item('Engine', engine)];
      if (info) {
        rows.push(item('Runs in', info.inWorker ? 'a Web Worker' : 'the page'));
        rows.push(item('WASM threads', `${info.wasmThreads}${info.crossOriginIsolated ? ' · cross-origin isolated' : ''}`));
        rows.push(item('Model load', formatMs(info.loadMs)));
      }
      for (const r of runs) rows.push(item(r.model, r.variant ? `${r.device} · ${r.variant}` : r.device));
      if (info?.notice) rows.push(item('Note', info.notice));
      runtime.replaceChildren(...rows);
    },
  };
}
