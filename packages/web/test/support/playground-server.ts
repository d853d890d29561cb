import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@facecraft/server';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDir = path.resolve(here, '../..');
export const repoRoot = path.resolve(webDir, '../..');
export const distDir = path.join(webDir, 'dist');
export const modelsDir = path.join(repoRoot, 'models');
export const fixturesDir = path.join(repoRoot, 'packages/core/test/fixtures');

export interface PlaygroundServer {
  /** The origin, e.g. http://127.0.0.1:40123 */
  readonly origin: string;
  /** The playground page: `${origin}/playground/` */
  readonly playgroundUrl: string;
  close(): Promise<void>;
}

export interface PlaygroundServerOptions {
  /** More FACECRAFT_* settings, e.g. FACECRAFT_SEGMENTATION_VARIANT for a same-variant parity check. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The playground as users get it: @facecraft/server serving packages/web/dist and the models
 * (COOP/COEP headers, the API on the same origin), with the real models.
 */
export async function startPlaygroundServer(options: PlaygroundServerOptions = {}): Promise<PlaygroundServer> {
  if (!existsSync(path.join(distDir, 'index.html'))) throw new Error(`${distDir} has no index.html: run \`pnpm --filter @facecraft/web build\` first`);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'facecraft-web-test-'));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    env: {
      ...process.env,
      FACECRAFT_PLAYGROUND_DIR: distDir,
      FACECRAFT_MODELS_DIR: modelsDir,
      FACECRAFT_UPLOAD_DIR: path.join(scratch, 'uploads'),
      FACECRAFT_OUTPUT_DIR: path.join(scratch, 'processed'),
      FACECRAFT_LOG_LEVEL: process.env.FACECRAFT_LOG_LEVEL ?? 'warn',
      FACECRAFT_WORKERS: process.env.FACECRAFT_WORKERS ?? '1',
      ...options.env,
    },
  });
  await server.ready;
  const origin = new URL(server.url).origin;
  return {
    origin,
    playgroundUrl: `${origin}/playground/`,
    async close() {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** The server's PNG of a photo, with the default options (those the playground starts with). */
export async function processOnServer(origin: string, file: string): Promise<Uint8Array> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(file)]), path.basename(file));
  const response = await fetch(`${origin}/api/v1/process`, { method: 'POST', body: form });
  if (!response.ok) throw new Error(`POST /api/v1/process for ${path.basename(file)}: HTTP ${response.status} ${await response.text()}`);
  const result = (await response.json()) as { png_url: string };
  return new Uint8Array(await (await fetch(`${origin}${result.png_url}`)).arrayBuffer());
}
