// dist_check.mjs: serves a built dist/ folder (make dist) and loads it in headless Chromium: every
// file the page asks for is there, the page answers, and the service worker installs.
// Usage: node tests/web/dist_check.mjs DIST_DIR. Exits non-zero with the reason on failure.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

const dir = path.resolve(process.argv[2] || 'dist');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const server = await serve(dir, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.HEADROOM_CHROMIUM || '/usr/bin/chromium', args: FLAGS });
const problems = [];
try {
  const page = await browser.newPage();
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${r.url()}: HTTP ${r.status()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  const verdict = await page.getAttribute('[data-testid=verdict]', 'data-verdict');
  if (!verdict) problems.push('no verdict on screen');
  const sw = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active && r.active.state));
  if (!sw) problems.push('the service worker did not install');
  if (!problems.length) console.log(`dist/ serves and answers: verdict ${verdict}, service worker ${sw}`);
} catch (e) {
  problems.push(e.message);
} finally {
  await browser.close();
  server.close();
}
if (problems.length) {
  console.error('dist/ check failed:\n  ' + problems.join('\n  '));
  process.exit(1);
}
