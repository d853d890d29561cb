import { parseModelManifest, selectPortraitModels, variantPreferenceFor } from '@facecraft/core';
import type { WebDevice } from '@facecraft/core/web';
import { createBrowserEngine, type BrowserEngine } from './browser-engine.js';
import type { Capabilities } from './capabilities.js';
import { byId } from './dom.js';
import { PlaygroundError, USER_ERROR_CODES, type EngineEvent, type PortraitEngine, type PortraitOutcome } from './engine-types.js';
import { formatBytes } from './format.js';
import { bindOptionsForm } from './options-form.js';
import { browserEngineKind } from './outcome-from-report.js';
import type { RunnerInfo } from './runner-protocol.js';
import { createServerEngine } from './server-engine.js';
import { bindDropZone } from './drop-zone.js';
import { createDetailsView } from './views/details-view.js';
import { createModelProgressView } from './views/model-progress-view.js';
import { createPhotoView } from './views/photo-view.js';
import { createResultView } from './views/result-view.js';
import { createStageProgressView, expectedStages, SERVER_STAGES } from './views/stage-progress-view.js';
import { createBackendView, createErrorView, createNoticeView } from './views/status-views.js';

export interface AppConfig {
  readonly modelsUrl: string;
  readonly wasmPaths: string;
  readonly apiUrl: string;
  readonly capabilities: Capabilities;
}

type Mode = 'browser' | 'server';
type AppState = 'starting' | 'idle' | 'processing' | 'done' | 'error';

/**
 * The playground's controller: which engine runs (in-browser, or the server by choice or as the
 * fallback), one run at a time, and every view updated from the run's events and outcome.
 */
export function startApp(config: AppConfig): void {
  const app = byId('app', HTMLDivElement);
  const modeSwitch = byId('mode', HTMLInputElement);
  const processButton = byId('process', HTMLButtonElement);
  const overlayToggle = byId('overlay-toggle', HTMLInputElement);
  const jpegToggle = byId('jpeg-view', HTMLInputElement);

  const backendView = createBackendView();
  const notice = createNoticeView();
  const errors = createErrorView();
  const modelProgress = createModelProgressView();
  const stages = createStageProgressView();
  const photoView = createPhotoView();
  const resultView = createResultView();
  const details = createDetailsView();
  const server = createServerEngine(config.apiUrl);

  let mode: Mode = 'browser';
  let browser: BrowserEngine | undefined;
  let browserInfo: RunnerInfo | undefined;
  let browserFailure: string | undefined;
  let file: File | undefined;
  let outcome: PortraitOutcome | undefined;
  let runToken = 0;
  let finishedRuns = 0;
  let dirty = false;

  const setState = (state: AppState) => {
    app.dataset.state = state;
    app.dataset.mode = mode;
    processButton.disabled = !file || state === 'processing';
    processButton.textContent = state === 'processing' ? 'Working…' : outcome && dirty ? 'Apply changes' : 'Make portrait';
  };

  const showBrowserStatus = () => {
    if (mode === 'server') return backendView.show('Server', 'this site’s Facecraft server');
    if (browserInfo) {
      const where = browserInfo.inWorker ? 'in a worker' : 'on the page';
      const threads = browserInfo.device === 'wasm' ? ` · ${browserInfo.wasmThreads} thread${browserInfo.wasmThreads === 1 ? '' : 's'}` : '';
      return backendView.show(browserEngineKind([browserInfo.device]), `in this browser, ${where}${threads}`);
    }
    const expected = options.read().device === 'wasm' || !config.capabilities.webgpu ? 'WASM' : 'WebGPU';
    backendView.show(expected, 'loading models…', 'pending');
  };

  const fallBackToServer = (reason: string) => {
    browserFailure = reason;
    mode = 'server';
    modeSwitch.checked = true;
    notice.show(`In-browser processing is not available here (${reason}). Photos are sent to this site’s server instead.`);
    modelProgress.failed(reason);
    showBrowserStatus();
    setState((app.dataset.state as AppState) === 'starting' ? 'idle' : (app.dataset.state as AppState));
  };

  const startBrowser = (device: WebDevice) => {
    browser?.dispose();
    browserInfo = undefined;
    browserFailure = undefined;
    if (!config.capabilities.wasm) {
      fallBackToServer('this browser runs neither WebGPU nor WebAssembly SIMD');
      return;
    }
    modelProgress.reset('Loading models');
    const { segmentationVariant } = options.read();
    const runnerConfig = { modelsUrl: config.modelsUrl, wasmPaths: config.wasmPaths, device, ...(segmentationVariant ? { segmentationVariant } : {}) };
    const engine = createBrowserEngine(runnerConfig, (event) => modelProgress.update(event));
    browser = engine;
    showBrowserStatus();
    engine.ready.then(
      (info) => {
        if (browser !== engine) return;
        browserInfo = info;
        modelProgress.ready(info);
        app.dataset.models = 'ready';
        // No WebGPU adapter is the normal case on many machines: the runtime card says it; a model moved to WASM is news.
        if (info.notice && info.failures.some((f) => f.model !== undefined)) notice.show(info.notice);
        showBrowserStatus();
        details.runtime(browserEngineKind([info.device]), info, info.runtimes);
      },
      (error: unknown) => {
        if (browser !== engine) return;
        app.dataset.models = 'failed';
        fallBackToServer(error instanceof Error ? error.message : String(error));
      },
    );
  };

  const options = bindOptionsForm(
    () => {
      dirty = true;
      setState(app.dataset.state as AppState);
    },
    (device) => {
      if (mode === 'browser') startBrowser(device);
    },
  );

  const onEvent = (event: EngineEvent) => stages.update(event);

  const render = async (result: PortraitOutcome) => {
    outcome = result;
    dirty = false;
    await resultView.show(result, file?.name ?? 'photo', jpegToggle.checked);
    resultView.overlay(result, overlayToggle.checked);
    photoView.overlay(result, overlayToggle.checked);
    stages.finish(result.timings);
    details.show(result);
    details.runtime(result.engine, result.engine === 'Server' ? undefined : browserInfo, result.runtimes);
    const detail =
      result.engine === 'Server'
        ? 'made by this site’s server'
        : `made in this browser${browserInfo?.inWorker ? ', in a worker' : ''}${result.runtimes.some((r) => r.device === 'wasm') && result.engine === 'WebGPU' ? ' (some models on WASM)' : ''}`;
    backendView.show(result.engine, detail);
    // For scripts (the browser benchmark): the last run's numbers, without scraping the page.
    (globalThis as { facecraftPlayground?: unknown }).facecraftPlayground = {
      engine: result.engine,
      timings: result.timings,
      totalMs: result.totalMs,
      runtimes: result.runtimes,
      models: browserInfo,
    };
  };

  const run = async () => {
    if (!file) {
      errors.show('no_file', '');
      return;
    }
    const token = ++runToken;
    const photo = file;
    const choice = options.read();
    errors.clear();
    resultView.clear();
    outcome = undefined;
    photoView.overlay(undefined, false);
    setState('processing');

    let engine: PortraitEngine = server;
    if (mode === 'browser' && browser) {
      resultView.busy(browserInfo ? 'Making the portrait…' : 'Waiting for the models…');
      try {
        await browser.ready;
        engine = browser;
      } catch {
        engine = server; // fallBackToServer has switched the mode and said why
      }
    }
    if (token !== runToken) return;
    stages.start(engine === server ? SERVER_STAGES : expectedStages(choice.options));
    resultView.busy(engine === server ? 'Processing on the server…' : 'Making the portrait…');
    // Where the work happens: while it is this machine's, the page holds its animations still (styles.css).
    app.dataset.computing = engine === server ? 'server' : 'browser';
    try {
      let result: PortraitOutcome;
      try {
        result = await engine.process(photo, choice.options, onEvent);
      } catch (error) {
        const code = error instanceof PlaygroundError ? error.code : 'internal_error';
        // A crash of the in-browser engine (not a verdict on the photo) gets a second chance on the server.
        if (engine === server || USER_ERROR_CODES.has(code) || token !== runToken) throw error;
        notice.show(`In-browser processing failed (${(error as Error).message}); this photo was sent to the server instead.`);
        stages.start(SERVER_STAGES);
        app.dataset.computing = 'server';
        result = await server.process(photo, choice.options, onEvent);
      }
      if (token !== runToken) return;
      await render(result);
      setState('done');
    } catch (error) {
      if (token !== runToken) return;
      stages.stop();
      const code = error instanceof PlaygroundError ? error.code : 'internal_error';
      errors.show(code, error instanceof Error ? error.message : String(error));
      setState('error');
    } finally {
      if (token === runToken) {
        resultView.busy(undefined);
        delete app.dataset.computing;
        // A counter tests and scripts can wait on: it moves once per finished run, success or error.
        app.dataset.runs = String(++finishedRuns);
      }
    }
  };

  const drop = bindDropZone(
    (chosen) => {
      file = chosen;
      drop.showName(`${chosen.name} · ${formatBytes(chosen.size)}`);
      void photoView.show(chosen);
      void run();
    },
    // Not a format the playground takes: said at once, and the photo shown before stays.
    (refused) => errors.show('invalid_image', `${refused.name} is ${refused.type || 'of an unknown type'}`),
  );

  processButton.addEventListener('click', () => void run());
  overlayToggle.addEventListener('change', () => {
    resultView.overlay(outcome, overlayToggle.checked);
    photoView.overlay(outcome, overlayToggle.checked);
  });
  jpegToggle.addEventListener('change', () => resultView.view(outcome, jpegToggle.checked));
  modeSwitch.addEventListener('change', () => {
    mode = modeSwitch.checked ? 'server' : 'browser';
    app.dataset.mode = mode;
    if (mode === 'server') {
      modelProgress.server();
      notice.clear();
    } else if (!browser || browserFailure) {
      notice.clear();
      startBrowser(options.read().device);
    } else if (browserInfo) modelProgress.ready(browserInfo);
    showBrowserStatus();
  });

  // Bytes of the models this browser will load (one variant each, as the backend will pick them:
  // int8 on WASM, float16 or float32 on WebGPU as the adapter has 'shader-f16' or not, or the
  // `?variant=` one), so the bar shows "x of 47 MB" from the first byte on.
  void fetch(new URL('manifest.json', config.modelsUrl), { cache: 'no-cache' })
    .then((r) => (r.ok ? r.json() : undefined))
    .then((json: unknown) => {
      if (json === undefined) return;
      const { device, segmentationVariant } = options.read();
      const onWebGpu = device !== 'wasm' && config.capabilities.webgpu;
      const preference = variantPreferenceFor(onWebGpu ? 'webgpu' : 'wasm', config.capabilities.webgpuF16);
      const chosen = selectPortraitModels(parseModelManifest(json), preference, segmentationVariant ? { segmentationVariant } : {});
      options.restorationAvailable(chosen.restoration !== undefined);
      const total = Object.values(chosen).reduce((sum, e) => sum + (e?.bytes ?? 0), 0);
      if (total && !browserInfo && mode === 'browser') modelProgress.setTotal(total);
    })
    .catch(() => undefined);

  startBrowser(options.read().device);
  setState('idle');
}
