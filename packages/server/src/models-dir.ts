import path from 'node:path';

/** `$FACECRAFT_MODELS_DIR`, else `./models` (the repository's folder, and /app/models in the images). */
export function defaultModelsDir(): string {
  return path.resolve(process.env.FACECRAFT_MODELS_DIR ?? 'models');
}
