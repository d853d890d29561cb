import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { startServer } from '../start-server.js';
import { stopOnSignals } from './stop-on-signals.js';
import { hugePageAdvice, hugePageMalloc } from '../huge-page-malloc.js';

const HELP = `Usage: facecraft serve [--host H] [--port P]

Runs the HTTP service: the API under /api/v1, docs at /docs, the playground at /playground.
Every setting is a FACECRAFT_* environment variable (see the README); --host and --port
override FACECRAFT_HOST and FACECRAFT_PORT. SIGTERM or SIGINT stops it gracefully: new work is
refused, requests in flight finish, then it exits 0.
`;

/** `facecraft serve`: returns the exit code once the server has stopped (or failed to start). */
export async function runServeCommand(argv: readonly string[]): Promise<number> {
  let values: { host?: string; port?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { host: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (error) {
    console.error(`facecraft serve: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
      console.error(`facecraft serve: --port expects an integer from 0 to 65535 but received "${values.port}"`);
      return 2;
    }
  }

  // FACECRAFT_ROLE=worker has no HTTP side: `serve` runs it as `facecraft worker` would.
  if (process.env.FACECRAFT_ROLE?.trim().toLowerCase() === 'worker') {
    const { runWorkerCommand } = await import('./worker-command.js');
    return runWorkerCommand([]);
  }
  let server;
  try {
    server = await startServer({ ...(values.host !== undefined ? { host: values.host } : {}), ...(port !== undefined ? { port } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) console.error(`facecraft serve: ${error.message}`);
    else console.error(`facecraft serve: could not start: ${(error as Error).message}`);
    return 1;
  }
  console.error(`facecraft: listening on ${server.url} (docs at ${server.url}/docs); loading models on ${server.config.workers} worker(s)…`);
  const advice = hugePageAdvice(hugePageMalloc());
  if (advice) console.error(`facecraft: ${advice}`);
  server.ready.then(
    () => {
      const info = server.runtime();
      console.error(`facecraft: ready on ${info?.device ?? 'unknown device'} (${info?.backend ?? 'unknown backend'})`);
      // A device fallback is in the server's own log (start-server.ts), at the level it deserves.
    },
    () => {
      // Logged by the server; /ready stays 503 and the process keeps serving /health and /status.
    },
  );

  return stopOnSignals(() => server.close(), 'finishing requests in flight');
}
