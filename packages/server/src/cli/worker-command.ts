import { parseArgs } from 'node:util';
import { ConfigError } from '../config.js';
import { startWorker } from '../start-worker.js';
import { stopOnSignals } from './stop-on-signals.js';

const HELP = `Usage: facecraft worker

Runs an inference worker: loads the models on FACECRAFT_WORKERS threads and takes jobs from the
Redis queue (FACECRAFT_QUEUE=bullmq, FACECRAFT_REDIS_URL), reading inputs from and writing
results to the S3 store (FACECRAFT_STORE=s3, FACECRAFT_S3_*). No HTTP port: the API replicas
(FACECRAFT_ROLE=api facecraft serve) take the requests. Start as many as you like, on as many
machines. SIGTERM or SIGINT stops it gracefully: no new jobs, the ones in hand finish.
`;

/** `facecraft worker`: returns the exit code once the worker has stopped (or failed to start). */
export async function runWorkerCommand(argv: readonly string[]): Promise<number> {
  let values: { help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h', default: false } } }));
  } catch (error) {
    console.error(`facecraft worker: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  let worker;
  try {
    worker = await startWorker();
  } catch (error) {
    if (error instanceof ConfigError) console.error(`facecraft worker: ${error.message}`);
    else console.error(`facecraft worker: could not start: ${(error as Error).message}`);
    return 1;
  }
  console.error(`facecraft: worker loading models on ${worker.config.workers} thread(s)…`);
  worker.ready.then(
    () => console.error(`facecraft: worker ready on ${worker.runtime()?.device ?? 'unknown device'}, taking jobs`),
    () => {},
  );
  return stopOnSignals(() => worker.close(), 'finishing the jobs in hand');
}
