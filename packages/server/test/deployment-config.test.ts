// The Dockerfiles and the compose file only set variables the server knows, under their real names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config.js';
import { repoRoot } from './support/server-harness.js';

const known = new Set(CONFIG_VARIABLES.map((v) => v.name));

/** FACECRAFT_* names a file sets: Dockerfile `ENV NAME=`, compose `NAME:` (commented examples included). */
function variablesSetIn(file: string): string[] {
  const text = readFileSync(path.join(repoRoot, file), 'utf8');
  const names = new Set<string>();
  for (const match of text.matchAll(/^[\s#]*(?:ENV\s+)?(FACECRAFT_[A-Z0-9_]+)\s*[=:]/gm)) names.add(match[1]);
  return [...names];
}

describe('deployment files', () => {
  it.each(['Dockerfile.cpu', 'Dockerfile.gpu', 'docker-compose.yml'])('%s sets only real FACECRAFT_* variables', (file) => {
    const names = variablesSetIn(file);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name) => !known.has(name))).toEqual([]);
  });
});
