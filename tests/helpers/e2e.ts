// One way to put the real renderer in Chromium in front of real services, for the e2e tests: a Storyreel
// built by the test, the bridge serving dist-renderer-bridge, and a page that has loaded it.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright';
import type { Storyreel } from '../../electron/services/app.ts';
import { startBridge, type Bridge } from '../bridge/server.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = path.resolve('test-results', 'screenshots');

export interface OpenedWindow {
  bridge: Bridge;
  browser: Browser;
  page: Page;
  /** Uncaught errors in the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface WindowOptions {
  viewport?: { width: number; height: number };
  /** More Chromium switches, e.g. --autoplay-policy=no-user-gesture-required for playback. */
  extraArgs?: string[];
  /** Count console errors as page errors too. */
  consoleErrors?: boolean;
  /** Runs on the new page before it loads the window, e.g. to watch every reply from the first request on. */
  beforeLoad?: (page: Page) => void;
}

/** What a test file opens: its folder, its app and the app's window. */
export interface Opened {
  root?: string | undefined;
  app?: Storyreel | undefined;
  win?: OpenedWindow | undefined;
}

/** Call at the top of a test file; set what the tests open: after them the window is closed, then the app, then the folder removed. */
export function closeAfter(): Opened {
  const opened: Opened = {};
  after(async () => {
    await opened.win?.close();
    await opened.app?.shutdown();
    if (opened.root) await fs.rm(opened.root, { recursive: true, force: true });
  });
  return opened;
}

/** Debian's Chromium, headless, quiet: for a page that is not the app's window (a file drawn for a screenshot). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs] });
}

export async function openWindow(app: Storyreel, opts: WindowOptions = {}): Promise<OpenedWindow> {
  assert.ok(existsSync(path.resolve('dist-renderer-bridge', 'index.html')), 'dist-renderer-bridge is not built (npx vite build --mode bridge)');
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  await fs.mkdir(SHOTS, { recursive: true });
  const bridge = await startBridge(app, { staticDir: path.resolve('dist-renderer-bridge') });
  const browser = await launchChromium(opts.extraArgs);
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (opts.consoleErrors) page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  opts.beforeLoad?.(page);
  await page.goto(bridge.pageUrl);
  return {
    bridge,
    browser,
    page,
    pageErrors,
    close: async () => {
      await browser.close();
      await bridge.close();
    },
  };
}

/** Polls a condition on the page or a file until it holds (never a fixed delay as the thing waited for). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * For openWindow's beforeLoad: every reply of the bridge's calls and events, from the first request on, is
 * pushed to `into` (to look for a key in them at the end).
 */
export function recordReplies(into: Array<{ url: string; text: string }>): (page: Page) => void {
  return (page) =>
    page.on('response', (r) => {
      if (!r.url().includes('/rpc/') && !r.url().includes('/events')) return;
      void r.text().then(
        (text) => into.push({ url: r.url(), text }),
        () => undefined,
      );
    });
}
