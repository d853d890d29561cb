import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU milliseconds (user + system) used so far by the Chromium started with `profileDir`
 * (`--user-data-dir`) and all its descendants: the renderer holds the page's worker and
 * onnxruntime's WASM threads. Unlike wall time, this hardly moves when other work shares the
 * machine, so A/B comparisons stay readable on a loaded one. Linux only (/proc); -1 elsewhere.
 */
export function chromiumCpuMs(profileDir: string): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return -1;
  }
  const stats = new Map<number, { ppid: number; ticks: number }>();
  let root = -1;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid … utime(12th) stime(13th).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      if (root < 0 && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(profileDir)) root = Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  if (root < 0) return -1;
  const inTree = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 16; p = stats.get(p)?.ppid ?? 0, depth++) if (p === root) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, s] of stats) if (inTree(pid)) ticks += s.ticks;
  return ticks * 10; // USER_HZ is 100 on Linux
}

/**
 * CPU milliseconds so far of every thread of that Chromium, keyed `process-type/thread-name/tid`
 * (process types from `--type=`: renderer, gpu-process, utility…; the browser process is
 * `browser`). Shows where a run's CPU goes: the worker and onnxruntime's threads (DedicatedWorker),
 * the page (CrRendererMain shows as the process name), compositing (Compositor, VizCompositorTh).
 */
export function chromiumThreadCpuMs(profileDir: string): Map<string, number> {
  const out = new Map<string, number>();
  const procs = new Map<number, number>();
  let root = -1;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      procs.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      if (root < 0 && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(profileDir)) root = Number(entry);
    } catch {
      // the process ended meanwhile
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 16; p = procs.get(p) ?? 0, depth++) if (p === root) return true;
    return false;
  };
  for (const pid of procs.keys()) {
    if (root < 0 || !inTree(pid)) continue;
    try {
      const type = /--type=([a-z-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        out.set(`${type}/${name}/${tid}`, (Number(fields[11]) + Number(fields[12])) * 10);
      }
    } catch {
      // the process or thread ended meanwhile
    }
  }
  return out;
}
