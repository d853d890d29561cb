import { optionsToFormEntries, type PortraitOptionsInput } from '@facecraft/core';
import { PlaygroundError, type EngineEvent, type PortraitEngine, type PortraitOutcome } from './engine-types.js';
import { postWithUploadProgress } from './post-with-upload-progress.js';
import { readServerResponse } from './server-response.js';

/** The multipart form of POST /api/v1/process: the file, and each option under its field name from the core's option table. */
export function serverFormData(photo: Blob, fileName: string, options: PortraitOptionsInput): FormData {
  const form = new FormData();
  form.append('file', photo, fileName);
  for (const [field, value] of optionsToFormEntries(options)) form.append(field, value);
  form.append('return_base64', 'false');
  return form;
}

function fromBase64(data: string, type: string): Blob {
  const binary = atob(data.replace(/^data:[^,]*,/, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

async function download(url: string, type: string): Promise<Blob> {
  const response = await fetch(new URL(url, location.href), { cache: 'no-store' });
  if (!response.ok) throw new PlaygroundError('download_failed', `Could not download the result (${url}): HTTP ${response.status}`);
  const blob = await response.blob();
  return blob.type === type ? blob : new Blob([blob], { type });
}

/** Sends the photo to @facecraft/server on this origin and fetches the PNG/JPEG it made. */
export function createServerEngine(apiUrl: string): PortraitEngine {
  return {
    async process(photo: Blob, options: PortraitOptionsInput, onEvent: (event: EngineEvent) => void): Promise<PortraitOutcome> {
      const started = performance.now();
      const name = photo instanceof File ? photo.name : 'photo';
      onEvent({ type: 'stage', stage: 'upload', phase: 'start' });
      const { status, body } = await postWithUploadProgress(new URL('process', apiUrl), serverFormData(photo, name, options), {
        onProgress: (loaded, total) => onEvent({ type: 'upload', loaded, total }),
        onSent: () => {
          onEvent({ type: 'stage', stage: 'upload', phase: 'end' });
          onEvent({ type: 'stage', stage: 'server', phase: 'start' });
        },
      });
      if (status < 200 || status >= 300) {
        const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
        throw new PlaygroundError(err?.code ?? `http_${status}`, err?.message ?? `The server answered HTTP ${status}`);
      }
      const summary = readServerResponse(body);
      const [png, jpeg] = await Promise.all([
        summary.pngBase64 ? fromBase64(summary.pngBase64, 'image/png') : summary.pngUrl ? download(summary.pngUrl, 'image/png') : undefined,
        summary.jpgBase64 ? fromBase64(summary.jpgBase64, 'image/jpeg') : summary.jpgUrl ? download(summary.jpgUrl, 'image/jpeg') : undefined,
      ]);
      if (!png || !jpeg) throw new PlaygroundError('bad_response', 'The server answered without the images');
      onEvent({ type: 'stage', stage: 'server', phase: 'end' });
      return {
        engine: 'Server',
        png,
        jpeg,
        width: summary.width ?? options.width ?? 0,
        height: summary.height ?? options.height ?? 0,
        faces: summary.faces,
        subjectIndex: summary.subjectIndex,
        landmarks: summary.landmarks,
        window: summary.window,
        metrics: summary.metrics,
        timings: summary.timings,
        totalMs: performance.now() - started,
        runtimes: summary.runtimes,
        jpegQuality: summary.jpegQuality,
        jpegFits: summary.jpegFits,
        warnings: summary.warnings,
        report: body,
      };
    },
  };
}
