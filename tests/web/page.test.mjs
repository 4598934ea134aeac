// page.test.mjs: the page in headless Chromium: pick a setup, read the answer, share it, bad links.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const siteDir = process.env.HEADROOM_SITE_DIR || path.join(root, 'build', 'wasm', 'wasm');
const chromiumPath = process.env.HEADROOM_CHROMIUM || '/usr/bin/chromium';

// The flags this machine's closed network and root user need (see README).
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, browser, base;

test.before(async () => {
  assert.ok(fs.existsSync(path.join(siteDir, 'headroom.wasm')), `build the wasm preset first (${siteDir})`);
  assert.ok(fs.existsSync(chromiumPath), `chromium not found at ${chromiumPath}`);
  server = await serve(siteDir, 0);
  base = `http://127.0.0.1:${server.address().port}/`;
  // playwright's launch() gives Chromium a fresh, empty --user-data-dir of its own every time.
  browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });
});

test.after(async () => {
  await browser?.close();
  server?.close();
});

async function openPage(url, context) {
  const ctx = context || await browser.newContext();
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push('dialog: ' + d.message()); d.dismiss(); });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  return { page, ctx, errors };
}

const figures = async (page) => ({
  verdict: await page.getAttribute('[data-testid=verdict]', 'data-verdict'),
  decode: await page.textContent('[data-testid=decode]'),
  prefill: await page.textContent('[data-testid=prefill]'),
  ttft: await page.textContent('[data-testid=ttft]'),
  weights: await page.textContent('[data-testid=mem-weights-on-device]'),
  kv: await page.textContent('[data-testid=mem-kv-cache]'),
  total: await page.textContent('[data-testid=mem-total-needed]'),
});

test('picking a setup shows the verdict, speed and memory breakdown', async () => {
  const { page, ctx, errors } = await openPage(base);
  await page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-8B');
  await page.selectOption('[data-testid=quant]', 'Q4_K_M');
  await page.selectOption('[data-testid=hardware]', 'nvidia-rtx-4090');
  await page.fill('[data-testid=context]', '8192');
  await page.dispatchEvent('[data-testid=context]', 'change');
  const f = await figures(page);
  assert.equal(f.verdict, 'runs-well');
  assert.match(f.decode, /^\d+\.\d tok\/s$/);
  assert.ok(parseFloat(f.decode) > 30, f.decode);
  assert.equal(f.kv, '1.00 GiB');  // 2 * 32 layers * 1024 * 8192 tokens * 2 bytes
  assert.ok(await page.$('[data-testid=mem-headroom]'), 'a setup that fits shows its headroom');
  // A 70B model at F16 on the same card cannot run on it alone.
  await page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-70B');
  await page.selectOption('[data-testid=quant]', 'F16');
  assert.notEqual(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a share link reproduces the same inputs and figures in a fresh browser context', async () => {
  const first = await openPage(base);
  await first.page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-70B');
  await first.page.selectOption('[data-testid=quant]', 'Q4_K_M');
  await first.page.selectOption('[data-testid=hardware]', 'nvidia-rtx-3090');
  await first.page.fill('[data-testid=gpus]', '2');
  await first.page.dispatchEvent('[data-testid=gpus]', 'change');
  const url = first.page.url();
  assert.match(url, /#s=/);
  const want = await figures(first.page);
  await first.ctx.close();

  const second = await openPage(url);
  assert.equal(await second.page.inputValue('[data-testid=model]'), 'meta-llama/Meta-Llama-3-70B');
  assert.equal(await second.page.inputValue('[data-testid=gpus]'), '2');
  assert.deepEqual(await figures(second.page), want);
  await second.ctx.close();
});

test('hostile links show a clear message and run no script', async () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const links = [
    '#s=' + enc({ model: '<img src=x onerror=alert(1)>' }),
    '#s=' + enc({ model: 'meta-llama/Meta-Llama-3-8B', context: 'NaN' }),
    '#s=' + enc({ model: 'meta-llama/Meta-Llama-3-8B', gpus: 1e308 }),
    '#s=' + enc({ model: 'meta-llama/Meta-Llama-3-8B', context: -5 }),
    '#s=%%%not-base64',
    '#s=' + Buffer.from([0xff, 0xfe, 0x00]).toString('base64url'),
    '#profile=' + enc({ schema: 'headroom-profile/1', devices: [{ kind: '<script>alert(1)</script>' }] }),
  ];
  for (const link of links) {
    const { page, ctx, errors } = await openPage(base + link);
    const message = await page.textContent('[data-testid=message]');
    assert.match(message, /could not be opened/, link);
    assert.equal(await page.$('img[src=x]'), null);
    assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well', link);  // defaults still work
    assert.deepEqual(errors, [], link);
    await ctx.close();
  }
});

test('a probe profile in the link predicts from measured numbers', async () => {
  const profile = { schema: 'headroom-profile/1', probe_version: '0.1.0', devices: [
    { kind: 'gpu', backend: 'cuda', name: 'Test GPU', memory_bytes: 25769803776, free_memory_bytes: 25000000000,
      measurements: { read_bandwidth_gbs: { median: 900, best: 910, samples: 30, method: 'test' } } }] };
  const { page, ctx, errors } = await openPage(base + '#profile=' + Buffer.from(JSON.stringify(profile)).toString('base64url'));
  assert.equal(await page.inputValue('[data-testid=hardware]'), '__measured__');
  assert.match(await page.textContent('#hardware option:checked'), /Measured: Test GPU/);
  assert.ok(parseFloat(await page.textContent('[data-testid=decode]')) > 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});
