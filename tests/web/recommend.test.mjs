// recommend.test.mjs: the page's "what runs well on this hardware" list, the smallest / cheapest
// hardware for the chosen model, and the workload knobs (their effect and their share link).
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

/// Waits until the recommendations reflect the latest change (they run just after the answer).
async function recommendationsAfter(page, round) {
  await page.waitForFunction((r) => Number(document.querySelector('[data-testid=rec-models]').dataset.ready || 0) > r,
    round, { timeout: 15000 });
  return Number(await page.getAttribute('[data-testid=rec-models]', 'data-ready'));
}
/// How many models the panel lists in all (its status line; only the best ten rows are built until "Show all").
const picksCount = async (page) => Number(((await page.textContent('[data-testid=rec-status]')).match(/^(\d+) catalog models/) || [0, 0])[1]);
const round = async (page) => Number(await page.getAttribute('[data-testid=rec-models]', 'data-ready') || 0);

/// The settings a page's link carries (its s= part, decoded).
const linkState = (url) => JSON.parse(Buffer.from(new URL(url).hash.match(/[#&]s=([^&]*)/)[1], 'base64url').toString('utf8'));

const figures = async (page) => ({
  verdict: await page.getAttribute('[data-testid=verdict]', 'data-verdict'),
  decode: await page.textContent('[data-testid=decode]'),
  ttft: await page.textContent('[data-testid=ttft]'),
  kv: await page.textContent('[data-testid=mem-kv-cache]'),
  maxUsers: await page.textContent('[data-testid=max-users]'),
  task: await page.textContent('[data-testid=task]'),
});

test('an RTX 4090 for chat lists models that run well; Llama 3 8B is among them and a click selects it', async () => {
  const { page, ctx, errors } = await openPage(base);  // the default: Llama 3 8B Q4_K_M, RTX 4090, chat
  await recommendationsAfter(page, 0);
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well');
  const readRows = () => page.$$eval('[data-testid=rec-row]', (trs) => trs.map((tr) => ({
    model: tr.dataset.model, format: tr.dataset.format, hidden: tr.hidden,
    verdict: tr.children[2].textContent, decode: tr.children[3].textContent, tradeoff: tr.children[6].textContent })));
  const best = await readRows();
  assert.equal(best.length, 10, 'the best ten are shown first');
  const total = await picksCount(page);
  assert.ok(total > 10, `${total} picks`);
  assert.equal(await page.textContent('[data-testid=rec-more]'), `Show all ${total}`);
  // "Show all" lists every pick, the best ten first in the same order.
  await page.click('[data-testid=rec-more]');
  assert.equal(await page.getAttribute('[data-testid=rec-more]', 'aria-expanded'), 'true');
  const rows = await readRows();
  assert.equal(rows.length, total);
  assert.deepEqual(rows.slice(0, 10), best);
  for (const r of rows) {
    assert.equal(r.hidden, false, r.model);
    assert.equal(r.verdict, 'runs well', r.model);
    assert.ok(parseFloat(r.decode) > 20, `${r.model}: ${r.decode}`);
    assert.match(r.tradeoff, /x smaller and faster than 16-bit|16-bit weights/, r.tradeoff);
  }
  assert.ok(rows.some((r) => /KL divergence \d\.\d{3}/.test(r.tradeoff)), 'published quality loss is shown');
  const sweepMs = Number(await page.getAttribute('[data-testid=rec-models]', 'data-sweep-ms'));
  console.log(`# recommendation sweep in the browser: ${sweepMs} ms for ${rows.length} picks`);

  // Llama 3 8B is further down: "Show all" revealed it; picking it selects the model and format.
  const llama = rows.find((r) => r.model === 'meta-llama/Meta-Llama-3-8B');
  assert.ok(llama, rows.map((r) => r.model).join(', '));
  await page.selectOption('[data-testid=hardware]', 'nvidia-rtx-4090');  // unchanged: no new sweep is needed
  const row = page.locator(`[data-testid=rec-row][data-model="meta-llama/Meta-Llama-3-8B"] button`);
  // Keyboard: the row's button takes focus and Enter picks it.
  await row.focus();
  const r0 = await round(page);
  await page.keyboard.press('Enter');
  await recommendationsAfter(page, r0);
  assert.equal(await page.inputValue('[data-testid=model]'), 'meta-llama/Meta-Llama-3-8B');
  assert.equal(await page.inputValue('[data-testid=quant]'), llama.format);
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well');
  assert.equal(await page.getAttribute(`[data-testid=rec-row][data-model="meta-llama/Meta-Llama-3-8B"]`, 'class'), 'current');
  // The first row by mouse: the page now shows that model in that format.
  const top = rows[0];
  const r1 = await round(page);
  await page.click('[data-testid=rec-row]:first-child button');
  await recommendationsAfter(page, r1);
  assert.equal(await page.inputValue('[data-testid=model]'), top.model);
  assert.equal(await page.inputValue('[data-testid=quant]'), top.format);
  assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('smaller hardware lists fewer and smaller models; the hardware panel names what runs the model well', async () => {
  const { page, ctx, errors } = await openPage(base);
  let r = await recommendationsAfter(page, 0);
  const big = await picksCount(page);
  const smallest = await page.textContent('[data-testid=hw-smallest]');
  assert.match(smallest, /^Smallest: .+ \(\d+ GB.*\), runs well, \d+\.\d tok\/s$/);
  assert.match(await page.textContent('[data-testid=hw-cheapest]'), /^Cheapest: .+about \$[\d,]+\), runs well/);
  await page.selectOption('[data-testid=hardware]', 'nvidia-rtx-3060');
  r = await recommendationsAfter(page, r);
  const small = await picksCount(page);
  console.log(`# recommendation sweep after a hardware change: ${await page.getAttribute('[data-testid=rec-models]', 'data-sweep-ms')} ms`);
  assert.ok(small > 0 && small < big, `${small} on a 3060, ${big} on a 4090`);
  // The hardware answer depends on the model, not on the hardware picked.
  assert.equal(await page.textContent('[data-testid=hw-smallest]'), smallest);
  // A 70B model needs more than the 8B did.
  await page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-70B');
  r = await recommendationsAfter(page, r);
  const gb = (t) => Number(t.match(/\((\d+) GB/)[1]);
  assert.ok(gb(await page.textContent('[data-testid=hw-smallest]')) > gb(smallest));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('workload knobs start from the preset, change the answer, travel in the link, and reset with the preset', async () => {
  const { page, ctx, errors } = await openPage(base);
  const presets = await page.evaluate(() => createHeadroom().then((m) => m.catalogWorkloads()));
  const chat = presets.find((w) => w.id === 'chat');
  const knob = (id) => page.inputValue(`[data-testid=knob-${id}]`);
  assert.equal(await knob('prompt'), String(chat.promptTokens));
  assert.equal(await knob('gen'), String(chat.genTokens));
  assert.equal(await knob('context'), String(chat.context));
  assert.equal(await knob('users'), String(chat.concurrency));
  assert.equal(await knob('steps'), String(chat.steps));
  assert.equal(linkState(page.url()).knobs, undefined);  // the preset as it is: nothing extra in the link

  // 20 users on a 12 GB card with an 8B model: no longer runs well.
  await page.selectOption('[data-testid=hardware]', 'nvidia-rtx-3060');
  const one = await figures(page);
  assert.equal(one.verdict, 'runs-well');
  await page.fill('[data-testid=knob-users]', '20');
  await page.dispatchEvent('[data-testid=knob-users]', 'change');
  const twenty = await figures(page);
  assert.notEqual(twenty.verdict, 'runs-well', JSON.stringify(twenty));
  assert.ok(parseFloat(twenty.task) > parseFloat(one.task), `each answer takes longer: ${twenty.task} vs ${one.task}`);
  // A longer prompt takes longer to the first token.
  await page.fill('[data-testid=knob-prompt]', '4000');
  await page.dispatchEvent('[data-testid=knob-prompt]', 'change');
  const longPrompt = await figures(page);
  assert.ok(parseFloat(longPrompt.ttft) > parseFloat(twenty.ttft), `${longPrompt.ttft} vs ${twenty.ttft}`);
  // Out of range goes back to the last good value.
  await page.fill('[data-testid=knob-users]', '-3');
  await page.dispatchEvent('[data-testid=knob-users]', 'change');
  assert.equal(await knob('users'), '20');
  assert.deepEqual(await figures(page), longPrompt);

  const url = page.url();
  assert.deepEqual(linkState(url).knobs, { prompt_tokens: 4000, users: 20 });
  const second = await openPage(url);
  assert.equal(await second.page.inputValue('[data-testid=knob-users]'), '20');
  assert.equal(await second.page.inputValue('[data-testid=knob-prompt]'), '4000');
  assert.deepEqual(await figures(second.page), longPrompt);
  assert.deepEqual(second.errors, []);
  await second.ctx.close();

  // Another preset brings its own figures; going back to chat gives chat's again.
  await page.selectOption('[data-testid=workload]', 'agent');
  const agent = presets.find((w) => w.id === 'agent');
  assert.equal(await knob('steps'), String(agent.steps));
  assert.equal(await knob('users'), String(agent.concurrency));
  await page.selectOption('[data-testid=workload]', 'chat');
  assert.equal(await knob('users'), String(chat.concurrency));
  assert.deepEqual(await figures(page), one);
  assert.equal(linkState(page.url()).knobs, undefined);
  assert.deepEqual(errors, []);
  await ctx.close();
});
