// page.test.mjs: the page in headless Chromium: pick a setup, read the answer, share it, bad links.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { here, root, siteDir, startSite, openPageIn } from './harness.mjs';


let server, browser, base;

test.before(async () => {
  ({ server, browser, base } = await startSite());
});

test.after(async () => {
  await browser?.close();
  server?.close();
});

const openPage = (url, context) => openPageIn(browser, url, context);

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

test('a headless GPU gets back the memory the desktop keeps, and the link carries the setting', async () => {
  const first = await openPage(base);  // RTX 4090: a consumer card, so by default it drives the displays
  const capacity = () => first.page.textContent('[data-testid=mem-capacity]');
  assert.equal(await first.page.inputValue('[data-testid=display]'), 'auto');
  assert.equal(await capacity(), '23.00 GiB');
  assert.ok(await first.page.$('[data-testid=mem-kept-by-the-desktop]'));
  assert.doesNotMatch(first.page.url(), /display/);
  await first.page.selectOption('[data-testid=display]', 'off');
  assert.equal(await capacity(), '24.00 GiB');
  assert.equal(await first.page.$('[data-testid=mem-kept-by-the-desktop]'), null);
  const url = first.page.url();
  const want = await figures(first.page);
  // A datacenter card drives no display unless told so.
  await first.page.selectOption('[data-testid=hardware]', 'nvidia-h100-sxm');
  await first.page.selectOption('[data-testid=display]', 'auto');
  assert.equal(await first.page.$('[data-testid=mem-kept-by-the-desktop]'), null);
  await first.page.selectOption('[data-testid=display]', 'on');
  assert.ok(await first.page.$('[data-testid=mem-kept-by-the-desktop]'));
  assert.deepEqual(first.errors, []);
  await first.ctx.close();

  const second = await openPage(url);
  assert.equal(await second.page.inputValue('[data-testid=display]'), 'off');
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
    // More hostile links: a huge fragment, invalid UTF-8 inside valid base64url, JSON bombs,
    // numbers JSON cannot hold, the wrong types, a part given twice, a measured device without a profile.
    '#s=' + 'A'.repeat(200000),
    '#s=' + Buffer.from([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xc0, 0x80, 0x22, 0x7d]).toString('base64url'),
    '#s=' + Buffer.from('['.repeat(50000) + ']'.repeat(50000)).toString('base64url'),
    '#s=' + Buffer.from('{"model":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}').toString('base64url'),
    '#s=' + Buffer.from('{"gpus": NaN}').toString('base64url'),
    '#s=' + Buffer.from('{"context": 1e400}').toString('base64url'),
    '#s=' + enc([1, 2, 3]),
    '#s=' + enc({ model: 'meta-llama/Meta-Llama-3-8B', gpus: -0.0, context: 2 ** 24 + 1 }),
    '#s=' + enc({ model: 'x'.repeat(100000) }),
    '#s=' + enc({ hardware: '__measured__' }),
    '#s=' + enc({ engine: 'vllm' }) + '&s=' + enc({ engine: 'mlx' }),
    '#s=' + enc({ workload: { constructor: { prototype: { polluted: true } } } }),
    '#s=' + Buffer.from('{"__proto__": {"polluted": true}, "kv": "f64"}').toString('base64url'),
  ];
  for (const link of links) {
    const { page, ctx, errors } = await openPage(base + link);
    const message = await page.textContent('[data-testid=message]');
    assert.match(message, /could not be opened \(.+\)/, link.slice(0, 80));
    assert.ok(message.length < 400, 'the message stays short: ' + message.slice(0, 100));
    assert.equal(await page.evaluate(() => ({}).polluted), undefined);
    assert.equal(await page.$('img[src=x]'), null);
    assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well', link);  // defaults still work
    assert.deepEqual(errors, [], link.slice(0, 80));
    // The page stays usable: picking another setup still answers.
    await page.selectOption('[data-testid=quant]', 'Q8_0');
    assert.ok(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), link.slice(0, 80));
    assert.match(page.url(), /#s=/);
    await ctx.close();
  }
});

test('a bad link names the field at fault', async () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const cases = [
    [{ gpus: 0 }, /'gpus'/], [{ context: -5 }, /'context'/], [{ quant: 'Q9_Z' }, /'quant'/],
    [{ engine: 'rm -rf' }, /'engine'/], [{ kv: 'f64' }, /'kv'/], [{ workload: 'mining' }, /'workload'/],
    [{ hardware: 'nvidia-rtx-9999' }, /'hardware'/], [{ model: 'x/y' }, /'model'/],
  ];
  const ctx = await browser.newContext();
  for (const [state, field] of cases) {
    const { page, errors } = await openPage(base + '#s=' + enc(state), ctx);
    assert.match(await page.textContent('[data-testid=message]'), field);
    assert.deepEqual(errors, []);
    await page.close();
  }
  await ctx.close();
});

test('a link naming an engine or KV type the pickers do not list still opens', async () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const { page, ctx, errors } = await openPage(base + '#s=' + enc({ engine: 'sglang', kv: 'fp8', quant: 'q4_k_m' }));
  assert.equal(await page.textContent('[data-testid=message]'), '');
  assert.equal(await page.inputValue('[data-testid=engine]'), 'sglang');
  assert.equal(await page.inputValue('[data-testid=kv]'), 'fp8');
  assert.equal(await page.inputValue('[data-testid=quant]'), 'Q4_K_M');
  assert.ok(await page.getAttribute('[data-testid=verdict]', 'data-verdict'));
  assert.deepEqual(errors, []);
  await ctx.close();
});

const PROFILE = { schema: 'headroom-profile/1', probe_version: '0.1.0', devices: [
  { kind: 'gpu', backend: 'cuda', name: 'Test GPU', memory_bytes: 25769803776, free_memory_bytes: 25000000000,
    measurements: { read_bandwidth_gbs: { median: 900, best: 910, samples: 30, method: 'test' } } }] };
const fileOf = (text, name = 'headroom-profile.json') => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

test('hostile profile files are refused with the field named, and the page stays usable', async () => {
  const bad = JSON.parse(JSON.stringify(PROFILE));
  bad.devices[0].measurements.read_bandwidth_gbs.median = -1;
  const files = [
    [fileOf(JSON.stringify(bad)), /read_bandwidth_gbs/],
    [fileOf('{"schema": "headroom-profile/1", "devices": [{"kind": "gpu", "backend": "cuda", "memory_bytes": NaN}]}'), /malformed JSON/],
    [fileOf('['.repeat(100000)), /nested deeper|malformed/],
    [fileOf(Buffer.from([0xff, 0xfe, 0x7b, 0x00])), /malformed JSON/],
    [fileOf(JSON.stringify({ ...PROFILE, schema: '<img src=x onerror=alert(1)>' })), /schema/],
    [fileOf(JSON.stringify({ ...PROFILE, devices: [{ ...PROFILE.devices[0], memory_bytes: 1e308 }] })), /memory_bytes/],
    [fileOf('x'.repeat(5 * 1024 * 1024)), /limit/],
  ];
  const { page, ctx, errors } = await openPage(base);
  const before = await figures(page);
  for (const [file, why] of files) {
    await page.setInputFiles('#profile-file', file);
    await page.waitForFunction(() => document.querySelector('[data-testid=profile-status]').textContent !== '');
    const status = await page.textContent('[data-testid=profile-status]');
    assert.match(status, /^Not a usable profile: /);
    assert.match(status, why);
    assert.equal(await page.$('img[src=x]'), null);
    assert.deepEqual(await figures(page), before, 'a refused file changes nothing');
    await page.evaluate(() => { document.querySelector('[data-testid=profile-status]').textContent = ''; });
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a profile whose name holds markup is shown as text and runs nothing', async () => {
  const name = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';
  const hostile = { ...PROFILE, devices: [{ ...PROFILE.devices[0], name }] };
  const { page, ctx, errors } = await openPage(base);
  await page.setInputFiles('#profile-file', fileOf(JSON.stringify(hostile)));
  await page.waitForFunction(() => document.querySelector('[data-testid=hardware]').value === '__measured__');
  assert.equal(await page.textContent('#hardware option:checked'), `Measured: ${name}`);
  assert.match(await page.textContent('[data-testid=profile-status]'), /Predicting from measured numbers/);
  assert.equal(await page.$('img[src=x]'), null);
  assert.equal(await page.$('body script:not([src])'), null);
  assert.notEqual(await page.title(), 'pwned');
  // The same profile through a share link: still text.
  const link = page.url();
  const second = await openPage(link);
  assert.equal(await second.page.textContent('#hardware option:checked'), `Measured: ${name}`);
  assert.notEqual(await second.page.title(), 'pwned');
  assert.deepEqual(second.errors, []);
  await second.ctx.close();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the page sets a Content-Security-Policy with no inline script and never writes HTML', async () => {
  const html = fs.readFileSync(path.join(root, 'web', 'index.html'), 'utf8');
  const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/);
  assert.ok(csp, 'index.html has a CSP meta tag');
  assert.match(csp[1], /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp[1], /unsafe-inline|script-src[^;]*\*/);
  assert.match(csp[1], /object-src 'none'/);
  assert.match(csp[1], /base-uri 'none'/);
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  const js = fs.readFileSync(path.join(root, 'web', 'app.js'), 'utf8');
  assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
  // The browser enforces it: an injected inline script does not run.
  const { page, ctx } = await openPage(base);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__ran = true';
    document.body.append(s);
  });
  assert.equal(await page.evaluate(() => window.__ran), undefined);
  const header = (await ctx.request.get(base)).headers()['content-security-policy'];
  assert.match(header, /frame-ancestors 'none'/);
  await ctx.close();
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

// --- GGUF files ---------------------------------------------------------------------------------
const fixturePath = path.join(root, 'tests', 'data', 'tiny-llama.gguf');

/// Records every Blob.slice the page makes, so a test can check it only reads the header.
const recordSlices = () => {
  window.__slices = [];
  const slice = Blob.prototype.slice;
  Blob.prototype.slice = function (start, end) {
    window.__slices.push([start, end, this.size]);
    return slice.apply(this, arguments);
  };
};

test('opening a GGUF file shows its figures and estimates from its exact bytes', async () => {
  const ctx = await browser.newContext();
  await ctx.addInitScript(recordSlices);
  const { page, errors } = await openPage(base, ctx);
  await page.setInputFiles('[data-testid=gguf-file]', fixturePath);
  await page.waitForSelector('[data-testid=gguf-tensor-bytes]');
  assert.equal(await page.textContent('[data-testid=gguf-architecture]'), 'llama (Tiny Llama)');
  assert.equal(await page.textContent('[data-testid=gguf-file-type]'), 'Q4_K_M');
  assert.equal(await page.textContent('[data-testid=gguf-tensors]'), '12');
  assert.match(await page.textContent('[data-testid=gguf-tensor-bytes]'), /^61,536 bytes/);
  assert.match(await page.textContent('[data-testid=gguf-device-bytes]'), /^56,928 bytes/);
  assert.match(await page.textContent('[data-testid=gguf-type-Q4_K]'), /^27,648 bytes/);
  assert.match(await page.textContent('[data-testid=gguf-status]'), /exact weight bytes/);
  assert.equal(await page.inputValue('[data-testid=model]'), '__gguf__');
  assert.match(await page.textContent('#model option:checked'), /File: tiny-llama\.gguf/);
  assert.equal(await page.isDisabled('[data-testid=quant]'), true);
  // The answer is for the file: a 62 KB model fits anywhere; its weights are the file's bytes.
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well');
  assert.equal(await page.textContent('[data-testid=mem-weights-on-device]'), '0.00 GiB');
  assert.ok(parseFloat(await page.textContent('[data-testid=decode]')) > 0);
  const slices = await page.evaluate(() => window.__slices);
  assert.ok(slices.length >= 1 && slices.every(([start, end]) => start === 0 && end <= 8 * 1024 * 1024), JSON.stringify(slices));
  // Back to a catalog model: the format picker works again.
  await page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-8B');
  assert.equal(await page.isDisabled('[data-testid=quant]'), false);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a large GGUF file is read only as far as its header', async () => {
  const ctx = await browser.newContext();
  await ctx.addInitScript(recordSlices);
  const { page, errors } = await openPage(base, ctx);
  // The fixture followed by 24 MiB more data: the page must not read past its first slice.
  const buffer = Buffer.concat([fs.readFileSync(fixturePath), Buffer.alloc(24 * 1024 * 1024)]);
  await page.setInputFiles('[data-testid=gguf-file]', { name: 'big.gguf', mimeType: 'application/octet-stream', buffer });
  await page.waitForSelector('[data-testid=gguf-tensor-bytes]');
  const slices = await page.evaluate(() => window.__slices);
  assert.deepEqual(slices.map(([s, e]) => [s, e]), [[0, 8 * 1024 * 1024]]);
  assert.match(await page.textContent('[data-testid=gguf-status]'), /Read the first 8,388,608 of 25,229,504 bytes/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a file that is not GGUF, or is cut short, shows why and runs no script', async () => {
  const { page, ctx, errors } = await openPage(base);
  await page.setInputFiles('[data-testid=gguf-file]', { name: '<img src=x onerror=alert(1)>.gguf', mimeType: 'text/plain',
    buffer: Buffer.from('<img src=x onerror=alert(1)>') });
  await page.waitForFunction(() => /Not a usable GGUF file/.test(document.querySelector('[data-testid=gguf-status]').textContent));
  assert.match(await page.textContent('[data-testid=gguf-status]'), /not a GGUF file/);
  assert.equal(await page.isHidden('[data-testid=gguf-summary]'), true);
  const cut = fs.readFileSync(fixturePath).subarray(0, 1500);
  await page.setInputFiles('[data-testid=gguf-file]', { name: 'cut.gguf', mimeType: 'application/octet-stream', buffer: cut });
  await page.waitForFunction(() => /truncated/.test(document.querySelector('[data-testid=gguf-status]').textContent));
  assert.equal(await page.$('img[src=x]'), null);
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well');  // the default setup still answers
  assert.notEqual(await page.inputValue('[data-testid=model]'), '__gguf__');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a setup that is too tight lists the changes that would help, each re-evaluated', async () => {
  const { page, ctx, errors } = await openPage(base);
  await page.selectOption('[data-testid=model]', 'meta-llama/Llama-3.1-8B-Instruct');
  await page.selectOption('[data-testid=quant]', 'Q4_K_M');
  await page.selectOption('[data-testid=hardware]', 'nvidia-rtx-3060');
  await page.selectOption('[data-testid=workload]', 'agent');
  await page.fill('[data-testid=context]', '131072');
  await page.dispatchEvent('[data-testid=context]', 'change');
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'too-tight');
  const tips = await page.$$eval('[data-testid=suggestions] li', (lis) => lis.map((li) => li.textContent));
  assert.ok(tips.length > 0, 'no suggestions');
  assert.ok(tips.some((t) => /^(KV cache|flash attention|context)/.test(t)), tips.join(' | '));
  assert.ok(tips.every((t) => /tok\/s/.test(t)), tips.join(' | '));
  assert.match(await page.textContent('[data-testid=max-context]'), /^[\d,]+ tokens$/);
  assert.deepEqual(errors, []);
  await ctx.close();
});
