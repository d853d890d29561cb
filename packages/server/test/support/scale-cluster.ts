import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { binPath } from './server-harness.js';

/** `facecraft worker` in a child process; `taking` resolves once it takes jobs. */
export interface ChildWorker {
  readonly proc: ChildProcess;
  readonly taking: Promise<void>;
  readonly exited: Promise<number | null>;
  output(): string;
  /** Job ids whose completion the queue accepted from this worker. */
  done(): string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function startChildWorker(env: Record<string, string | undefined>, timeoutMs = 120_000): ChildWorker {
  const proc = spawn(process.execPath, [binPath, 'worker'], { env: { ...env, FACECRAFT_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const taking = (async () => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes('"msg":"queue worker taking jobs"')) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`worker exited before taking jobs:\n${output}`);
      if (Date.now() > deadline) throw new Error(`worker not taking jobs within ${timeoutMs} ms:\n${output}`);
      await sleep(100);
    }
  })();
  const logged = (msg: string) =>
    output
      .split('\n')
      .filter((line) => line.includes(`"msg":"${msg}"`))
      .map((line) => (JSON.parse(line) as { job_id: string }).job_id);
  return {
    proc,
    taking,
    exited,
    output: () => output,
    done: () => logged('job completed'),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface JobBody {
  readonly job_id: string;
  readonly state: 'waiting' | 'active' | 'completed' | 'failed';
  readonly progress: number;
  readonly attempts: number;
  readonly png_url?: string;
  readonly jpg_url?: string;
  readonly result?: Record<string, unknown>;
  readonly error?: { code: string; message: string; retryable: boolean };
}

/** POST /api/v1/jobs with one photo; returns the HTTP answer (202 with a job id, or an error). */
export async function postJob(apiUrl: string, photo: Buffer, fields: Record<string, string> = {}): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
  return fetch(`${apiUrl}/api/v1/jobs`, { method: 'POST', body: form });
}

export async function jobStatus(apiUrl: string, id: string): Promise<{ status: number; body: JobBody }> {
  const res = await fetch(`${apiUrl}/api/v1/jobs/${id}`);
  return { status: res.status, body: (await res.json()) as JobBody };
}

/**
 * Polls GET /jobs/{id} until the job has completed or failed. A 503 (the queue unreachable
 * for a moment) is waited out, as a client following Retry-After would.
 */
export async function waitForJob(apiUrl: string, id: string, timeoutMs: number, seen?: (body: JobBody) => void, maxIntervalMs = 1000): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  // Backing off: a hundred jobs polled every 100 ms would load a 2-core machine by themselves.
  let interval = 100;
  for (;;) {
    const answer = await jobStatus(apiUrl, id).catch(() => undefined);
    if (answer && answer.status !== 503) {
      if (answer.status !== 200) throw new Error(`GET /jobs/${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
      seen?.(answer.body);
      if (answer.body.state === 'completed' || answer.body.state === 'failed') return answer.body;
    }
    if (Date.now() > deadline) throw new Error(`job ${id} not finished within ${timeoutMs} ms (last: ${JSON.stringify(answer?.body)})`);
    await sleep(interval);
    interval = Math.min(maxIntervalMs, interval * 2);
  }
}
