import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); tests never download a browser. */
export const CHROMIUM = process.env.FACECRAFT_CHROMIUM ?? '/usr/bin/chromium';

const BASE_FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export interface LaunchOptions {
  /** Adds --enable-unsafe-webgpu: headless Chromium then offers a SwiftShader (software) WebGPU adapter. */
  readonly webgpu?: boolean;
  /** A profile folder kept between launches (Cache Storage survives); a fresh temporary one when absent. */
  readonly userDataDir?: string;
}

export interface NetworkEntry {
  readonly url: string;
  readonly method: string;
  readonly resourceType: string;
  /** The response came from the HTTP cache or a service worker, not the network. */
  fromCache: boolean;
  status: number | undefined;
  failed: string | undefined;
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request the page and its workers made, in order. */
  readonly network: NetworkEntry[];
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

export function tempProfile(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'facecraft-chromium-'));
}

/** Chromium with a persistent profile, one page, and a log of every request (workers included). */
export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install -y chromium) or set FACECRAFT_CHROMIUM`);
  const ownProfile = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? tempProfile();
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_FLAGS, ...(options.webgpu ? ['--enable-unsafe-webgpu'] : [])],
    viewport: { width: 1440, height: 1100 },
    deviceScaleFactor: 1,
    colorScheme: 'light',
  });
  const network: NetworkEntry[] = [];
  const byRequest = new Map<Request, NetworkEntry>();
  context.on('request', (request) => {
    const entry: NetworkEntry = { url: request.url(), method: request.method(), resourceType: request.resourceType(), fromCache: false, status: undefined, failed: undefined };
    byRequest.set(request, entry);
    network.push(entry);
  });
  context.on('requestfinished', async (request) => {
    const entry = byRequest.get(request);
    const response = await request.response().catch(() => null);
    if (entry && response) {
      entry.status = response.status();
      entry.fromCache = response.fromServiceWorker() || (await response.headerValue('x-from-cache').catch(() => null)) !== null;
    }
  });
  context.on('requestfailed', (request) => {
    const entry = byRequest.get(request);
    if (entry) entry.failed = request.failure()?.errorText ?? 'failed';
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  return {
    context,
    page,
    network,
    consoleErrors,
    async close() {
      await context.close();
      if (ownProfile) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
