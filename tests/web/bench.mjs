// bench.mjs: the page's speed and size in headless Chromium, printed (a benchmark, not a timed
// test; `make bench` runs it, the test runner does not). Usage: node tests/web/bench.mjs [SITE_DIR]
// Figures and the targets: first answer on screen after navigation (<= 500 ms), recompute and
// redraw of the answer after an input change (median of 50 changes, <= 16 ms; the panels that follow
// it are timed too), the recommendation sweep over the whole catalog (<= 50 ms), everything the page
// downloads gzip -9 (<= 400 KB).
import path from 'node:path';
import zlib from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../web/serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const siteDir = path.resolve(process.argv[2] || path.join(root, 'build', 'wasm', 'wasm'));
const chromiumPath = process.env.HEADROOM_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOADS = 7;      // fresh-context page loads for the first-answer figure
const CHANGES = 50;   // input changes for the redraw figure

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

if (!fs.existsSync(path.join(siteDir, 'headroom.wasm'))) {
  console.error(`no built page in ${siteDir}: build the wasm preset first`);
  process.exit(2);
}
const server = await serve(siteDir, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });

// 1. First answer on screen, and every byte the page downloads (first load of a fresh context).
const firsts = [];
const stages = [];  // the marks app.js sets: module compiled, catalog read, first answer
const downloads = new Map();  // url -> {raw, gzip}
for (let i = 0; i < LOADS; ++i) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const pending = [];
  if (i === 0) {
    page.on('response', (r) => pending.push(r.body().then((b) => {
      downloads.set(r.url(), { raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length });
    }).catch(() => {})));
  }
  await page.goto(base);
  await page.waitForSelector('body[data-ready="true"]');
  const marks = await page.evaluate(() => Object.fromEntries(['headroom-core-ready', 'headroom-catalog-ready', 'headroom-first-answer']
    .map((n) => [n, performance.getEntriesByName(n)[0].startTime])));
  firsts.push(marks['headroom-first-answer']);
  stages.push(marks);
  if (i === 0) {
    await page.evaluate(() => navigator.serviceWorker && navigator.serviceWorker.ready);
    await Promise.all(pending);
  }
  await ctx.close();
}
// The service worker script is fetched by the browser, not the page: count it from the disk.
for (const f of ['sw.js']) {
  const url = base + f;
  if (!downloads.has(url) && fs.existsSync(path.join(siteDir, f))) {
    const b = fs.readFileSync(path.join(siteDir, f));
    downloads.set(url, { raw: b.length, gzip: zlib.gzipSync(b, { level: 9 }).length });
  }
}

// 2. Recompute and redraw after an input change; 3. the recommendation sweep over the catalog.
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto(base);
await page.waitForSelector('body[data-ready="true"]');
// The answer is redrawn in the change's own task; the recommendation panels follow once it is
// painted (app.js), so each change is timed in two parts: the answer (handler, then style and
// layout forced as the next frame would) and the panels' refresh (their own task, then layout).
const redraw = await page.evaluate(async (changes) => {
  // Alternate among the inputs people move: format, context, hardware.
  const steps = [['quant', 'Q8_0'], ['quant', 'Q4_K_M'], ['context', '32768'], ['context', '8192'],
    ['hardware', 'nvidia-rtx-3090'], ['hardware', 'nvidia-rtx-4090']];
  const rec = document.getElementById('rec-models');
  const answer = [], panels = [];
  for (let i = 0; i < changes; ++i) {
    const [id, value] = steps[i % steps.length];
    const el = document.getElementById(id);
    el.value = value;
    const round = Number(rec.dataset.ready || 0);
    const t0 = performance.now();
    el.dispatchEvent(new Event('change'));
    document.body.getBoundingClientRect();  // force style and layout, as the next frame would
    void document.documentElement.offsetHeight;
    answer.push(performance.now() - t0);
    while (Number(rec.dataset.ready || 0) === round) await new Promise((r) => setTimeout(r, 1));
    const t1 = performance.now();
    document.body.getBoundingClientRect();
    panels.push(Number(rec.dataset.refreshMs) + performance.now() - t1);
  }
  return { answer, panels };
}, CHANGES);
const sweep = await page.evaluate(async () => {
  const core = await createHeadroom();  // a second instance of the module, so the page's state is untouched
  const models = core.catalogModels();
  const base = { id: 'sweep', model: models[0].id, quant: 'Q4_K_M', hardware: 'nvidia-rtx-4090', gpus: 1,
    engine: 'llama.cpp', context: 8192, kv_type: 'f16', prompt_tokens: 500, gen_tokens: 400, workload: 'chat' };
  const run = (change = {}) => {
    const sc = Object.assign({}, base, change);
    const t0 = performance.now();
    if (typeof core.recommendModels === 'function') {
      // What the page's panel runs: core's ranked sweep over every catalog model and format.
      const r = core.recommendModels(JSON.stringify(sc), 1000);
      if (r && !r.error) return { ms: performance.now() - t0, how: 'core.recommendModels', n: models.length };
    }
    let answered = 0;
    for (const m of models) {
      const quant = m.formats.includes('Q4_K_M') ? 'Q4_K_M' : m.formats[0];
      const r = core.advise(JSON.stringify(Object.assign({}, sc, { model: m.id, quant })));
      if (!r.error) ++answered;
    }
    return { ms: performance.now() - t0, how: 'advise loop', n: answered };
  };
  const cold = run();
  // Each later sweep follows an input change, as on the page (another context, device, workload,
  // engine), so no sweep repeats the one before it.
  const warm = [run({ context: 16384 }), run({ hardware: 'nvidia-rtx-3090' }), run({ workload: 'coding' }),
    run({ engine: 'vllm' }), run({ context: 32768, hardware: 'nvidia-rtx-4090' })];
  // For reference: the same loop without suggestions (core.estimate), what a ranking needs at least.
  const t0 = performance.now();
  for (const m of models) {
    const quant = m.formats.includes('Q4_K_M') ? 'Q4_K_M' : m.formats[0];
    core.estimate(JSON.stringify({ id: 'sweep', model: m.id, quant, hardware: 'nvidia-rtx-4090', gpus: 1,
      engine: 'llama.cpp', context: 8192, kv_type: 'f16', prompt_tokens: 500, gen_tokens: 400, workload: 'chat' }));
  }
  return { cold, warm: warm.map((w) => w.ms), how: cold.how, n: cold.n, estimateLoop: performance.now() - t0 };
});
// The parts of a redraw: core's answer with suggestions, and the chart's sweep of contexts.
const parts = await page.evaluate(async () => {
  const core = await createHeadroom();
  const sc = { id: 'p', model: 'meta-llama/Meta-Llama-3-8B', quant: 'Q4_K_M', hardware: 'nvidia-rtx-4090', gpus: 1,
    engine: 'llama.cpp', context: 8192, kv_type: 'f16', prompt_tokens: 500, gen_tokens: 400, workload: 'chat' };
  const time = (f, n) => { f(); const t0 = performance.now(); for (let i = 0; i < n; ++i) f(); return (performance.now() - t0) / n; };
  return { advise: time(() => core.advise(JSON.stringify(sc)), 20), estimate: time(() => core.estimate(JSON.stringify(sc)), 50) };
});
await ctx.close();
await browser.close();
server.close();

let total = 0, rawTotal = 0;
const rows = [...downloads.entries()].map(([url, s]) => { total += s.gzip; rawTotal += s.raw; return [url.replace(base, '/'), s]; });
const kb = (b) => (b / 1024).toFixed(1);
const status = (v, target) => (v <= target ? 'ok' : 'OVER');
console.log(`headroom page benchmark (${siteDir}, headless Chromium, localhost; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores)`);
console.log(`first answer after navigation: median ${median(firsts).toFixed(0)} ms, first load ${firsts[0].toFixed(0)} ms, ` +
  `all [${firsts.map((x) => x.toFixed(0)).join(', ')}] (target <= 500 ms: ${status(median(firsts), 500)})`);
const stage = (n) => median(stages.map((m) => m[n])).toFixed(0);
console.log(`  stages (medians): module compiled ${stage('headroom-core-ready')} ms, catalog read ${stage('headroom-catalog-ready')} ms, ` +
  `first answer drawn ${stage('headroom-first-answer')} ms`);
console.log(`recompute + redraw of the answer after an input change: median ${median(redraw.answer).toFixed(2)} ms over ${CHANGES} changes, ` +
  `max ${Math.max(...redraw.answer).toFixed(2)} ms (target <= 16 ms: ${status(median(redraw.answer), 16)})`);
console.log(`  then the recommendation panels, after the answer is painted: median ${median(redraw.panels).toFixed(2)} ms, ` +
  `max ${Math.max(...redraw.panels).toFixed(2)} ms; answer and panels together median ${median(redraw.answer.map((a, i) => a + redraw.panels[i])).toFixed(2)} ms`);
console.log(`  of which core.advise ${parts.advise.toFixed(2)} ms, core.estimate ${parts.estimate.toFixed(2)} ms per call`);
console.log(`recommendation sweep over the catalog (${sweep.how}, ${sweep.n} models): cold ${sweep.cold.ms.toFixed(1)} ms, ` +
  `after an input change median ${median(sweep.warm).toFixed(1)} ms, max ${Math.max(...sweep.warm).toFixed(1)} ms (target <= 50 ms: ${status(median(sweep.warm), 50)})`);
console.log(`  the same loop with core.estimate (no suggestions): ${sweep.estimateLoop.toFixed(1)} ms`);
console.log(`downloads: ${kb(total)} KB gzip -9 (${kb(rawTotal)} KB raw) (target <= 400 KB: ${status(total, 400 * 1024)})`);
for (const [u, s] of rows.sort((a, b) => b[1].gzip - a[1].gzip)) console.log(`  ${u.padEnd(16)} ${kb(s.gzip).padStart(7)} KB gzip  ${kb(s.raw).padStart(7)} KB raw`);
