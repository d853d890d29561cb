import { importOptionalPeer } from '../backends/optional-peer.js';

export type SharpFactory = (typeof import('sharp'))['default'];
let sharpModule: Promise<SharpFactory> | undefined;

/**
 * sharp, an optional peer of the library: imported on first use, so that @facecraft/core/node
 * loads without it and its absence is a RuntimeMissingError naming the package.
 */
export function loadSharp(): Promise<SharpFactory> {
  if (sharpModule) return sharpModule;
  const loading = importOptionalPeer('sharp', () => import('sharp')).then((module) => module.default);
  // A failed import is not kept: sharp may be installed later in the same process.
  loading.catch(() => {
    if (sharpModule === loading) sharpModule = undefined;
  });
  sharpModule = loading;
  return loading;
}
