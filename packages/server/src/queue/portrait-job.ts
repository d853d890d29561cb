import type { GuardedImage, PortraitOptionsInput } from '@facecraft/core';
import { singleResponse, withoutBase64 } from '../routes/portrait-response.js';
import type { ResultStore } from '../store/result-store.js';
import type { PortraitJobResult } from '../workers/worker-pool.js';
import type { PortraitJobOutcome } from './job-queue.js';

/** One image on an inference worker: the local pool, or PortraitService's admission around it. */
export type RunPortrait = (image: Uint8Array | GuardedImage, options: PortraitOptionsInput) => Promise<PortraitJobResult>;

/**
 * What every queue does with one job, wherever it runs: make the portrait, store its PNG, JPEG
 * and result.json under the job's fixed keys (a retry overwrites them), and hand back the
 * report. The same result.json as the synchronous POST /process answer, without base64 images.
 */
export async function makeAndStorePortrait(
  deps: { readonly run: RunPortrait; readonly store: ResultStore },
  id: string,
  image: Uint8Array | GuardedImage,
  options: PortraitOptionsInput,
  progress: (percent: number) => Promise<void> | void,
): Promise<PortraitJobOutcome> {
  const started = performance.now();
  await progress(20);
  const job = await deps.run(image, options);
  await progress(90);
  const body = singleResponse(id, job, started, false);
  await deps.store.saveSingle(id, { png: job.png, jpeg: job.jpeg, result: withoutBase64(body) });
  await progress(100);
  return { report: job.report, ms: job.ms };
}
