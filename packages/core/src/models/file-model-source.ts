import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelLoadError } from '../errors.js';
import { parseModelManifest, type ModelManifest } from './model-manifest.js';
import type { ModelSource } from './model-source.js';

/** Models assembled into a folder (`pnpm models`): `manifest.json` plus the files it lists. */
export function createFileModelSource(modelsDir: string): ModelSource {
  const dir = path.resolve(modelsDir);
  let manifest: Promise<ModelManifest> | undefined;
  return {
    description: dir,
    manifest() {
      manifest ??= readFile(path.join(dir, 'manifest.json'), 'utf8')
        .then((text) => parseModelManifest(JSON.parse(text)))
        .catch((error: Error) => {
          manifest = undefined; // a failed read is not cached: the folder may be fixed and retried
          // A folder without models is most often one nobody assembled yet: say how.
          const hint = (error as NodeJS.ErrnoException).code === 'ENOENT' ? '; assemble the models there with `npx facecraft models`, installModels() of @facecraft/core/node, or `pnpm models` in a clone' : '';
          throw new ModelLoadError(`Could not read the model manifest in ${dir}: ${error.message}${hint}`, undefined, { cause: error });
        });
      return manifest;
    },
    async read(entry) {
      // The manifest validated `file` as a plain name, so this cannot leave the folder.
      return new Uint8Array(await readFile(path.join(dir, entry.file)));
    },
  };
}
