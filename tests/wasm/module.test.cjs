// module.test.cjs: the WASM module under node: golden values, parity with the native probe, bad input.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..', '..');
const wasmDir = process.env.HEADROOM_WASM_DIR || path.join(root, 'build', 'wasm', 'wasm');
const nativeProbe = process.env.HEADROOM_NATIVE_PROBE || path.join(root, 'build', 'native', 'bin', 'headroom-probe');
const calibrationDir = process.env.HEADROOM_CALIBRATION_DIR || path.join(root, '..', 'shared', 'calibration');
const golden = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'data', 'golden.json'), 'utf8'));

// Node's built-in fetch cannot load a file path in Emscripten 3.1.6: hand the module its bytes.
const loadModule = () => require(path.join(wasmDir, 'headroom.js'))({
  wasmBinary: fs.readFileSync(path.join(wasmDir, 'headroom.wasm')),
});

const relClose = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-300);

test('the embedded catalog loads and lists models, hardware and workloads', async () => {
  const m = await loadModule();
  assert.equal(m.catalogError(), '');
  const models = m.catalogModels();
  assert.ok(Array.isArray(models) && models.length > 0);
  assert.ok(models.some((x) => x.id === golden.model));
  assert.ok(m.catalogHardware().length > 0);
  assert.ok(m.catalogWorkloads().some((w) => w.id === 'chat'));
  assert.ok(m.weightFormats().includes('Q4_K_M'));
});

test('weights and KV bytes match the hand-worked golden values', async () => {
  const m = await loadModule();
  for (const c of golden.cases) {
    const p = m.estimate(JSON.stringify({ model: golden.model, quant: c.quant, hardware: 'nvidia-a100-sxm4-80gb',
      context: golden.kv.context, kv_type: golden.kv.kv_type, prompt_tokens: 0, gen_tokens: 1 }));
    assert.equal(p.error, null, p.error);
    assert.equal(p.memory.weights_bytes, c.weights_bytes, `${c.quant}: ${c.derivation}`);
    assert.equal(p.memory.kv_bytes, golden.kv.bytes);
  }
  const model = m.catalogModels().find((x) => x.id === golden.model);
  assert.equal(model.computedParams, golden.params_total);
});

test('every calibration scenario gets the same answer as the native probe', async (t) => {
  if (!fs.existsSync(nativeProbe)) {
    t.skip(`native probe not built at ${nativeProbe}`);
    return;
  }
  const m = await loadModule();
  for (const file of ['speed.jsonl', 'memory.jsonl']) {
    const rowsPath = path.join(calibrationDir, file);
    const lines = fs.readFileSync(rowsPath, 'utf8').split('\n').filter((l) => l.trim());
    const scenarios = lines.map((l) => JSON.stringify(JSON.parse(l).scenario));
    const native = execFileSync(nativeProbe, ['estimate', '--scenarios', '-'], { input: scenarios.join('\n') + '\n' })
      .toString().trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(native.length, scenarios.length);
    scenarios.forEach((s, i) => {
      const w = m.estimate(s);
      const n = native[i];
      assert.equal(w.id, n.id);
      assert.equal(w.error, null);
      for (const k of ['decode_tok_s', 'prefill_tok_s', 'ttft_s']) {
        assert.ok(relClose(w[k], n[k], 1e-9), `${n.id} ${k}: wasm ${w[k]} native ${n[k]}`);
      }
      for (const k of Object.keys(n.memory)) assert.deepStrictEqual(w.memory[k], n.memory[k], `${n.id} memory.${k}`);
      assert.equal(w.verdict, n.verdict);
    });
  }
});

test('bad input gives an error object, never an exception', async () => {
  const m = await loadModule();
  const bad = [
    '', '{', 'null', '[]', '{"model": 5}',
    JSON.stringify({ model: golden.model, quant: 'Q4_K_M', hardware: { name: '<img src=x onerror=alert(1)>', memory_gb: 'NaN', bandwidth_gbs: 1, backend: 'cuda' } }),
    JSON.stringify({ model: golden.model, quant: 'Q4_K_M', hardware: 'nvidia-rtx-4090', context: -1 }),
    JSON.stringify({ model: golden.model, quant: 'Q4_K_M', hardware: 'nvidia-rtx-4090', gpus: 1e308 }),
    '{"model": "' + 'x'.repeat(100000) + '"}',
    '['.repeat(10000),
    '{"model": "\ud800"}',
  ];
  for (const line of bad) {
    const p = m.estimate(line);
    assert.equal(typeof p.error, 'string', `no error for ${line.slice(0, 60)}`);
    assert.ok(p.error.length > 0);
  }
  const prof = m.profileHardware('{"schema": "headroom-profile/1", "devices": [{"kind": "cpu"}]}');
  assert.ok(prof.error.length > 0);
});

test('decodeShareLink: core decodes and checks the page state, and names what is wrong', async () => {
  const m = await loadModule();
  const b64 = (text) => Buffer.from(text).toString('base64url');
  const defaults = m.decodeShareLink('');
  assert.equal(defaults.error, '');
  assert.equal(defaults.profile, null);
  assert.deepEqual(Object.keys(defaults.state).sort(),
    ['context', 'display', 'engine', 'gpus', 'hardware', 'knobs', 'kv', 'model', 'modelConfig', 'modelName', 'modelWeightsBytes',
      'quant', 'workload']);
  assert.equal(defaults.state.modelConfig, null);
  assert.deepEqual({ ...defaults.state.knobs }, {});
  const good = m.decodeShareLink('#s=' + b64(JSON.stringify({ model: golden.model, gpus: 2, context: 4096 })));
  assert.equal(good.error, '');
  assert.equal(good.state.gpus, 2);
  assert.equal(good.state.context, 4096);
  const cases = [
    ['s=' + b64('{"gpus": 0}'), /'gpus'/],
    ['s=' + b64('{"context": 1e308}'), /'context'/],
    ['s=' + b64('{"gpus": NaN}'), /malformed JSON/],
    ['s=' + b64('{"model": "<script>alert(1)</script>"}'), /'model'/],
    ['s=%%%', /base64url/],
    ['s=' + Buffer.from([0xff, 0xfe]).toString('base64url'), /UTF-8/],
    ['s=' + b64('['.repeat(30000)), /nested deeper/],
    ['s=' + 'A'.repeat(70000), /too long/],
    ['s=' + b64('{"hardware": "__measured__"}'), /'hardware'/],
  ];
  for (const [fragment, why] of cases) {
    const r = m.decodeShareLink(fragment);
    assert.match(r.error, why, fragment.slice(0, 40));
    assert.deepEqual(r.state, defaults.state, 'a bad link leaves the defaults');
    assert.equal(r.profile, null);
  }
});

test('estimateSeries gives each point the figures estimate gives for that context, and refuses bad points', async () => {
  const m = await loadModule();
  const base = { id: 's', model: golden.model, quant: 'Q4_K_M', hardware: 'nvidia-rtx-4090', gpus: 2, engine: 'llama.cpp',
    context: 8192, kv_type: 'f16', prompt_tokens: 500, gen_tokens: 400, workload: 'chat' };
  const points = [1024, 8192, 65536, 131072, 1 << 24].map((c) => ({ context: c, promptTokens: c - 200, genTokens: 200 }));
  const r = m.estimateSeries(JSON.stringify(base), points);
  assert.equal(r.error, '');
  points.forEach((q, i) => {
    const p = m.estimate(JSON.stringify(Object.assign({}, base, { context: q.context, prompt_tokens: q.promptTokens, gen_tokens: q.genTokens })));
    assert.equal(p.error, null, p.error);
    assert.equal(r.decodeTokS[i], p.decode_tok_s, `decode at ${q.context}`);
    assert.equal(r.totalBytes[i], p.memory.total_bytes, `memory at ${q.context}`);
    assert.equal(r.capacityBytes[i], p.memory.capacity_bytes);
    assert.equal(r.fits[i], p.fits);
  });
  // A point out of range (as estimate would refuse it) is empty at its place; the rest still answer.
  const mixed = m.estimateSeries(JSON.stringify(base), [{ context: 0, promptTokens: 1, genTokens: 1 }, { context: 2.5 },
    null, 'x', { context: 4096, promptTokens: 100, genTokens: 100 }]);
  assert.deepEqual(mixed.totalBytes.slice(0, 4), [null, null, null, null]);
  assert.deepEqual(mixed.fits.slice(0, 4), [false, false, false, false]);
  assert.ok(mixed.totalBytes[4] > 0);
  // A bad scenario or a bad list is an error, never a throw.
  assert.match(m.estimateSeries('{', points).error, /malformed JSON/);
  assert.match(m.estimateSeries(JSON.stringify(base), 'not a list').error, /at most 64/);
  assert.match(m.estimateSeries(JSON.stringify(base), new Array(65).fill(points[0])).error, /at most 64/);
});
