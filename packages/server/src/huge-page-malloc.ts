import { readFileSync } from 'node:fs';

/**
 * Whether glibc's malloc backs large allocations with transparent huge pages in this process
 * (scripts/fast-malloc.sh says why it matters: onnxruntime runs without its arena, and with
 * 4 KB pages each segmentation spends ~40 % of its time faulting its activations in). It is
 * asked for at process start (GLIBC_TUNABLES, read by glibc before any code runs) and granted by
 * the kernel's mode: `madvise` grants what is asked for, `always` gives it anyway, `never` refuses.
 */
export interface HugePageMalloc {
  /** GLIBC_TUNABLES asks for it (glibc.malloc.hugetlb=1 or 2). */
  readonly requested: boolean;
  /** The kernel's transparent huge page mode (null where there is none to read: not Linux, or hidden). */
  readonly kernelMode: 'always' | 'madvise' | 'never' | null;
  /** Large allocations get huge pages. */
  readonly active: boolean;
}

export const HUGE_PAGE_TUNABLE = 'glibc.malloc.hugetlb=1';

export function hugePageMalloc(env: NodeJS.ProcessEnv = process.env): HugePageMalloc {
  const requested = /(^|:)glibc\.malloc\.hugetlb=[12](:|$)/.test(env.GLIBC_TUNABLES ?? '');
  let kernelMode: HugePageMalloc['kernelMode'] = null;
  try {
    const mode = /\[(always|madvise|never)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
    kernelMode = (mode as HugePageMalloc['kernelMode']) ?? null;
  } catch {
    kernelMode = null;
  }
  return { requested, kernelMode, active: kernelMode === 'always' || (requested && kernelMode === 'madvise') };
}

/** A line for the start-up log when segmentation will run without huge pages on a kernel that would grant them; undefined otherwise. */
export function hugePageAdvice(state: HugePageMalloc): string | undefined {
  if (state.active || state.kernelMode !== 'madvise') return undefined;
  return `malloc is not asking for huge pages, so segmentation runs about 40 % slower: start with GLIBC_TUNABLES=${HUGE_PAGE_TUNABLE} (npm start and the Docker images do)`;
}
