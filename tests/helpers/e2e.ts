// One way to put the real renderer in Chromium in front of real services, for the e2e tests: a Storyreel
// built by the test, the bridge serving dist-renderer-bridge, and a page that has loaded it.
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
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

export async function openWindow(app: Storyreel, viewport = { width: 1280, height: 800 }): Promise<OpenedWindow> {
  assert.ok(existsSync(path.resolve('dist-renderer-bridge', 'index.html')), 'dist-renderer-bridge is not built (npx vite build --mode bridge)');
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}`);
  await fs.mkdir(SHOTS, { recursive: true });
  const bridge = await startBridge(app, { staticDir: path.resolve('dist-renderer-bridge') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const page = await browser.newPage({ viewport });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
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
