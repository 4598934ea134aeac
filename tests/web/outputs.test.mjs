// outputs.test.mjs: the page's outputs in headless Chromium: the chart, the comparison and its link,
// "copy as Markdown", "how it was computed", offline use, keyboard-only use and the phone layout.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../../web/serve.mjs';
import { here, root, siteDir, startSite, openPageIn } from './harness.mjs';

const logDir = path.join(root, 'build', 'test-logs');

let server, browser, base;

test.before(async () => {
  ({ server, browser, base } = await startSite());
});

test.after(async () => {
  await browser?.close();
  server?.close();
});

const openPage = (url, context) => openPageIn(browser, url, context);
const verdictOf = (page) => page.getAttribute('[data-testid=verdict]', 'data-verdict');
async function setContext(page, value) {
  await page.fill('[data-testid=context]', String(value));
  await page.dispatchEvent('[data-testid=context]', 'change');
}
const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('the chart draws decode speed and memory against context, with capacity and the current context', async () => {
  const { page, ctx, errors } = await openPage(base);
  const decode = '[data-testid=chart-decode]', memory = '[data-testid=chart-memory]';
  assert.equal(await page.textContent(`${decode} title`), 'Decode speed against context length');
  // 24 GiB less the 1 GiB a desktop keeps on a consumer card (memory_constants.h kDesktopReserveBytes).
  assert.match(await page.textContent(`${memory} desc`), /capacity of 23\.0 GiB/);
  assert.equal(await page.getAttribute(decode, 'role'), 'img');
  // One point per row of the hidden data table; Llama 3 8B states 8k as its longest context, so the
  // chart runs 1k..8k with the current 8k marked.
  const rows = await page.$$eval('[data-testid=chart-table] tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ['1,024', '2,048', '4,096', '8,192']);
  assert.equal(await page.$$eval(`${decode} circle`, (c) => c.length), rows.length);
  assert.match(await page.getAttribute(`${decode} path.series`, 'd'), /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){3}$/);
  assert.equal(await page.textContent(`${decode} .marker-label`), 'now: 8k');
  assert.equal(await page.textContent(`${memory} .ref-label`), 'capacity 23.0 GiB');
  // Longer context: slower decode, more memory; every figure from core.
  const decodes = rows.map((r) => parseFloat(r[1])), mems = rows.map((r) => parseFloat(r[2]));
  for (let i = 1; i < rows.length; ++i) {
    assert.ok(decodes[i] < decodes[i - 1], `decode falls with context: ${decodes}`);
    assert.ok(mems[i] > mems[i - 1], `memory grows with context: ${mems}`);
  }
  // The 8k row is the page's own setup with its context filled: the memory matches the breakdown.
  assert.equal(`${rows[3][2]} GiB`, await page.textContent('[data-testid=mem-total-needed]'));
  // A model with a long context: the chart reaches it, and a context off the grid is added and marked.
  await page.selectOption('[data-testid=model]', 'meta-llama/Llama-3.1-8B-Instruct');
  await setContext(page, 20000);
  const xs = await page.$$eval('[data-testid=chart-table] tbody tr', (trs) => trs.map((tr) => tr.cells[0].textContent));
  assert.equal(xs[xs.length - 1], '131,072');
  assert.ok(xs.includes('20,000'), xs.join(' '));
  assert.equal(await page.textContent(`${decode} .marker-label`), 'now: 20000');
  // A setup that does not fit at long contexts says so in the table and the description.
  await page.selectOption('[data-testid=hardware]', 'nvidia-rtx-3060');
  const fits = await page.$$eval('[data-testid=chart-table] tbody tr', (trs) => trs.map((tr) => tr.cells[3].textContent));
  assert.equal(fits[0], 'yes');
  assert.equal(fits[fits.length - 1], 'no');
  assert.match(await page.textContent(`${memory} desc`), /fits up to \d+k of the charted lengths/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/// The figures of the comparison table: one array of cell texts per row.
const compareCells = (page) => page.$$eval('[data-testid=compare-table] tbody tr',
  (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));

test('pinned setups are compared side by side, and a link reproduces the comparison', async () => {
  const { page, ctx, errors } = await openPage(base);
  const shown = [];
  const pin = async () => {
    shown.push({ verdict: (await page.textContent('[data-testid=verdict]')).trim(), decode: await page.textContent('[data-testid=decode]'),
      prefill: await page.textContent('[data-testid=prefill]'), ttft: await page.textContent('[data-testid=ttft]') });
    await page.click('[data-testid=compare-add]');
  };
  await pin();
  await page.selectOption('[data-testid=quant]', 'Q8_0');
  await pin();
  await page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-70B');
  await page.selectOption('[data-testid=quant]', 'F16');
  await pin();
  const cells = await compareCells(page);
  assert.equal(cells.length, 6);  // verdict, decode, prefill, TTFT, memory, headroom
  assert.equal(cells[0].length, 3);
  // Each column shows what the page showed when that setup was current.
  shown.forEach((s, i) => {
    assert.equal(cells[0][i], s.verdict);
    assert.equal(cells[1][i], s.decode);
    assert.equal(cells[2][i], s.prefill);
    assert.equal(cells[3][i], s.ttft);
  });
  assert.match(cells[5][2], /^short by \d+\.\d\d GiB$/);  // 70B at F16 does not fit in 24 GB
  assert.match(await page.textContent('[data-testid=compare-table] thead th:nth-child(3)'), /Q8_0 on NVIDIA GeForce RTX 4090/);
  // Pinning the same setup twice is refused.
  await page.click('[data-testid=compare-add]');
  assert.match(await page.textContent('[data-testid=compare-status]'), /already pinned/);
  // The link carries the comparison: a fresh context shows the same table.
  const link = page.url();
  const second = await openPage(link);
  assert.deepEqual(await compareCells(second.page), cells);
  assert.equal(await second.page.textContent('[data-testid=message]'), '');
  assert.deepEqual(second.errors, []);
  await second.ctx.close();
  // Remove the second; the link follows.
  await page.click('[data-testid=compare-remove-1]');
  const after = await compareCells(page);
  assert.deepEqual(after.map((r) => r.length), [2, 2, 2, 2, 2, 2]);
  assert.equal(after[1][1], shown[2].decode);
  const third = await openPage(page.url());
  assert.deepEqual(await compareCells(third.page), after);
  await third.ctx.close();
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('at most four setups are pinned, and a link with five is refused with a message', async () => {
  const { page, ctx, errors } = await openPage(base);
  for (const q of ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0']) {
    await page.selectOption('[data-testid=quant]', q);
    await page.click('[data-testid=compare-add]');
  }
  assert.equal((await compareCells(page))[0].length, 4);
  assert.equal(await page.isDisabled('[data-testid=compare-add]'), true);
  await ctx.close();
  const five = Array.from({ length: 5 }, () => ({ model: 'meta-llama/Meta-Llama-3-8B' }));
  const bad = await openPage(base + '#s=' + enc({ compare: five }));
  assert.match(await bad.page.textContent('[data-testid=message]'), /'compare' holds 5 setups \(limit 4\)/);
  assert.equal(await verdictOf(bad.page), 'runs-well');
  assert.deepEqual(await compareCells(bad.page), []);
  await bad.ctx.close();
  // Hostile entries: markup as a model name, NaN-like and huge numbers, a nested comparison.
  for (const [entry, why] of [[{ model: '<img src=x onerror=alert(1)>' }, /'model'/], [{ gpus: 1e308 }, /'gpus'/],
    [{ context: -1 }, /'context'/], [{ compare: [{}] }, /'compare'/], ['<script>', /JSON object/]]) {
    const h = await openPage(base + '#s=' + enc({ compare: [{}, entry] }));
    const message = await h.page.textContent('[data-testid=message]');
    assert.match(message, /'compare' entry 2/);
    assert.match(message, why);
    assert.equal(await h.page.$('img[src=x]'), null);
    assert.deepEqual(h.errors, []);
    await h.ctx.close();
  }
  assert.deepEqual(errors, []);
});

test('copy as Markdown gives a table of the setups, the memory breakdown and the link', async () => {
  const { page, ctx, errors } = await openPage(base, { permissions: ['clipboard-read', 'clipboard-write'] });
  await page.click('[data-testid=compare-add]');
  await page.selectOption('[data-testid=engine]', 'vllm');
  await page.click('[data-testid=copy-markdown]');
  await page.waitForFunction(() => document.querySelector('[data-testid=markdown-status]').textContent !== '');
  const md = await page.textContent('[data-testid=markdown]');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), md);
  const lines = md.split('\n');
  assert.equal(lines[0], '| Setup | Verdict | Decode | Prefill | TTFT | Memory needed | Headroom |');
  assert.equal(lines[1], '|---|---|---|---|---|---|---|');
  // The current setup first (vLLM), then the pinned one (llama.cpp), with the page's figures.
  const cur = lines[2].split(' | ');
  assert.match(cur[0], /^\| Meta Llama 3 8B Q4_K_M on NVIDIA GeForce RTX 4090, vllm, 8,192 tokens, KV f16, chat$/);
  assert.equal(cur[1], (await page.textContent('[data-testid=verdict]')).trim());
  assert.equal(cur[2], await page.textContent('[data-testid=decode]'));
  assert.equal(cur[4], await page.textContent('[data-testid=ttft]'));
  assert.match(lines[3], /, llama\.cpp, /);
  assert.ok(md.includes(`| KV cache | ${await page.textContent('[data-testid=mem-kv-cache]')} |`), md);
  assert.ok(md.includes(`| Total needed | ${await page.textContent('[data-testid=mem-total-needed]')} |`), md);
  assert.ok(md.trimEnd().endsWith(`[Open this in headroom](${page.url()})`), md);
  assert.match(page.url(), /#s=/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('each figure says how it was computed and gives the command that checks it', async () => {
  const { page, ctx, errors } = await openPage(base);
  const how = (id) => page.$$eval(`[data-testid=how-${id}] dt, [data-testid=how-${id}] dd`, (els) => els.map((e) => e.textContent));
  const decode = await how('decode');
  const item = (list, term) => list[list.indexOf(term) + 1];
  assert.match(item(decode, 'Bytes per weight'), /^0\.\d{3} bytes \(Q4_K_M\)$/);
  assert.match(item(decode, 'Effective bandwidth'), /^\d+ GB\/s = 1008 GB\/s peak \(NVIDIA GeForce RTX 4090\) × 0\.\d{4}, smoothly capped at 1170 GB\/s$/);
  assert.match(item(decode, 'Constants'), /speed_constants\.h/);
  // The step time's parts add up to the decode speed shown.
  const step = item(decode, 'Step time').match(/= ([\d.]+) ms$/);
  assert.ok(step, item(decode, 'Step time'));
  const tokS = parseFloat(await page.textContent('[data-testid=decode]'));
  assert.ok(Math.abs(1000 / parseFloat(step[1]) - tokS) / tokS < 0.01, `${step[1]} ms vs ${tokS} tok/s`);
  const prefill = await how('prefill');
  assert.match(item(prefill, 'Matrix rate'), /^[\d.]+ TFLOP\/s = [\d.]+ TFLOP\/s FP16 peak × 0\.\d{4}$/);
  const memory = await how('memory');
  assert.equal(`${item(memory, 'KV cache').split(' for ')[0]}`, await page.textContent('[data-testid=mem-kv-cache]'));
  // The commands: llama-bench for llama.cpp, vllm bench latency for vLLM, mlx_lm.generate for MLX.
  const command = () => page.textContent('[data-testid=how-command-decode]');
  assert.equal(await command(), 'llama-bench -m Meta-Llama-3-8B-Q4_K_M.gguf -p 500 -n 400 -ngl 99');
  await page.selectOption('[data-testid=kv]', 'q8_0');
  assert.equal(await command(), 'llama-bench -m Meta-Llama-3-8B-Q4_K_M.gguf -p 500 -n 400 -ngl 99 -fa 1 -ctk q8_0 -ctv q8_0');
  assert.match(await page.textContent('[data-testid=how-command-memory]'), /^llama-server -m Meta-Llama-3-8B-Q4_K_M\.gguf -c 8192 -ngl 99/);
  await page.selectOption('[data-testid=kv]', 'f16');
  await page.selectOption('[data-testid=engine]', 'vllm');
  await page.fill('[data-testid=gpus]', '2');
  await page.dispatchEvent('[data-testid=gpus]', 'change');
  assert.equal(await command(), 'vllm bench latency --model meta-llama/Meta-Llama-3-8B --input-len 500 --output-len 400 --batch-size 1 --tensor-parallel-size 2');
  await page.selectOption('[data-testid=engine]', 'mlx');
  assert.match(await command(), /^mlx_lm\.generate --model meta-llama\/Meta-Llama-3-8B --prompt "\$\(yes hello \| head -n 500 \| tr '\\n' ' '\)" --max-tokens 400$/);
  // The details open and close with the keyboard like any <details>.
  await page.focus('[data-testid=how-decode] summary');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid=how-decode]').open);
  // It stays open while the inputs change.
  await page.selectOption('[data-testid=engine]', 'llama.cpp');
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid=how-decode]').open), true);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid=how-memory]').open), false);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the service worker caches every file the page loads', async () => {
  const html = fs.readFileSync(path.join(root, 'web', 'index.html'), 'utf8');
  const sw = fs.readFileSync(path.join(root, 'web', 'sw.js'), 'utf8');
  const files = JSON.parse(sw.match(/const FILES = (\[[^\]]*\])/)[1].replace(/'/g, '"'));
  const loaded = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  // The page's scripts come as one page.js that the build joins (wasm/bundle_page.cmake).
  for (const f of ['style.css', 'page.js', 'headroom.wasm']) assert.ok(loaded.includes(f), loaded.join(' '));
  for (const f of [...loaded, 'headroom.wasm', 'index.html']) assert.ok(files.includes(f), `sw.js does not cache ${f}`);
  for (const f of files) if (f !== './') assert.ok(fs.existsSync(path.join(siteDir, f)), `${f} is not in the built site`);
  // make dist copies the same files.
  const makefile = fs.readFileSync(path.join(root, 'Makefile'), 'utf8');
  const dist = makefile.slice(makefile.indexOf('\ndist:'));
  for (const f of files) if (f !== './') assert.ok(dist.includes(f) || dist.includes('*' + path.extname(f)), `make dist misses ${f}`);
});

test('once loaded, the page works offline', async () => {
  const own = await serve(siteDir, 0);
  const url = `http://127.0.0.1:${own.address().port}/`;
  const enc8 = enc({ model: 'meta-llama/Meta-Llama-3-70B', quant: 'Q4_K_M' });
  const { page, ctx, errors } = await openPage(url + '#s=' + enc8);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);  // sw.js claims the open page
  const before = await page.textContent('[data-testid=decode]');
  // Offline: the browser's network is off and the server is gone.
  await ctx.setOffline(true);
  const closed = new Promise((resolve) => own.close(resolve));
  own.closeAllConnections();
  await closed;
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  assert.ok(await verdictOf(page));
  assert.equal(await page.textContent('[data-testid=decode]'), before);
  assert.equal(await page.inputValue('[data-testid=model]'), 'meta-llama/Meta-Llama-3-70B');
  // A new tab in the same (offline) context opens too.
  const other = await ctx.newPage();
  await other.goto(url);
  await other.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
  assert.ok(await verdictOf(other));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('keyboard only: Tab to a picker, change it with the arrow keys, read the new verdict', async () => {
  const { page, ctx, errors } = await openPage(base);
  const tabTo = async (id) => {
    for (let i = 0; i < 60; ++i) {
      if (await page.evaluate(() => document.activeElement && document.activeElement.id) === id) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached #${id}`);
  };
  await tabTo('model');
  const before = await page.inputValue('[data-testid=model]');
  // Arrow keys until a model whose verdict differs (the 8B runs well on a 4090; a large one does not).
  await page.keyboard.press('End');
  assert.notEqual(await page.inputValue('[data-testid=model]'), before);
  await tabTo('quant');
  await page.keyboard.press('Home');  // F16, the first format
  assert.equal(await page.inputValue('[data-testid=quant]'), 'F16');
  await tabTo('context');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('4096');
  await page.keyboard.press('Tab');  // leaving the field commits it
  assert.equal(await page.evaluate(() => JSON.parse(atob(location.hash.slice(3).split('&')[0].replace(/-/g, '+').replace(/_/g, '/'))).context), 4096);
  const verdict = await verdictOf(page);
  assert.ok(verdict);
  assert.equal((await page.textContent('[data-testid=verdict]')).trim(), verdict.replace(/-/g, ' '));
  // The answer is announced: it sits in a polite live region.
  assert.equal(await page.getAttribute('section.answer', 'aria-live'), 'polite');
  // Keyboard reaches the outputs too: pin the setup with Enter, and the focus is visible.
  await tabTo('compare-add');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none');
  await page.keyboard.press('Enter');
  assert.equal((await compareCells(page))[0].length, 1);
  assert.equal((await compareCells(page))[0][0], (await page.textContent('[data-testid=verdict]')).trim());
  // The remove button is reachable and works from the keyboard too.
  for (let i = 0; i < 60 && await page.evaluate(() => document.activeElement.dataset.testid) !== 'compare-remove-0'; ++i) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  assert.deepEqual(await compareCells(page), []);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'compare-add');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('on a phone (390×844) nothing scrolls sideways; a screenshot is kept for review', async () => {
  const { page, ctx, errors } = await openPage(base, { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  // The widest state: four pinned setups, a long model name, every explanation open.
  await page.selectOption('[data-testid=model]', 'meta-llama/Llama-3.1-8B-Instruct');
  for (const q of ['Q4_K_M', 'Q5_K_M', 'Q6_K', 'Q8_0']) {
    await page.selectOption('[data-testid=quant]', q);
    await page.click('[data-testid=compare-add]');
  }
  await page.$$eval('details.how', (ds) => ds.forEach((d) => { d.open = true; }));
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.equal(widths.inner, 390, 'a page wider than the phone makes the browser zoom out');
  assert.ok(widths.scroll <= widths.inner, `page is ${widths.scroll}px wide in a ${widths.inner}px window`);
  // A recommendation's figures are on screen, not in a table that scrolls sideways out of view.
  await page.waitForSelector('[data-testid=rec-row]');
  const recRight = await page.$eval('[data-testid=rec-row] [data-testid=rec-decode]', (td) => td.getBoundingClientRect().right);
  assert.ok(recRight <= widths.inner, `the first recommendation's speed ends at ${recRight}px in a ${widths.inner}px window`);
  fs.mkdirSync(logDir, { recursive: true });
  await page.screenshot({ path: path.join(logDir, 'phone.png'), fullPage: true });
  await page.screenshot({ path: path.join(logDir, 'phone-first-screen.png') });
  assert.ok(fs.statSync(path.join(logDir, 'phone.png')).size > 10000);
  assert.deepEqual(errors, []);
  await ctx.close();
});
