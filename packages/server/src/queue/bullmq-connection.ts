import type { ConnectionOptions } from 'bullmq';

/** The one queue every API replica and worker shares (its Redis keys start with facecraft:portraits). */
export const QUEUE_NAME = 'portraits';
export const QUEUE_PREFIX = 'facecraft';

/**
 * Connection options for FACECRAFT_REDIS_URL. Producers (the API) fail fast while Redis is down
 * (no offline queue: a request is answered 503 queue_unavailable rather than left hanging);
 * workers wait and reconnect for as long as it takes (BullMQ requires maxRetriesPerRequest null).
 */
export function redisConnection(url: string, side: 'producer' | 'worker'): ConnectionOptions {
  return {
    url,
    ...(side === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
    // Reconnect with a capped delay: a Redis restart is picked up within a second or two.
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
  };
}
