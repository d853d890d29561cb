// Installs the peer, @imgly/background-removal-node, into a folder outside the repo at bench time.
// It is AGPL: never a dependency of this workspace, never in an image or a published package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PEER = { name: '@imgly/background-removal-node', version: '1.4.5' } as const;
// The peer asks for sharp ~0.32, whose install script downloads libvips from GitHub; sharp 0.33+
// ships libvips as npm packages. The repo's own sharp stands in (only decode/encode use it).
export const PEER_SHARP = '0.35.5';

export interface InstalledPeer {
  readonly dir: string;
  /** file: URL of the package's dist/, where its model chunks are (models ship inside the npm package). */
  readonly publicPath: string;
  readonly entry: string;
  readonly versions: Record<string, string>;
}

const versionOf = (dir: string, pkg: string) => (JSON.parse(readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** npm install into `dir` (default: the temp folder), skipped when that version is there already. */
export function installPeer(dir = path.join(os.tmpdir(), `facecraft-peer-${PEER.version}`)): InstalledPeer {
  const packageDir = path.join(dir, 'node_modules', PEER.name);
  if (!existsSync(path.join(packageDir, 'package.json')) || versionOf(dir, PEER.name) !== PEER.version) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'facecraft-peer-bench', private: true, dependencies: { [PEER.name]: PEER.version }, overrides: { sharp: PEER_SHARP } }, null, 2));
    // --ignore-scripts: onnxruntime-node 1.17's script only fetches the CUDA build from GitHub; its CPU build is in the tarball.
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts'], { cwd: dir, stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } });
    } catch (error) {
      const said = String((error as { stderr?: Buffer }).stderr ?? '').split('\n').find((l) => /npm error (code|network|request|404)/.test(l)) ?? 'no reason given';
      throw new Error(`npm install of ${PEER.name}@${PEER.version} failed (${said.trim()})`);
    }
  }
  return {
    dir,
    publicPath: `file://${path.join(packageDir, 'dist')}/`,
    entry: path.join(packageDir, 'dist', 'index.mjs'),
    versions: Object.fromEntries([PEER.name, 'onnxruntime-node', 'sharp'].map((p) => [p, versionOf(dir, p)])),
  };
}
