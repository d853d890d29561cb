import { parseModelManifest, type ModelManifest } from './model-manifest.js';
import type { ModelSource } from './model-source.js';

export interface FetchModelSourceOptions {
  /** Name of the Cache Storage cache; models are cached under their sha256 so a new version is a new entry. */
  cacheName?: string;
  fetch?: typeof fetch;
}

async function readWithProgress(response: Response, total: number, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const out = new Uint8Array(total);
  let loaded = 0;
  const extra: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length <= total) out.set(value, loaded);
    else extra.push(value);
    loaded += value.length;
    onProgress?.(Math.min(loaded, total), total);
  }
  if (loaded === total) return out;
  // Size differs from the manifest: return what came, and let the sha256 check refuse it.
  const all = new Uint8Array(loaded);
  all.set(out.subarray(0, Math.min(loaded, total)));
  let offset = Math.min(loaded, total);
  for (const chunk of extra) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return all;
}

/**
 * Models served over HTTP from `baseUrl` (the playground's own copy, same origin), with Cache
 * Storage in front: a second visit reads them from the cache and downloads nothing. Concurrent
 * reads of one file share a promise; a failed read is not cached.
 */
export function createFetchModelSource(baseUrl: string, options: FetchModelSourceOptions = {}): ModelSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const cacheName = options.cacheName ?? 'facecraft-models-v1';
  const pending = new Map<string, Promise<Uint8Array>>();
  let manifest: Promise<ModelManifest> | undefined;

  const openCache = async (): Promise<Cache | undefined> => {
    try {
      return globalThis.caches ? await globalThis.caches.open(cacheName) : undefined;
    } catch {
      return undefined; // e.g. an insecure context: work without a cache
    }
  };

  return {
    description: base,
    manifest() {
      manifest ??= doFetch(new URL('manifest.json', new URL(base, globalThis.location?.href)).href, { cache: 'no-cache' })
        .then(async (response) => {
          if (!response.ok) throw new Error(`GET manifest.json: HTTP ${response.status}`);
          return parseModelManifest(await response.json());
        })
        .catch((error: unknown) => {
          manifest = undefined;
          throw error;
        });
      return manifest;
    },
    read(entry, onProgress) {
      const key = entry.sha256;
      const existing = pending.get(key);
      if (existing) return existing;
      const url = new URL(entry.file, new URL(base, globalThis.location?.href)).href;
      const cacheKey = `${url}?sha256=${entry.sha256}`;
      const work = (async () => {
        const cache = await openCache();
        const cached = await cache?.match(cacheKey);
        if (cached) {
          const bytes = new Uint8Array(await cached.arrayBuffer());
          onProgress?.(bytes.length, entry.bytes);
          return bytes;
        }
        const response = await doFetch(url);
        if (!response.ok) throw new Error(`GET ${entry.file}: HTTP ${response.status}`);
        const bytes = await readWithProgress(response, entry.bytes, onProgress);
        if (bytes.length === entry.bytes) {
          await cache?.put(cacheKey, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
        }
        return bytes;
      })();
      pending.set(key, work);
      work.catch(() => pending.delete(key));
      return work;
    },
  };
}
