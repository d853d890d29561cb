import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const fixturesDir = path.resolve(modelsDir, '../packages/core/test/fixtures');

export interface ManifestEntry {
  id: string;
  file: string;
  sha256: string;
  bytes: number;
  source: Record<string, unknown> & { package: string; version: string; integrity: string };
  transform: string;
  inputs: string[];
  outputs: string[];
  inputSize: number;
}

export async function readManifest(): Promise<{ version: number; models: ManifestEntry[] }> {
  return JSON.parse(await readFile(path.join(modelsDir, 'manifest.json'), 'utf8'));
}
