import type { DeviceFallbackReport } from '../device-fallback.js';
import type { OutputMode } from './process-args.js';
import type { PhotoError } from './describe-failure.js';

export type PhotoOutcome =
  | { readonly source: string; readonly status: 'ok'; readonly ms: number; readonly files: { readonly png: string; readonly jpg: string; readonly json: string }; readonly report: Record<string, unknown> }
  | { readonly source: string; readonly status: 'failed'; readonly ms: number; readonly error: PhotoError };

export interface RunSummary {
  readonly totalMs: number;
  readonly modelsMs: number;
  readonly device: string;
  readonly backend: string;
  readonly outDir: string;
}

/** What `facecraft process` tells the user while it works, in one of the output modes. */
export interface ProcessReporter {
  loadingModels(modelsDir: string, device: string): void;
  modelsLoaded(backend: string, device: string, ms: number, fallback: DeviceFallbackReport | undefined): void;
  skipped(files: readonly string[]): void;
  photo(index: number, total: number, outcome: PhotoOutcome): void;
  /** Returns nothing; the exit code is the caller's. */
  finished(summary: RunSummary): void;
}

export interface ReporterStreams {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const defaultStreams: ReporterStreams = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Human-readable lines: progress on stdout, failures on stderr (so `2>errors.txt` collects them).
 * quiet: failures and warnings only; verbose: also the output files, stage timings and skipped files.
 */
export function createTextReporter(mode: Exclude<OutputMode, 'json'>, streams: ReporterStreams = defaultStreams): ProcessReporter {
  const info = mode === 'quiet' ? () => {} : streams.out;
  const detail = mode === 'verbose' ? streams.out : () => {};
  const outcomes: PhotoOutcome[] = [];
  return {
    loadingModels: (modelsDir, device) => info(`loading models from ${modelsDir} (device ${device}) …`),
    modelsLoaded(backend, device, ms, fallback) {
      info(`models loaded in ${seconds(ms)}: ${device} (${backend})`);
      if (fallback?.level === 'warn') streams.err(`warning: ${fallback.message}`);
      else if (fallback) info(fallback.message);
      if (fallback && fallback.detail !== fallback.message) detail(`  (${fallback.detail})`);
    },
    skipped: (files) => files.forEach((file) => detail(`skipped ${file}: not an image file`)),
    photo(index, total, outcome) {
      outcomes.push(outcome);
      const counter = `[${index}/${total}] ${outcome.source} …`;
      if (outcome.status === 'failed') {
        streams.err(`${counter} failed: ${outcome.error.message} (${outcome.error.code})`);
        return;
      }
      info(`${counter} ok ${seconds(outcome.ms)}`);
      detail(`  → ${outcome.files.png}, ${outcome.files.jpg}, ${outcome.files.json}`);
      const timings = outcome.report.timings as Record<string, number> | undefined;
      if (timings) detail(`  ${Object.entries(timings).map(([stage, ms]) => `${stage} ${Math.round(ms)} ms`).join(', ')}`);
    },
    finished(summary) {
      const ok = outcomes.filter((o) => o.status === 'ok').length;
      const failed = outcomes.length - ok;
      info(`done: ${ok} ok, ${failed} failed of ${outcomes.length} in ${seconds(summary.totalMs)} (models ${seconds(summary.modelsMs)}); portraits in ${summary.outDir}`);
    },
  };
}

/** `--json`: nothing while working, then one JSON document (snake_case, like the API) on stdout. */
export function createJsonReporter(write: (text: string) => void = (text) => process.stdout.write(text)): ProcessReporter {
  const photos: PhotoOutcome[] = [];
  let skippedFiles: readonly string[] = [];
  let fallbackNotice: string | null = null;
  return {
    loadingModels: () => {},
    modelsLoaded: (_backend, _device, _ms, fallback) => {
      fallbackNotice = fallback?.message ?? null;
    },
    skipped: (files) => {
      skippedFiles = files;
    },
    photo: (_index, _total, outcome) => photos.push(outcome),
    finished(summary) {
      const ok = photos.filter((o) => o.status === 'ok').length;
      const document = {
        ok,
        failed: photos.length - ok,
        total: photos.length,
        total_ms: Math.round(summary.totalMs),
        models_ms: Math.round(summary.modelsMs),
        device: summary.device,
        backend: summary.backend,
        device_notice: fallbackNotice,
        out_dir: summary.outDir,
        photos: photos.map((outcome) =>
          outcome.status === 'ok'
            ? { source: outcome.source, status: 'ok', ms: Math.round(outcome.ms), files: outcome.files, portrait: outcome.report }
            : { source: outcome.source, status: 'failed', ms: Math.round(outcome.ms), error: outcome.error },
        ),
        skipped: skippedFiles,
      };
      write(`${JSON.stringify(document, null, 2)}\n`);
    },
  };
}
