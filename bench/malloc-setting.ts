// What the benches record of the C allocator they ran with (see scripts/fast-malloc.sh): whether
// glibc's malloc asked for huge pages, and whether the kernel grants them on request.
import { readFileSync } from 'node:fs';

export interface MallocSetting {
  /** GLIBC_TUNABLES as the process saw it ('' when unset). */
  readonly glibcTunables: string;
  /** The kernel's transparent huge page mode: always, madvise or never (undefined off Linux). */
  readonly transparentHugePages?: string;
  /** Whether ISNet's activations were backed by huge pages: asked for and allowed. */
  readonly hugePages: boolean;
}

export function mallocSetting(): MallocSetting {
  const glibcTunables = process.env.GLIBC_TUNABLES ?? '';
  let transparentHugePages: string | undefined;
  try {
    transparentHugePages = /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    transparentHugePages = undefined;
  }
  const asked = /glibc\.malloc\.hugetlb=[12]/.test(glibcTunables);
  return { glibcTunables, ...(transparentHugePages ? { transparentHugePages } : {}), hugePages: (asked && transparentHugePages === 'madvise') || transparentHugePages === 'always' };
}
