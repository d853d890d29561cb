// `npm start` as a user runs it on a clone: a second start on an unchanged tree builds nothing,
// a busy port fails before any model loads and names FACECRAFT_PORT, the service's malloc asks for
// huge pages (scripts/fast-malloc.sh), and killing npm stops the service instead of leaving it
// orphaned and serving.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { hugePageMalloc } from '../dist/index.js';
import { binPath, repoRoot, scratchDirs, testEnv } from './support/server-harness.js';

const dirs = scratchDirs('facecraft-start-script-');
afterAll(() => dirs.remove());
const env = testEnv(dirs, { FACECRAFT_LOG_LEVEL: 'info', FACECRAFT_WORKERS: '1' });

interface Started {
  readonly proc: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

function launch(command: string, args: readonly string[], extraEnv: Record<string, string> = {}): Started {
  const proc = spawn(command, [...args], { cwd: repoRoot, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => output, exited };
}

async function waitFor<T>(what: string, started: Started, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = check();
    if (found !== undefined) return found;
    if (started.proc.exitCode !== null) throw new Error(`exited (${started.proc.exitCode}) before ${what}:\n${started.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${what} within ${timeoutMs} ms:\n${started.output()}`);
}

const listeningUrl = (started: Started) => /facecraft: listening on (http:\/\/\S+) /.exec(started.output())?.[1];
const isReady = (started: Started) => (started.output().includes('facecraft: ready on') ? true : undefined);
const childPids = (pid: number) =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((n) => n > 0);

/** Alive and not a zombie (an orphan's exit is reaped by whatever init this machine has, maybe late). */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('npm start', () => {
  it('on an unchanged tree skips the build, and Ctrl-C stops it', { timeout: 600_000 }, async () => {
    // The first start builds whatever changed since the last build (maybe nothing).
    const first = launch(process.execPath, ['scripts/start.mjs', '--host', '127.0.0.1', '--port', '0']);
    await waitFor('ready line', first, () => isReady(first), 540_000);
    first.proc.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = launch(process.execPath, ['scripts/start.mjs', '--host', '127.0.0.1', '--port', '0']);
    await waitFor('ready line', second, () => isReady(second), 120_000);
    const output = second.output();
    expect(output).toContain('✓ build: @facecraft/core, @facecraft/server, @facecraft/web up to date (sources unchanged since the last build), skipped');
    expect(output).not.toContain('▶ build');
    // No build tool output at start (Vite prints its file list and timings when it builds).
    expect(output).not.toMatch(/vite|built in/i);
    const url = listeningUrl(second) as string;
    expect((await fetch(`${url}/ready`)).status).toBe(200);
    second.proc.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('fails at once on a busy port, before any model loads, naming FACECRAFT_PORT', { timeout: 120_000 }, async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const started = launch(process.execPath, ['scripts/start.mjs'], { FACECRAFT_HOST: '127.0.0.1', FACECRAFT_PORT: String(port) });
      expect(await started.exited).toBe(1);
      const output = started.output();
      expect(output).toContain(`FACECRAFT_PORT: port ${port} on 127.0.0.1 is already in use`);
      expect(output).toContain('set FACECRAFT_PORT (or --port) to a free port');
      expect(output).not.toMatch(/loading models|worker ready|"msg":"ready"/);
    } finally {
      blocker.close();
    }
  });

  it('`facecraft serve` started without huge-page malloc says how to get it, where the kernel would grant it', { timeout: 120_000 }, async () => {
    const serve = launch(process.execPath, [binPath, 'serve', '--host', '127.0.0.1', '--port', '0'], { GLIBC_TUNABLES: '' });
    try {
      await waitFor('listening line', serve, () => listeningUrl(serve), 60_000);
      // Printed right after the listening line.
      await new Promise((r) => setTimeout(r, 500));
      const advised = serve.output().includes('start with GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
      expect(advised).toBe(hugePageMalloc({}).kernelMode === 'madvise');
    } finally {
      serve.proc.kill('SIGTERM');
      await serve.exited;
    }
  });

  it('runs the service with huge-page malloc, and stops it when npm itself is killed (no orphan left serving)', { timeout: 300_000 }, async () => {
    // Empty here whatever the test runner was started with: the start script sets it.
    const npm = launch('npm', ['start', '--', '--host', '127.0.0.1', '--port', '0'], { GLIBC_TUNABLES: '' });
    const url = await waitFor('listening line', npm, () => listeningUrl(npm), 240_000);
    // npm → sh → node scripts/start.mjs (scripts/fast-malloc.sh execs it), which runs the service itself.
    const service = childPids(npm.proc.pid as number).flatMap(childPids)[0];
    expect(service).toBeGreaterThan(0);
    expect(readFileSync(`/proc/${service}/environ`, 'utf8').split('\0')).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
    try {
      expect((await fetch(`${url}/health`)).status).toBe(200);
      npm.proc.kill('SIGTERM');
      await npm.exited;
      const deadline = Date.now() + 20_000;
      let serving = true;
      while (serving && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        serving = await fetch(`${url}/health`).then(() => true, () => false);
      }
      expect(serving).toBe(false);
      while (isRunning(service) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(isRunning(service)).toBe(false);
    } finally {
      try {
        process.kill(service, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
  });
});

