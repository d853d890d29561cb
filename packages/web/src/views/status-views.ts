import { byId } from '../dom.js';
import type { EngineKind } from '../engine-types.js';
import { describeError } from '../error-messages.js';

/** The error banner: a friendly title, a hint, and the engine's own message. */
export function createErrorView() {
  const root = byId('error', HTMLDivElement);
  const title = byId('error-title', HTMLElement);
  const message = byId('error-message', HTMLParagraphElement);
  byId('error-dismiss', HTMLButtonElement).addEventListener('click', () => (root.hidden = true));
  return {
    show(code: string, detail: string) {
      const friendly = describeError(code);
      root.dataset.code = code;
      title.textContent = friendly.title;
      message.textContent = detail && detail !== friendly.title ? `${friendly.hint} (${detail})` : friendly.hint;
      root.hidden = false;
    },
    clear() {
      root.hidden = true;
      delete root.dataset.code;
    },
  };
}

/** A one-line notice under the header (fallbacks, WebGPU notes). */
export function createNoticeView() {
  const root = byId('notice', HTMLDivElement);
  return {
    show(text: string) {
      root.textContent = text;
      root.hidden = false;
    },
    clear() {
      root.hidden = true;
    },
  };
}

/** The chip naming what runs: exactly one of WebGPU, WASM, Server, with a detail line beside it. */
export function createBackendView() {
  const box = byId('backend-box', HTMLDivElement);
  const name = byId('backend', HTMLSpanElement);
  const detail = byId('backend-detail', HTMLSpanElement);
  return {
    show(kind: EngineKind | undefined, text: string, state: 'pending' | 'ready' | 'failed' = 'ready') {
      name.textContent = kind ?? '…';
      detail.textContent = text;
      box.dataset.kind = kind ?? '';
      box.dataset.state = state;
    },
  };
}
