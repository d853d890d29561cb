import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** 'server': @facecraft/server's startServer (the API works); 'preview': vite preview (no API). */
  readonly kind: 'server' | 'preview';
  close(): Promise<void>;
}

interface StartedServer {
  readonly url: string;
  readonly ready: Promise<void>;
  close(): Promise<void> | void;
}
type StartServer = (options: { env?: Record<string, string | undefined>; host?: string; port?: number }) => StartedServer | Promise<StartedServer>;

async function loadStartServer(): Promise<StartServer | undefined> {
  try {
    const mod = (await import('@facecraft/server')) as { startServer?: StartServer };
    return typeof mod.startServer === 'function' ? mod.startServer : undefined;
  } catch {
    return undefined;
  }
}

/** True when @facecraft/server can be started in-process (server-mode tests need it). */
export async function serverAvailable(): Promise<boolean> {
  return (await loadStartServer()) !== undefined;
}

/**
 * The playground as users get it: @facecraft/server serving packages/web/dist and the models
 * (COOP/COEP headers, API on the same origin). Before the server package exists, `vite preview`
 * with the same headers stands in (browser-only tests still run; server-mode tests skip).
 */
export async function startPlaygroundServer(): Promise<PlaygroundServer> {
  if (!existsSync(path.join(distDir, 'index.html'))) throw new Error(`${distDir} has no index.html: run \`pnpm --filter @facecraft/web build\` first`);
  const startServer = await loadStartServer();
  if (startServer) {
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
      },
    });
    await server.ready;
    const origin = new URL(server.url).origin;
    return {
      origin,
      playgroundUrl: `${origin}/playground/`,
      kind: 'server',
      async close() {
        await server.close();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  }
  const { preview } = await import('vite');
  const server = await preview({ root: webDir, configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    playgroundUrl: `${origin}/playground/`,
    kind: 'preview',
    close: () => server.close(),
  };
}
