/**
 * Processing statistics since start-up, for /status. Every image that reached the pipeline counts
 * once (a batch counts its items); requests refused before that (bad options, busy) do not, but
 * refusals for lack of room are counted apart as `rejected`.
 */
export interface StatisticsSnapshot {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly rejected: number;
  /** succeeded / total, 0 to 1 (0 while nothing was processed, as the original reported). */
  readonly successRate: number;
  /** Mean and 95th percentile of the processing time of successful images (the last 1000), ms. */
  readonly averageMs: number;
  readonly p95Ms: number;
}

const WINDOW = 1000;

export class Statistics {
  #succeeded = 0;
  #failed = 0;
  #rejected = 0;
  #durations: number[] = [];
  #next = 0;

  recordSuccess(ms: number): void {
    this.#succeeded++;
    if (this.#durations.length < WINDOW) this.#durations.push(ms);
    else this.#durations[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
  }

  recordFailure(): void {
    this.#failed++;
  }

  recordRejection(): void {
    this.#rejected++;
  }

  /** Mean processing time of recent successes, for Retry-After estimates (undefined before the first). */
  get recentAverageMs(): number | undefined {
    return this.#durations.length ? this.#durations.reduce((a, b) => a + b, 0) / this.#durations.length : undefined;
  }

  snapshot(): StatisticsSnapshot {
    const total = this.#succeeded + this.#failed;
    const sorted = [...this.#durations].sort((a, b) => a - b);
    const average = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
    const p95 = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] : 0;
    return {
      total,
      succeeded: this.#succeeded,
      failed: this.#failed,
      rejected: this.#rejected,
      successRate: total === 0 ? 0 : Math.round((this.#succeeded / total) * 10_000) / 10_000,
      averageMs: Math.round(average * 10) / 10,
      p95Ms: Math.round(p95 * 10) / 10,
    };
  }
}
