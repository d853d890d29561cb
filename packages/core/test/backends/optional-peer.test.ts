import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importOptionalPeer, OPTIONAL_PEERS, peerInstallCommand } from '../../src/backends/optional-peer.js';
import { RuntimeMissingError } from '../../src/errors.js';

const corePackage = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
};

describe('the optional peers', () => {
  it('are the package\'s optional peerDependencies, at the versions the error messages name', () => {
    const declared = Object.fromEntries(Object.entries(OPTIONAL_PEERS).map(([name, peer]) => [name, peer.version]));
    expect(corePackage.peerDependencies).toEqual(declared);
    for (const name of Object.keys(declared)) {
      expect(corePackage.peerDependenciesMeta[name]?.optional, name).toBe(true);
      expect(corePackage.dependencies[name], `${name} must not also be a dependency`).toBeUndefined();
    }
  });

  it('turns a package that is not installed into a RuntimeMissingError naming it and its install command', async () => {
    // A real failed resolution: the same error Node gives when node_modules lacks the package.
    const missing = pathToFileURL(path.join(import.meta.dirname, 'no-such-folder/node_modules/onnx-proto/index.js')).href;
    const error = await importOptionalPeer('onnx-proto', () => import(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeMissingError);
    expect(error).toMatchObject({ code: 'runtime_missing', details: { package: 'onnx-proto' } });
    expect((error as Error).message).toContain('npm install onnx-proto@8.0.1');
  });

  it('lets any other failure through unchanged (a package that is there but broken is not "missing")', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(importOptionalPeer('sharp', () => Promise.reject(broken))).rejects.toBe(broken);
  });

  it('tells to skip onnxruntime-node\'s CUDA download, which needs outside access', () => {
    expect(peerInstallCommand('onnxruntime-node')).toMatch(/^ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1\.30\.0/);
    expect(peerInstallCommand('sharp')).toBe('npm install sharp@0.35.5');
  });
});
