import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as io from '../../src/io/index.js';

const ioDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/io');
const NODE_ONLY = new Set(['sharp', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Every module reachable from `entry` by static or dynamic imports, and every bare specifier it names. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|import\s+'([^']+)'/g)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(resolve(ioDir, entry));
  return { files, packages };
}

/** Source text without comments, to look for Node globals. */
const code = (file: string) => readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

describe('platform boundaries of src/io', () => {
  it('index.ts reaches neither sharp, nor Node built-ins, nor either platform codec', () => {
    const { files, packages } = importGraph('index.ts');
    expect([...packages].filter((p) => NODE_ONLY.has(p))).toEqual([]);
    expect([...files].map((f) => f.slice(ioDir.length + 1))).not.toContain('node-codec.ts');
    expect([...files].map((f) => f.slice(ioDir.length + 1))).not.toContain('web-codec.ts');
    for (const file of files) expect(code(file), file).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
  });

  it('web-codec.ts stays browser-safe', () => {
    const { files, packages } = importGraph('web-codec.ts');
    // fflate: zlib in plain JavaScript, for the PNG writer.
    expect([...packages]).toEqual(['fflate']);
    for (const file of files) expect(code(file), file).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(/);
  });

  it('node-codec.ts is the only io module that imports sharp (and node:zlib, through its PNG writer)', () => {
    const { files, packages } = importGraph('node-codec.ts');
    expect([...packages].sort()).toEqual(['node:zlib', 'sharp']);
    expect([...files].map((f) => f.slice(ioDir.length + 1))).toContain('node-png.ts');
  });

  it('index.ts exports the platform-free API', () => {
    for (const name of [
      'sniffImageFormat', 'readImageHeader', 'assertPixelLimit', 'readExifOrientation', 'orientationFromExif',
      'applyOrientation', 'decodeBmp', 'decodeImage', 'encodeJpegUnder',
    ]) {
      expect(typeof (io as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(io).not.toHaveProperty('createSharpCodec');
    expect(io).not.toHaveProperty('createCanvasCodec');
  });
});
