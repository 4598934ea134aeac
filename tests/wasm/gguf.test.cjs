// gguf.test.cjs: the module's inspectGguf binding under node: the tiny fixture, growing slices,
// hostile bytes, and an estimate from the file's architecture and exact bytes.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const wasmDir = process.env.HEADROOM_WASM_DIR || path.join(root, 'build', 'wasm', 'wasm');
const fixture = new Uint8Array(fs.readFileSync(path.join(root, 'tests', 'data', 'tiny-llama.gguf')));

let modulePromise;
const loadModule = () => (modulePromise ||= require(path.join(wasmDir, 'headroom.js'))({
  wasmBinary: fs.readFileSync(path.join(wasmDir, 'headroom.wasm')),
}));

test('the tiny llama fixture: architecture, file type and exact bytes', async () => {
  const m = await loadModule();
  const g = m.inspectGguf(fixture);
  assert.equal(g.error, '');
  assert.equal(g.needBytes, 0);
  assert.equal(g.version, 3);
  assert.equal(g.architecture, 'llama');
  assert.equal(g.name, 'Tiny Llama');
  assert.equal(g.fileType, 'Q4_K_M');
  assert.equal(g.quant, 'Q4_K_M');
  assert.equal(g.tensorCount, 12);
  assert.equal(g.tensorBytes, 61536);
  assert.equal(g.embeddingBytes, 4608);
  assert.equal(g.deviceBytes, 61536 - 4608);
  assert.equal(g.expectedFileBytes, fixture.length);
  assert.deepEqual(g.byType.map((t) => [t.type, t.tensors, t.bytes]),
    [['Q4_K', 4, 27648], ['Q6_K', 2, 10080], ['Q4_0', 1, 9216], ['Q8_0', 1, 8704], ['F32', 3, 3072], ['Q5_K', 1, 2816]]);
  assert.equal(g.archError, '');
  assert.equal(g.arch.layers, 1);
  assert.equal(g.arch.hidden, 256);
  assert.equal(g.arch.kvHeads, 1);
  assert.equal(g.arch.vocab, 32);
  assert.equal(g.scenarioModel.name, 'Tiny Llama');
  assert.equal(g.scenarioModel.config.model_type, 'llama');
  assert.equal(g.scenarioModel.config.num_hidden_layers, 1);
});

test('a short slice asks for more bytes, and growing it as asked reaches the header', async () => {
  const m = await loadModule();
  let have = 16;
  let g = m.inspectGguf(fixture.subarray(0, have));
  let rounds = 0;
  while (g.needBytes > 0 && rounds++ < 1000) {
    assert.equal(g.error, '');
    have = Math.min(fixture.length, have + g.needBytes);
    g = m.inspectGguf(fixture.subarray(0, have));
  }
  assert.equal(g.error, '');
  assert.equal(g.tensorBytes, 61536);
  assert.equal(have, g.headerBytes);
});

test('every prefix of the header gives an error-free request for more, never an exception', async () => {
  const m = await loadModule();
  const header = m.inspectGguf(fixture).headerBytes;
  for (let n = 0; n < header; n += 7) {
    const g = m.inspectGguf(fixture.subarray(0, n));
    assert.equal(g.error, '', `prefix ${n}`);
    assert.ok(g.needBytes > 0 && n + g.needBytes <= header, `prefix ${n}: need ${g.needBytes}`);
  }
});

test('hostile bytes give an error, never an exception', async () => {
  const m = await loadModule();
  const le64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
  const le32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  const cases = [
    Buffer.from('not a gguf file'),
    Buffer.concat([Buffer.from('GGUF'), le32(1), le64(0), le64(0)]),
    Buffer.concat([Buffer.from('GGUF'), le32(3), le64(2n ** 40n), le64(0)]),
    Buffer.concat([Buffer.from('GGUF'), le32(3), le64(0), le64(1), le64(2n ** 63n)]),
    Buffer.concat([Buffer.from('GGUF'), le32(3), le64(1), le64(0), le64(1), Buffer.from('w'), le32(9)]),
  ];
  for (const bytes of cases) {
    const g = m.inspectGguf(new Uint8Array(bytes));
    assert.ok(g.error.length > 0, `no error for ${bytes.toString('hex').slice(0, 40)}`);
    assert.equal(g.needBytes, 0);
  }
  // Random corruption of the fixture's header.
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 300; ++i) {
    const bad = fixture.slice(0, 2117);
    for (let f = 0; f < 3; ++f) bad[rand() % bad.length] = rand() & 0xff;
    const g = m.inspectGguf(bad);
    assert.equal(typeof g.error, 'string');
  }
});

test('the estimate from the file uses its architecture and exact bytes', async () => {
  const m = await loadModule();
  const g = m.inspectGguf(fixture);
  const p = m.estimate(JSON.stringify({ id: 'gguf', model: g.scenarioModel, quant: g.quant, hardware: 'nvidia-rtx-4090',
    weights_bytes: g.tensorBytes, embedding_bytes: g.embeddingBytes, context: 2048 }));
  assert.equal(p.error, null, p.error);
  assert.equal(p.memory.weights_bytes, 61536);
  assert.equal(p.memory.device_weights_bytes, 61536 - 4608);
  assert.equal(p.verdict, 'runs-well');
});
