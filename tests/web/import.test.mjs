// import.test.mjs: importing a model from a Hugging Face Hub (a fixture server on loopback), pasting
// a config.json, and a share link that carries the imported model to a fresh browser with no network.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { here, root, siteDir, startSite, openPageIn } from './harness.mjs';

const hubDir = path.join(here, 'fixtures', 'hub');

let server, hubServer, browser, base, hub;
const hubRequests = [];

/// A Hub stand-in: files under fixtures/hub, plus the answers a real Hub gives that files cannot:
/// gated repositories (401, 403), a body over the page's limit (declared or not), a server error.
function startHub() {
  const s = http.createServer((req, res) => {
    hubRequests.push(req.url);
    const cors = { 'Access-Control-Allow-Origin': '*' };
    const url = new URL(req.url, 'http://127.0.0.1');
    const p = decodeURIComponent(url.pathname);
    if (p.startsWith('/gated/')) {
      res.writeHead(p.startsWith('/gated/private') ? 403 : 401, { ...cors, 'Content-Type': 'text/plain' }).end('Access to model is restricted.');
      return;
    }
    if (p === '/test/huge/resolve/main/config.json') {
      // 5 MiB with no Content-Length: the page must stop reading at its 4 MiB limit.
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const more = () => {
        while (sent < 5) {
          sent++;
          if (!res.write(chunk)) return res.once('drain', more);
        }
        res.end('{}');
      };
      res.on('error', () => {});
      more();
      return;
    }
    if (p === '/test/huge-declared/resolve/main/config.json') {
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json', 'Content-Length': String(64 * 1024 * 1024) });
      res.on('error', () => {});
      res.write('{');
      setTimeout(() => res.destroy(), 2000);
      return;
    }
    if (p.startsWith('/test/broken/')) {
      res.writeHead(500, cors).end('internal error');
      return;
    }
    const file = path.join(hubDir, p);
    if (!file.startsWith(hubDir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' }).end('Entry not found');
      return;
    }
    res.writeHead(200, { ...cors, 'Content-Type': 'application/json' }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

test.before(async () => {
  ({ server, browser, base } = await startSite());
  hubServer = await startHub();
  hub = `http://127.0.0.1:${hubServer.address().port}`;
});

test.after(async () => {
  await browser?.close();
  server?.close();
  hubServer?.close();
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
  maxContext: await page.textContent('[data-testid=max-context]'),
});

/// Types a model id, presses Import and waits for the status to say how it went.
async function importId(page, id) {
  await page.evaluate(() => { document.querySelector('[data-testid=import-status]').textContent = ''; });
  await page.fill('[data-testid=hf-id]', id);
  await page.click('[data-testid=hf-import]');
  await page.waitForFunction(() => /^(Imported|Could not|Not a usable)/.test(document.querySelector('[data-testid=import-status]').textContent),
    null, { timeout: 15000 });
  return page.textContent('[data-testid=import-status]');
}

test('importing a model by id fetches its config and weight index, and estimates it like the catalog model', async () => {
  // The hub address comes from the link's hub= part here; the Advanced field shows it.
  const { page, ctx, errors } = await openPage(base + '#hub=' + encodeURIComponent(hub));
  assert.equal(await page.inputValue('[data-testid=hub-base]'), hub);
  const catalogFigures = await figures(page);  // the default: Meta-Llama-3-8B, Q4_K_M, RTX 4090
  const status = await importId(page, 'meta-llama/Meta-Llama-3-8B');
  assert.match(status, /^Imported meta-llama\/Meta-Llama-3-8B: llama, 32 layers, hidden 4096, 32 heads \(8 KV\)/);
  assert.match(status, /Published checkpoint: 16,060,522,496 bytes \(14\.96 GiB\)/);
  assert.deepEqual(hubRequests.filter((u) => u.startsWith('/meta-llama/')),
    ['/meta-llama/Meta-Llama-3-8B/resolve/main/config.json', '/meta-llama/Meta-Llama-3-8B/resolve/main/model.safetensors.index.json']);
  assert.equal(await page.inputValue('[data-testid=model]'), '__imported__');
  assert.equal(await page.textContent('#model option:checked'), 'Imported: meta-llama/Meta-Llama-3-8B');
  // The same config.json as the catalog's entry: the same answer.
  assert.deepEqual(await figures(page), catalogFigures);
  // In the checkpoint's own 16-bit format, the index's exact bytes are the weights.
  await page.selectOption('[data-testid=quant]', 'F16');
  const f16 = await figures(page);
  await page.selectOption('[data-testid=model]', 'meta-llama/Meta-Llama-3-8B');
  const catalogF16 = await figures(page);
  assert.notEqual(f16.total, catalogF16.total, 'the published bytes, not the computed ones, are used');
  assert.equal(await page.textContent('#model option[value=__imported__]'), 'Imported: meta-llama/Meta-Llama-3-8B');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a link reproduces an imported model in a fresh browser, without asking the hub again', async () => {
  const first = await openPage(base);
  await first.page.click('.advanced summary');
  await first.page.fill('[data-testid=hub-base]', hub);
  await first.page.dispatchEvent('[data-testid=hub-base]', 'change');
  assert.match(await importId(first.page, 'google/gemma-3-12b-it'), /^Imported google\/gemma-3-12b-it: gemma3/);  // nested text_config
  await first.page.selectOption('[data-testid=quant]', 'Q5_K_M');
  await first.page.selectOption('[data-testid=hardware]', 'nvidia-rtx-3090');
  const want = await figures(first.page);
  const url = first.page.url();
  assert.match(url, /#s=.*&hub=/);
  await first.ctx.close();

  const before = hubRequests.length;
  const second = await openPage(url);
  assert.equal(await second.page.inputValue('[data-testid=model]'), '__imported__');
  assert.equal(await second.page.textContent('#model option:checked'), 'Imported: google/gemma-3-12b-it');
  assert.equal(await second.page.inputValue('[data-testid=quant]'), 'Q5_K_M');
  assert.equal(await second.page.inputValue('[data-testid=hub-base]'), hub);
  assert.deepEqual(await figures(second.page), want);
  assert.equal(hubRequests.length, before, 'the link carries the config: no request to the hub');
  assert.deepEqual(second.errors, []);
  await second.ctx.close();
});

test('every way an import can fail gets its own clear message and changes nothing', async () => {
  const { page, ctx, errors } = await openPage(base + '#hub=' + encodeURIComponent(hub));
  const before = await figures(page);
  const cases = [
    ['nobody/missing-model', /no config\.json at .* \(404\): check the model id/],
    ['gated/llama', /refused config\.json \(401\): the model is gated or private/],
    ['gated/private-model', /refused config\.json \(403\)/],
    ['test/broken', /answered 500/],
    ['test/malformed', /Not a usable config\.json: malformed JSON/],
    ['test/not-json', /Not a usable config\.json: malformed JSON/],
    ['test/unknown-arch', /Not a usable config\.json: .*model_type.*not-a-real-architecture|Not a usable config\.json: .*not-a-real-architecture/],
    ['test/huge', /larger than the 4194304-byte limit/],
    ['test/huge-declared', /67108864 bytes, more than the 4194304-byte limit/],
    ['../etc/passwd', /a model id is "owner\/name"/],
    ['', /enter a model id/],
  ];
  for (const [id, why] of cases) {
    const status = await importId(page, id);
    assert.match(status, why, `${id}: ${status}`);
    assert.ok(status.length < 400, status);
    assert.deepEqual(await figures(page), before, `${id} changed the answer`);
    assert.notEqual(await page.inputValue('[data-testid=model]'), '__imported__', id);
  }
  assert.equal(await page.$('img[src=x]'), null);
  assert.notEqual(await page.title(), 'pwned');
  // An unreachable hub: nothing listens on the port.
  const closed = http.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const deadPort = closed.address().port;
  await new Promise((r) => closed.close(r));
  await page.click('.advanced summary');
  await page.fill('[data-testid=hub-base]', `http://127.0.0.1:${deadPort}`);
  assert.match(await importId(page, 'meta-llama/Meta-Llama-3-8B'), /could not reach .* \(network error/);
  // A host the page's policy does not allow is refused by the browser, with the same message.
  await page.fill('[data-testid=hub-base]', 'https://example.invalid');
  assert.match(await importId(page, 'meta-llama/Meta-Llama-3-8B'), /could not reach https:\/\/example\.invalid\//);
  await page.fill('[data-testid=hub-base]', 'javascript:alert(1)');
  assert.match(await importId(page, 'meta-llama/Meta-Llama-3-8B'), /not an http\(s\) address/);
  assert.deepEqual(await figures(page), before);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('pasting a config.json estimates it; a bad paste says why and changes nothing', async () => {
  const { page, ctx, errors } = await openPage(base);
  await page.click('.paste summary');
  const before = await figures(page);
  const paste = async (text) => {
    await page.evaluate(() => { document.querySelector('[data-testid=import-status]').textContent = ''; });
    await page.fill('[data-testid=config-text]', text);
    await page.click('[data-testid=config-use]');
    return page.textContent('[data-testid=import-status]');
  };
  assert.match(await paste('{"model_type": "llama", "num_hidden_layers": '), /^Not a usable config\.json: malformed JSON/);
  assert.match(await paste('{"model_type": "<img src=x onerror=alert(1)>", "num_hidden_layers": 2}'), /^Not a usable config\.json: .*model_type/);
  assert.match(await paste('[1, 2, 3]'), /^Not a usable config\.json: /);
  assert.equal(await page.$('img[src=x]'), null);
  assert.deepEqual(await figures(page), before);
  // The catalog's Qwen3-8B config, pasted, answers as the catalog model does.
  const qwen = JSON.parse(fs.readFileSync(path.join(root, 'catalog', 'models', 'Qwen__Qwen3-8B.json'), 'utf8')).config;
  assert.match(await paste(JSON.stringify(qwen, null, 2)), /^Imported pasted config\.json: qwen3, 36 layers/);
  assert.equal(await page.inputValue('[data-testid=model]'), '__imported__');
  const pasted = await figures(page);
  await page.selectOption('[data-testid=model]', 'Qwen/Qwen3-8B');
  assert.deepEqual(await figures(page), pasted);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a link with a hostile imported model is refused by core, and runs no script', async () => {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const links = [
    '#s=' + enc({ model: '__imported__' }),
    '#s=' + enc({ model: '__imported__', model_name: '<img src=x onerror=alert(1)>', model_config: { model_type: '<script>x</script>' } }),
    '#s=' + enc({ model: '__imported__', model_config: 'llama' }),
    '#s=' + enc({ model_config: { model_type: 'llama', num_hidden_layers: 1e308, hidden_size: 4096 } }),
    '#s=' + enc({ knobs: { users: -1 } }),
    '#s=' + enc({ knobs: { steps: 'NaN' } }),
    '#s=' + enc({ model_name: 'x'.repeat(1000) }),
    '#s=' + enc({}) + '&hub=' + encodeURIComponent('javascript:alert(1)'),
  ];
  for (const link of links) {
    const { page, ctx, errors } = await openPage(base + link);
    const message = await page.textContent('[data-testid=message]');
    if (!link.includes('hub=')) assert.match(message, /could not be opened \(.+\)/, link.slice(0, 80));
    else assert.equal(await page.inputValue('[data-testid=hub-base]'), 'https://huggingface.co');
    assert.equal(await page.$('img[src=x]'), null);
    assert.notEqual(await page.inputValue('[data-testid=model]'), '__imported__');
    assert.equal(await page.getAttribute('[data-testid=verdict]', 'data-verdict'), 'runs-well', link);
    assert.deepEqual(errors, [], link.slice(0, 80));
    await ctx.close();
  }
});

test('the new page scripts never write HTML', () => {
  for (const name of ['import.js', 'recommend.js']) {
    const js = fs.readFileSync(path.join(root, 'web', name), 'utf8');
    assert.doesNotMatch(js, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, name);
  }
  const html = fs.readFileSync(path.join(root, 'web', 'index.html'), 'utf8');
  const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)[1];
  assert.match(csp, /connect-src 'self' https:\/\/huggingface\.co http:\/\/127\.0\.0\.1:\*;/);
  // No bare '*' and no scheme-only source (https: would allow every host).
  assert.doesNotMatch(csp.match(/connect-src([^;]*)/)[1], /\s(\*|https?:)(?=\s|$)/, 'connect-src names hosts');
});
