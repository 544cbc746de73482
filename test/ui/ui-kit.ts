// Shared pieces of the admin UI tests: a real `geodesic serve` with the API, the UI built from source, and
// Debian's chromium driven by playwright-core.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { startServe } from '../e2e/lib/serve-process.js';
import type { Served } from '../e2e/lib/serve-process.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.GEODESIC_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'docs', 'screenshots');

/** Builds the UI from the current source into dist/ui (what the server serves); about 3 s. */
export function buildUi(): void {
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'src/ui/vite.config.ts'],
    { cwd: ROOT, timeout: 120_000, stdio: 'pipe' });
}

export interface Site { served: Served; api: number; dns: number; base: string; base6: string; dir: string; stop(): Promise<void> }

/** `geodesic serve` on a fresh SQLite store with the API (and UI) on 127.0.0.1, LUA records on. */
export async function startSite(): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'gdns-ui-'));
  const served = await startServe(['--data', join(dir, 'data'), '--listen', '127.0.0.1:0', '--api-listen', '127.0.0.1:0', '--api-listen', '[::1]:0',
    '--metrics-listen', '127.0.0.1:0', '--enable-lua-records', '--no-rrl', '--pid-file', join(dir, 'pid')]);
  const m = /"event":"api-listening","address":"127.0.0.1"[^\n]*"port":(\d+)/.exec(served.log());
  if (m === null) { await served.stop(); throw new Error(`no api-listening line:\n${served.log()}`); }
  const api = Number(m[1]);
  const m6 = /"event":"api-listening","address":"::1"[^\n]*"port":(\d+)/.exec(served.log());
  return {
    served, api, dns: served.port, base: `http://127.0.0.1:${api}`, base6: m6 === null ? '' : `http://[::1]:${m6[1]}`, dir,
    stop: async () => { await served.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM, timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

export async function newPage(browser: Browser, opts: BrowserContextOptions = DESKTOP): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext(opts);
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  return { ctx, page };
}

/** axe violations of impact serious or critical on the page as it is now (one line each). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

/** Signs in through the login form. */
export async function signIn(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
