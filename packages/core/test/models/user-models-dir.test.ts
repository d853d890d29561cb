import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { userModelsDir } from '../../src/models/user-models-dir.js';

describe('userModelsDir', () => {
  it('takes $FACECRAFT_MODELS_DIR first, relative to the working folder', () => {
    expect(userModelsDir({ FACECRAFT_MODELS_DIR: 'my-models', XDG_CACHE_HOME: '/x' }, '/work', 'linux', '/home/ann')).toBe(path.resolve('/work', 'my-models'));
  });

  it('is the user cache folder otherwise: $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(userModelsDir({ XDG_CACHE_HOME: '/var/cache/ann' }, '/work', 'linux', '/home/ann')).toBe('/var/cache/ann/facecraft/models');
    expect(userModelsDir({ FACECRAFT_MODELS_DIR: '  ' }, '/work', 'linux', '/home/ann')).toBe('/home/ann/.cache/facecraft/models');
    expect(userModelsDir({}, '/work', 'darwin', '/Users/ann')).toBe('/Users/ann/.cache/facecraft/models');
  });

  it('uses %LOCALAPPDATA% on Windows', () => {
    expect(userModelsDir({ LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, 'C:\\work', 'win32', 'C:\\Users\\ann')).toBe(path.join('C:\\Users\\ann\\AppData\\Local', 'facecraft', 'models'));
  });
});
