import os from 'node:os';
import path from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The per-user models folder: where `facecraft models` / installModels() assemble the models and
 * where the library and an installed CLI look for them. `$FACECRAFT_MODELS_DIR` (relative to
 * `cwd`) wins; else the user's cache folder: `$XDG_CACHE_HOME/facecraft/models`, by default
 * `~/.cache/facecraft/models` (`%LOCALAPPDATA%\facecraft\models` on Windows). A cache, because
 * everything in it can be assembled again from the pinned npm packages.
 */
export function userModelsDir(env: Env = process.env, cwd = process.cwd(), platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  const given = env.FACECRAFT_MODELS_DIR?.trim();
  if (given) return path.resolve(cwd, given);
  const cacheRoot =
    env.XDG_CACHE_HOME?.trim() ||
    (platform === 'win32' ? env.LOCALAPPDATA?.trim() || path.join(home, 'AppData', 'Local') : path.join(home, '.cache'));
  return path.join(cacheRoot, 'facecraft', 'models');
}
