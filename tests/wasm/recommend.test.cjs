// recommend.test.cjs: the module's recommendModels, recommendHardware and parseConfig bindings,
// and the share link's imported model and workload knobs, under node.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const wasmDir = process.env.HEADROOM_WASM_DIR || path.join(root, 'build', 'wasm', 'wasm');
const catalogConfig = (file) => JSON.parse(fs.readFileSync(path.join(root, 'catalog', 'models', file), 'utf8')).config;

let modulePromise;
const loadModule = () => (modulePromise ||= require(path.join(wasmDir, 'headroom.js'))({
  wasmBinary: fs.readFileSync(path.join(wasmDir, 'headroom.wasm')),
}));

const chatOn = (hardware, extra = {}) => JSON.stringify(Object.assign({ model: 'meta-llama/Meta-Llama-3-8B', quant: 'Q4_K_M',
  hardware, gpus: 1, engine: 'llama.cpp', context: 8192, kv_type: 'f16', workload: 'chat' }, extra));

test('recommendModels: what runs chat well on a 24 GB card, ranked, with format facts', async () => {
  const m = await loadModule();
  const r = m.recommendModels(chatOn('nvidia-rtx-4090'), 1000);
  assert.equal(r.error, '');
  assert.ok(r.picks.length >= 5, JSON.stringify(r.picks.map((p) => p.modelId)));
  for (let i = 0; i < r.picks.length; ++i) {
    const p = r.picks[i];
    assert.equal(p.verdict, 'runs-well', p.modelId);
    assert.ok(p.decodeTokS > 20, `${p.modelId}: ${p.decodeTokS}`);
    assert.ok(p.headroomBytes > 0, p.modelId);
    assert.ok(!/70B/.test(p.modelId), `${p.modelId} cannot run well in 24 GB`);
    if (i > 0) assert.ok(r.picks[i - 1].quality >= p.quality, 'ranked by quality first');
    assert.ok(p.bitsPerWeight > 0 && p.bitsPerWeight <= 16, `${p.format}: ${p.bitsPerWeight}`);
  }
  // The whole list holds Llama 3 8B (each model in its best format that runs well), and each
  // format's published loss comes with it.
  const eight = r.picks.find((p) => p.modelId === 'meta-llama/Meta-Llama-3-8B');
  assert.ok(eight, JSON.stringify(r.picks.map((p) => p.modelId)));
  const q4 = r.picks.find((p) => p.format === 'Q4_K_M' && typeof p.meanKld === 'number');
  if (q4) assert.ok(q4.meanKld > 0 && q4.meanKld < 0.2, String(q4.meanKld));
  assert.equal(m.recommendModels(chatOn('nvidia-rtx-4090'), 3).picks.length, 3, 'top limits the list');
});

test('recommendModels: more memory lists bigger models; a bad scenario is an error field', async () => {
  const m = await loadModule();
  const small = m.recommendModels(chatOn('nvidia-rtx-3060'), 40).picks;
  const big = m.recommendModels(chatOn('nvidia-h100-sxm'), 40).picks;
  assert.ok(big.length > 0 && small.length > 0);
  assert.ok(big[0].quality > small[0].quality, `${big[0].modelId} vs ${small[0].modelId}`);
  for (const bad of ['{', '[]', chatOn('nvidia-rtx-9999'), chatOn('nvidia-rtx-4090', { workload: 'mining' }),
    chatOn('nvidia-rtx-4090', { gpus: 1e9 })]) {
    const r = m.recommendModels(bad, 10);
    assert.ok(r.error.length > 0, bad);
    assert.equal(r.picks, undefined);
  }
});

test('recommendHardware: the smallest and cheapest hardware that runs a 70B well', async () => {
  const m = await loadModule();
  const r = m.recommendHardware(chatOn('nvidia-rtx-4090', { model: 'meta-llama/Meta-Llama-3-70B' }));
  assert.equal(r.error, '');
  assert.equal(r.found, true);
  assert.equal(r.smallest.verdict, 'runs-well');
  assert.ok(r.smallest.memoryBytes >= 40 * 2 ** 30, String(r.smallest.memoryBytes));
  assert.ok(r.cheapest.priceUsd > 0);
  // An 8B needs less than a 70B.
  const eight = m.recommendHardware(chatOn('nvidia-rtx-4090'));
  assert.ok(eight.smallest.memoryBytes < r.smallest.memoryBytes);
  assert.ok(m.recommendHardware('{"model": 5}').error.length > 0);
});

test('parseConfig reads a config through core and names what is wrong', async () => {
  const m = await loadModule();
  const c = m.parseConfig(JSON.stringify(catalogConfig('Qwen__Qwen3-8B.json')));
  assert.equal(c.error, '');
  assert.equal(c.modelType, 'qwen3');
  assert.equal(c.layers, 36);
  assert.ok(c.params > 8e9 && c.params < 8.3e9, String(c.params));
  assert.match(m.parseConfig('{"model_type": "no-such-arch", "num_hidden_layers": 2}').error, /model_type/);
  assert.match(m.parseConfig('{').error, /malformed JSON/);
  assert.ok(m.parseConfig('[]').error.length > 0);
});

test('a share link carries an imported model and the workload knobs', async () => {
  const m = await loadModule();
  const config = catalogConfig('meta-llama__Meta-Llama-3-8B-Instruct.json');
  // 16060522496: Meta-Llama-3-8B's model.safetensors.index.json total_size (2 bytes x 8030261248).
  const state = { model: '__imported__', model_name: 'someone/llama3-8b-tune', model_config: config,
    model_weights_bytes: 16060522496, knobs: { prompt_tokens: 3000, users: 4 } };
  const r = m.decodeShareLink('s=' + Buffer.from(JSON.stringify(state)).toString('base64url'));
  assert.equal(r.error, '');
  assert.equal(r.state.model, '__imported__');
  assert.equal(r.state.modelName, 'someone/llama3-8b-tune');
  assert.deepEqual(r.state.modelConfig, config);
  assert.equal(r.state.modelWeightsBytes, 16060522496);
  assert.deepEqual({ ...r.state.knobs }, { promptTokens: 3000, users: 4 });
  const bad = m.decodeShareLink('s=' + Buffer.from(JSON.stringify({ ...state, model_config: { model_type: '<b>x</b>' } })).toString('base64url'));
  assert.match(bad.error, /'model_config'/);
  assert.equal(bad.state.modelConfig, null);
  assert.equal(bad.state.model, 'meta-llama/Meta-Llama-3-8B');
});
