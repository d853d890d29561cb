import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This package's folder (dist/models-dir.js or src/models-dir.ts → the package root). */
const SERVER_PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the models are looked for when FACECRAFT_MODELS_DIR is unset, in order: the images'
 * folder, then the clone's `models/` (where `pnpm models` assembles them, beside packages/).
 */
export const MODELS_DIR_CANDIDATES: readonly string[] = Object.freeze(['/app/models', path.resolve(SERVER_PACKAGE_DIR, '../../models')]);

/**
 * `$FACECRAFT_MODELS_DIR` (relative to `cwd`), else the first candidate that holds a
 * manifest.json, else the first candidate (so the error names where the images keep them).
 */
export function defaultModelsDir(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  const given = env.FACECRAFT_MODELS_DIR?.trim();
  if (given) return path.resolve(cwd, given);
  return MODELS_DIR_CANDIDATES.find((dir) => existsSync(path.join(dir, 'manifest.json'))) ?? MODELS_DIR_CANDIDATES[0];
}
