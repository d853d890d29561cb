import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hugePageAdvice, hugePageMalloc } from '../src/huge-page-malloc.js';

// What /status and the start-up log say about glibc's malloc and huge pages (see scripts/fast-malloc.sh).
describe('hugePageMalloc', () => {
  it('reads the request from GLIBC_TUNABLES, among other tunables, and only for hugetlb=1 or 2', () => {
    expect(hugePageMalloc({}).requested).toBe(false);
    expect(hugePageMalloc({ GLIBC_TUNABLES: '' }).requested).toBe(false);
    expect(hugePageMalloc({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }).requested).toBe(true);
    expect(hugePageMalloc({ GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=2' }).requested).toBe(true);
    expect(hugePageMalloc({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }).requested).toBe(false);
    expect(hugePageMalloc({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=10' }).requested).toBe(false);
  });

  it("takes the kernel's mode from /sys, and is active where the mode grants what is asked for", () => {
    const file = '/sys/kernel/mm/transparent_hugepage/enabled';
    const mode = existsSync(file) ? /\[(\w+)\]/.exec(readFileSync(file, 'utf8'))?.[1] ?? null : null;
    const asked = hugePageMalloc({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' });
    const not = hugePageMalloc({});
    expect([asked.kernelMode, not.kernelMode]).toEqual([mode, mode]);
    expect(asked.active).toBe(mode === 'madvise' || mode === 'always');
    expect(not.active).toBe(mode === 'always');
  });

  it('advises the setting at start-up only where the kernel would grant it and it is not asked for', () => {
    expect(hugePageAdvice({ requested: false, kernelMode: 'madvise', active: false })).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
    expect(hugePageAdvice({ requested: true, kernelMode: 'madvise', active: true })).toBeUndefined();
    expect(hugePageAdvice({ requested: false, kernelMode: 'always', active: true })).toBeUndefined();
    expect(hugePageAdvice({ requested: true, kernelMode: 'never', active: false })).toBeUndefined();
    expect(hugePageAdvice({ requested: false, kernelMode: null, active: false })).toBeUndefined();
  });
});
