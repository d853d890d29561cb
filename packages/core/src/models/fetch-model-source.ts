import { parseModelManifest, type ModelEntry, type ModelManifest } from './model-manifest.js';
import { modelBytesProblem, type ModelSource } from './model-source.js';

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
 * Storage in front: a second visit reads them from the cache and downloads nothing.
 *
 * Only verified bytes are cached: a download is put into Cache Storage after its size and sha256
 * match the manifest, never before, so a corrupt or truncated download fails this visit only (the
 * bytes are returned and readVerifiedModel refuses them) and the next read downloads again. A
 * cached entry that fails the same check (written by an older version, or damaged on disk) is
 * deleted and the file downloaded once more. While Cache Storage is there, downloads bypass the
 * HTTP cache (`no-store`): the model files are served as immutable, so a bad copy there would
 * come back on every visit, and a good one would be a second copy on disk.
 *
 * Concurrent reads of one file share a promise; a failed or unverified read is not kept.
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

  /** The cached copy if it is the model; a copy that is not is deleted. */
  const readCached = async (cache: Cache, cacheKey: string, entry: ModelEntry): Promise<Uint8Array | undefined> => {
    let bytes: Uint8Array;
    try {
      const cached = await cache.match(cacheKey);
      if (!cached) return undefined;
      bytes = new Uint8Array(await cached.arrayBuffer());
    } catch {
      bytes = new Uint8Array(0); // unreadable: as bad as a wrong one
    }
    if ((await modelBytesProblem(entry, bytes)) === undefined) return bytes;
    await cache.delete(cacheKey).catch(() => false);
    return undefined;
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
      let verified = false;
      const work = (async () => {
        const cache = await openCache();
        const cached = cache && (await readCached(cache, cacheKey, entry));
        if (cached) {
          verified = true;
          onProgress?.(cached.length, entry.bytes);
          return cached;
        }
        const response = await doFetch(url, cache ? { cache: 'no-store' } : {});
        if (!response.ok) throw new Error(`GET ${entry.file}: HTTP ${response.status}`);
        const bytes = await readWithProgress(response, entry.bytes, onProgress);
        verified = (await modelBytesProblem(entry, bytes)) === undefined;
        if (verified) {
          await cache?.put(cacheKey, new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => undefined);
        }
        // Unverified bytes are not cached, but returned: readVerifiedModel says what is wrong with them.
        return bytes;
      })();
      pending.set(key, work);
      const forget = () => {
        if (pending.get(key) === work) pending.delete(key);
      };
      work.then(() => {
        if (!verified) forget();
      }, forget);
      return work;
    },
  };
}
