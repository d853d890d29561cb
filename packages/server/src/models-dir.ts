import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { userModelsDir } from '@facecraft/core/node';

/** This package's folder (dist/models-dir.js or src/models-dir.ts → the package root). */
const SERVER_PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The per-user folder `facecraft models` assembles into (FACECRAFT_MODELS_DIR is looked at first, separately). */
const USER_MODELS_DIR = userModelsDir({ ...process.env, FACECRAFT_MODELS_DIR: undefined });

/**
 * Where the models are looked for when FACECRAFT_MODELS_DIR is unset, in order: the images'
 * bundled folder, the clone's `models/` (where `pnpm models` assembles them, beside packages/),
 * then the per-user folder `facecraft models` fills (~/.cache/facecraft/models) for an installed
 * CLI. Nothing is ever downloaded at run time: the images and a clone keep their bundled models.
 */
export const MODELS_DIR_CANDIDATES: readonly string[] = Object.freeze(['/app/models', path.resolve(SERVER_PACKAGE_DIR, '../../models'), USER_MODELS_DIR]);

/**
 * `$FACECRAFT_MODELS_DIR` (relative to `cwd`), else the first candidate that holds a
 * manifest.json, else the per-user folder (so the error names where `facecraft models` puts them).
 */
export function defaultModelsDir(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): string {
  const given = env.FACECRAFT_MODELS_DIR?.trim();
  if (given) return path.resolve(cwd, given);
  return MODELS_DIR_CANDIDATES.find((dir) => existsSync(path.join(dir, 'manifest.json'))) ?? USER_MODELS_DIR;
}
