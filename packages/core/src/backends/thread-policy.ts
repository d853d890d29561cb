/**
 * How many intra-op threads one onnxruntime session gets. onnxruntime-node's own default is
 * not "one per core": on a 2-core machine it ran ISNet on one thread (1000 ms instead of 534 ms
 * at 768²), so the count is always set explicitly from this policy.
 */
export interface ThreadPolicyInput {
  /** Cores this process may use (os.availableParallelism() in Node). */
  readonly cores: number;
  /** Sessions that run at the same time, each on its own worker (1 for a single processor). */
  readonly workers?: number;
  /** An explicit count chosen by the user; wins over the split. */
  readonly override?: number;
}

/**
 * A single job uses every core; concurrent workers share them without oversubscription
 * (max(1, floor(cores / workers))); an override, when given, is taken as it is.
 */
export function intraOpThreads({ cores, workers = 1, override }: ThreadPolicyInput): number {
  if (override !== undefined) {
    if (!Number.isInteger(override) || override < 1) throw new RangeError(`threads must be a positive integer, got ${override}`);
    return override;
  }
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  const usable = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  return Math.max(1, Math.floor(usable / workers));
}
