import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, startDaemon, waitUntil, type Daemon } from './local-services.js';

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  /** Stops Redis (its data is kept on disk: append-only file) and starts it again on the same port. */
  restart(downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Answers PING with +PONG: Redis is up and serving. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Debian's redis-server on 127.0.0.1 and a free port, persisting with an fsync'd append-only file
 * (as a production queue should), so a restart keeps the queue.
 */
export async function startRedis(): Promise<LocalRedis> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'facecraft-redis-'));
  const port = await freePort();
  let daemon: Daemon;
  const start = async () => {
    daemon = startDaemon('redis-server', 'redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--protected-mode', 'no', '--maxmemory-policy', 'noeviction']);
    await waitUntil(() => pings(port), 15_000, () => `redis-server did not answer on ${port}: ${daemon.output()}`);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async restart(downMs = 1000) {
      await daemon.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    async stop() {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
