#!/usr/bin/env node
// @ts-check
// Ships the clone's model assembler with the package: models/lib and models/transforms (the
// scripts), models/manifest.json and models/calibration (the int8 ISNet's calibration photos)
// are copied into dist/assembly, where installModels() of @facecraft/core/node loads them. One
// assembler, models/lib/assemble.mjs, serves `pnpm models` and library and CLI users alike.
//
//   node scripts/bundle-assembly.mjs               fails when the clone's models/ is missing (prepack)
//   node scripts/bundle-assembly.mjs --if-present  skips then (the Docker build stage has no models/)
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelsDir = path.resolve(packageDir, '../../models');
const target = path.join(packageDir, 'dist/assembly');
const PARTS = ['manifest.json', 'lib', 'transforms', 'calibration'];

if (!existsSync(path.join(modelsDir, 'lib/assemble.mjs'))) {
  if (process.argv.includes('--if-present')) {
    console.log(`bundle-assembly: no ${modelsDir}; dist/assembly not written (installModels will say so)`);
    process.exit(0);
  }
  console.error(`bundle-assembly: ${modelsDir}/lib/assemble.mjs is missing; pack the core from a clone`);
  process.exit(1);
}
await rm(target, { recursive: true, force: true });
for (const part of PARTS) {
  // Scripts only from lib/ and transforms/ (no editor or test leftovers).
  await cp(path.join(modelsDir, part), path.join(target, part), {
    recursive: true,
    filter: (source) => !/\.(test|spec)\.|~$/.test(source),
  });
}
