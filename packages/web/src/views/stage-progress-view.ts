import type { PortraitOptionsInput } from '@facecraft/core';
import { byId, h } from '../dom.js';
import type { EngineEvent } from '../engine-types.js';
import { formatBytes, formatMs } from '../format.js';

export const STAGE_LABELS: Record<string, string> = {
  decode: 'Decode',
  detect: 'Find faces',
  landmarks: 'Landmarks',
  warp: 'Level & crop',
  frame: 'Frame inside the photo',
  neighbours: 'Outline the people beside',
  segment: 'Remove background',
  'segment.isnet': '· salient object (ISNet)',
  'segment.person': '· person model & fusion',
  'segment.refine': '· edge refinement',
  people: 'Person map',
  edges: 'Edge zones',
  foreground: 'Edge colours',
  enhance: 'Enhance',
  restore: 'Restore face',
  oval: 'Oval mask',
  resize: 'Resize',
  measure: 'Measure',
  encode: 'Encode',
  upload: 'Upload',
  server: 'Processing on the server',
};

/** The rows a run on the server shows: the upload (with bytes), then the wait for the answer. */
export const SERVER_STAGES: readonly string[] = ['upload', 'server'];

/** The stages a run will go through with these options (resize/restore are added when they start). */
export function expectedStages(options: PortraitOptionsInput): string[] {
  return [
    'decode',
    'detect',
    'landmarks',
    'warp',
    ...(options.removeBackground === false ? [] : ['segment']),
    ...(options.enhance === false ? [] : ['enhance']),
    ...(options.ovalMask === false ? [] : ['oval']),
    'measure',
    'encode',
  ];
}

/** One bar per pipeline stage: waiting, running (animated), done (with its time). */
export function createStageProgressView() {
  const list = byId('stages', HTMLOListElement);
  const rows = new Map<string, { row: HTMLLIElement; started: number; time: HTMLSpanElement }>();

  const add = (stage: string) => {
    const time = h('span', { class: 'stage-time' });
    const row = h('li', { class: 'stage', 'data-stage': stage, 'data-state': 'waiting' }, h('span', { class: 'stage-name' }, STAGE_LABELS[stage] ?? stage), h('span', { class: 'bar' }, h('span')), time);
    list.append(row);
    const entry = { row, started: 0, time };
    rows.set(stage, entry);
    return entry;
  };

  return {
    start(stages: readonly string[]) {
      list.replaceChildren();
      rows.clear();
      for (const stage of stages) add(stage);
    },
    update(event: EngineEvent) {
      if (event.type === 'upload') {
        // A determinate bar: how much of the photo has gone up, in bytes.
        const entry = rows.get('upload') ?? add('upload');
        const fill = entry.row.querySelector<HTMLElement>('.bar > span');
        entry.row.dataset.determinate = 'true';
        if (fill) fill.style.width = `${event.total > 0 ? Math.min(100, (100 * event.loaded) / event.total) : 0}%`;
        entry.time.textContent = `${formatBytes(event.loaded)} / ${formatBytes(event.total)}`;
        return;
      }
      if (event.type !== 'stage') return;
      const entry = rows.get(event.stage) ?? add(event.stage);
      if (event.phase === 'start') {
        entry.started = performance.now();
        entry.row.dataset.state = 'running';
      } else {
        entry.row.dataset.state = 'done';
        entry.row.querySelector<HTMLElement>('.bar > span')?.style.removeProperty('width');
        const ms = formatMs(performance.now() - entry.started);
        // The upload row keeps its byte count: "3.1 MB · 420 ms".
        const sent = entry.row.dataset.determinate ? entry.time.textContent?.split(' / ').pop() : undefined;
        entry.time.textContent = sent ? `${sent} · ${ms}` : ms;
      }
    },
    /** Marks what did not finish as stopped (after an error). */
    stop() {
      for (const { row } of rows.values()) if (row.dataset.state !== 'done') row.dataset.state = row.dataset.state === 'running' ? 'failed' : 'skipped';
    },
    /** Replaces the live times by the engine's own measurements. */
    finish(timings: Readonly<Record<string, number>>) {
      for (const [stage, ms] of Object.entries(timings)) {
        const entry = rows.get(stage) ?? add(stage);
        entry.row.dataset.state = 'done';
        entry.time.textContent = formatMs(ms);
        list.append(entry.row); // in the order the stages ran
      }
      for (const { row } of rows.values()) if (row.dataset.state === 'waiting') row.remove();
    },
  };
}

export type StageProgressView = ReturnType<typeof createStageProgressView>;
