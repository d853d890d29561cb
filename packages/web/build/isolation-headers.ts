/**
 * The headers @facecraft/server sends for everything under /playground: cross-origin isolation
 * (so onnxruntime-web may use WASM threads) and a resource policy that keeps it same-origin.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});
