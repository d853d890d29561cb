import { createWebPortraitProcessor, toPortraitReport, type PortraitOptionsInput } from '@facecraft/core/web';
import type { EngineEvent } from './engine-types.js';
import type { RunnerConfig, RunnerInfo, RunnerOutput } from './runner-protocol.js';

export interface PortraitRunner {
  readonly info: RunnerInfo;
  process(bytes: Uint8Array, options: PortraitOptionsInput, onEvent: (event: EngineEvent) => void): Promise<RunnerOutput>;
}

/** Bytes of model files this context fetched over the network (Cache Storage hits make no entry). */
function downloadedModelBytes(modelsUrl: string): number {
  const entries = globalThis.performance?.getEntriesByType?.('resource') ?? [];
  return entries
    .filter((e): e is PerformanceResourceTiming => e.name.startsWith(modelsUrl) && !e.name.endsWith('manifest.json'))
    .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0);
}

/**
 * The in-browser pipeline: @facecraft/core/web on onnxruntime-web. The same code runs in the
 * Web Worker (normally) and on the page itself (where module workers are unavailable).
 */
export async function createPortraitRunner(config: RunnerConfig, onEvent: (event: EngineEvent) => void): Promise<PortraitRunner> {
  const started = performance.now();
  const totals = new Map<string, number>();
  const processor = await createWebPortraitProcessor({
    modelsUrl: config.modelsUrl,
    device: config.device,
    wasmPaths: config.wasmPaths,
    ...(config.segmentationVariant ? { segmentationVariant: config.segmentationVariant } : {}),
    onModelProgress: (p) => {
      totals.set(p.model, p.total);
      onEvent({ type: 'model', model: p.model, phase: p.phase, loaded: p.loaded, total: p.total });
    },
  });
  const isolated = globalThis.crossOriginIsolated === true;
  const info: RunnerInfo = {
    device: processor.runtimes.some((r) => r.device === 'webgpu') ? 'webgpu' : 'wasm',
    notice: processor.backend.notice,
    failures: processor.backend.failures ?? [],
    runtimes: processor.runtimes.map((r) => ({ model: r.model, stage: r.stage, backend: r.backend, device: r.device, variant: r.variant })),
    crossOriginIsolated: isolated,
    // What onnxruntime-web really runs: it drops to 1 (and writes that back) without cross-origin isolation.
    wasmThreads: processor.backend.threads ?? (isolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1),
    downloadedBytes: downloadedModelBytes(config.modelsUrl),
    modelBytes: [...totals.values()].reduce((a, b) => a + b, 0),
    loadMs: Math.round(performance.now() - started),
    inWorker: typeof document === 'undefined',
  };
  return {
    info,
    async process(bytes, options, onStageEvent) {
      const result = await processor.process(bytes, options, { onStage: (stage, phase) => onStageEvent({ type: 'stage', stage, phase }) });
      return { png: result.png, jpeg: result.jpeg, report: toPortraitReport(result) };
    },
  };
}

/** The core's serialisation: any error outside the error table crosses as `internal_error`. */
export { serializeError } from '@facecraft/core/web';
