import { RuntimeMissingError } from '../errors.js';

/**
 * The platform packages are optional peer dependencies of @facecraft/core, so that a browser
 * user never installs onnxruntime-node or sharp and a Node user never installs onnxruntime-web
 * (nor onnx-proto, unless they assemble models with installModels()).
 * Their versions here must equal packages/core/package.json's peerDependencies (a test checks).
 */
export const OPTIONAL_PEERS = {
  'onnxruntime-node': { version: '1.30.0', neededBy: '@facecraft/core/node (inference)' },
  sharp: { version: '0.35.5', neededBy: '@facecraft/core/node (image decoding and encoding)' },
  'onnxruntime-web': { version: '1.30.0', neededBy: '@facecraft/core/web (inference)' },
  'onnx-proto': { version: '8.0.1', neededBy: 'installModels() of @facecraft/core/node (model assembly)' },
} as const;

export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/** The command that installs a peer; onnxruntime-node's own script downloads CUDA files unless told not to. */
export function peerInstallCommand(name: OptionalPeer): string {
  const install = `npm install ${name}@${OPTIONAL_PEERS[name].version}`;
  return name === 'onnxruntime-node' ? `ONNXRUNTIME_NODE_INSTALL=skip ${install} (drop the variable to get the CUDA provider)` : install;
}

/** Whether an import failed because `name` itself is not installed (not because it failed to load). */
function isMissing(error: unknown, name: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`"${name}"`) || message.includes(`/${name}/`));
}

/**
 * Imports an optional peer. `load` is a literal dynamic import of the package, so that bundlers still see it;
 * a missing package becomes a RuntimeMissingError naming it and its install command.
 */
export async function importOptionalPeer<T>(name: OptionalPeer, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    throw new RuntimeMissingError(
      `${OPTIONAL_PEERS[name].neededBy} needs the package ${name}, which is not installed. Install it next to @facecraft/core: ${peerInstallCommand(name)}`,
      { package: name },
      { cause: error },
    );
  }
}
