import { describe, expect, it } from 'vitest';
import { intraOpThreads } from '../../src/backends/thread-policy.js';

describe('intra-op thread policy', () => {
  it('gives a single processor every core', () => {
    expect(intraOpThreads({ cores: 2 })).toBe(2);
    expect(intraOpThreads({ cores: 16, workers: 1 })).toBe(16);
  });

  it('splits the cores between concurrent workers without oversubscription', () => {
    expect([1, 2, 3, 4, 5, 8, 16].map((workers) => intraOpThreads({ cores: 8, workers }))).toEqual([8, 4, 2, 2, 1, 1, 1]);
    expect(intraOpThreads({ cores: 2, workers: 2 })).toBe(1);
    for (const workers of [1, 2, 3, 7]) expect(intraOpThreads({ cores: 12, workers }) * workers).toBeLessThanOrEqual(12);
  });

  it('never goes below one thread, even with more workers than cores or an unknown core count', () => {
    expect(intraOpThreads({ cores: 2, workers: 64 })).toBe(1);
    expect(intraOpThreads({ cores: 0 })).toBe(1);
    expect(intraOpThreads({ cores: Number.NaN, workers: 3 })).toBe(1);
  });

  it('takes an override as it is, whatever the cores and workers', () => {
    expect(intraOpThreads({ cores: 2, workers: 4, override: 3 })).toBe(3);
    expect(intraOpThreads({ cores: 64, override: 1 })).toBe(1);
  });

  it('refuses a count or a worker number that is not a positive integer', () => {
    expect(() => intraOpThreads({ cores: 4, override: 0 })).toThrow(RangeError);
    expect(() => intraOpThreads({ cores: 4, override: 1.5 })).toThrow(RangeError);
    expect(() => intraOpThreads({ cores: 4, workers: 0 })).toThrow(RangeError);
  });
});
