import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it); Playwright's own browser downloads cannot work here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots for CI artifacts (git-ignored). */
export const ARTIFACTS = resolve(dirname(fileURLToPath(import.meta.url)), '../artifacts');

/**
 * Flags that keep Chromium from reaching out to Google services (there is
 * no network here; it would keep retrying) and that it needs as root in a container.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts one headless Chromium for a test file. Playwright gives it a fresh
 * temporary profile (`--user-data-dir`) and removes it on close; each test
 * opens its own context (cookies, storage) with {@link newContext}.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
}

/** A phone's viewport (the 390×844) and the desktop one (1280×800). */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** A new isolated context (no cookies) with a desktop viewport and an en-US browser unless told otherwise. */
export function newContext(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; isMobile?: boolean; locale?: string } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    isMobile: options.isMobile ?? false,
    hasTouch: options.isMobile ?? false,
    deviceScaleFactor: 1,
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC',
  });
}

export async function artifactPath(name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** A stand-in for a remote host serving images; it counts what it is asked for. */
export interface ImageHost {
  /** `http://127.0.0.1:PORT` — another origin than jdmail's. */
  origin: string;
  /** Paths requested so far. */
  requests: string[];
  close(): Promise<void>;
}

// A 1×1 transparent PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export async function startImageHost(): Promise<ImageHost> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
    res.end(PIXEL);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
