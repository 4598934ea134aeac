// harness.mjs: what every browser test file shares: where the built page is, Debian's Chromium with
// the flags this machine needs, the page served on loopback, and opening a page until it is ready.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
export const siteDir = process.env.HEADROOM_SITE_DIR || path.join(root, 'build', 'wasm', 'wasm');
const chromiumPath = process.env.HEADROOM_CHROMIUM || '/usr/bin/chromium';

// The flags this machine's closed network and root user need (see README).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/// Serves the built page on a free loopback port and launches Chromium (playwright gives it a fresh,
/// empty --user-data-dir every time): {server, browser, base}.
export async function startSite() {
  assert.ok(fs.existsSync(path.join(siteDir, 'headroom.wasm')), `build the wasm preset first (${siteDir})`);
  assert.ok(fs.existsSync(chromiumPath), `chromium not found at ${chromiumPath}`);
  const server = await serve(siteDir, 0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });
  return { server, browser, base };
}

/// Opens `url` in `context` (a browser context, or options for a new one) and waits until the page
/// says it is ready; page errors and dialogs are collected in `errors`.
export async function openPageIn(browser, url, context) {
  const ctx = typeof context?.newPage === 'function' ? context : await browser.newContext(context || {});
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { page, ctx, errors };
}
