// app.js: the page's wiring: catalog pickers, share-link state, and rendering core's answer.
// Every number comes from the WASM core; untrusted text is only ever set as textContent.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const GIB = 1024 * 1024 * 1024;
  const MEASURED = '__measured__';
  const GGUF = '__gguf__';  // the model of an opened GGUF file
  const MIB = 1024 * 1024;
  let DEFAULTS = null;  // core's defaults: decodeShareLink('').state

  let core = null;
  let models = [], hardware = [], workloads = [];
  let state = null;
  let profileText = null;  // the loaded probe profile, as JSON text
  let gguf = null;  // {fileName, info}: the opened GGUF file's header, as core read it

  // The output modules (outputs.js and friends) register on window.HeadroomOutputs; app.js hands
  // them core, the catalog and how to build a scenario, and calls them after every answer.
  const outputs = () => window.HeadroomOutputs || null;

  // --- base64url for the share link (UTF-8 safe) -------------------------------------------
  function toBase64Url(text) {
    const bytes = new TextEncoder().encode(text);
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function showMessage(text) {
    const m = $('message');
    m.textContent = text;
    m.hidden = !text;
  }

  // --- pickers ---------------------------------------------------------------------------
  function option(value, label) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  }
  function fillModels(filter) {
    const sel = $('model');
    const f = (filter || '').trim().toLowerCase();
    sel.replaceChildren();
    if (gguf && !gguf.info.archError) sel.append(option(GGUF, `File: ${gguf.fileName}`));
    for (const m of models) {
      const size = (m.params / 1e9).toFixed(m.params < 1e10 ? 1 : 0) + 'B';
      const label = `${m.name} (${size})`;
      if (f && !(label.toLowerCase().includes(f) || m.family.toLowerCase().includes(f) || m.id.toLowerCase().includes(f))) continue;
      sel.append(option(m.id, label));
    }
    if ([...sel.options].some((o) => o.value === state.model)) sel.value = state.model;
  }
  function fillHardware() {
    const sel = $('hardware');
    sel.replaceChildren();
    if (profileText) {
      const hw = core.profileHardware(profileText);
      sel.append(option(MEASURED, `Measured: ${hw.name}`));
    }
    for (const h of hardware) sel.append(option(h.id, `${h.name} (${Math.round(h.memoryBytes / GIB)} GB)`));
    sel.value = state.hardware === MEASURED && !profileText ? DEFAULTS.hardware : state.hardware;
  }

  // --- state <-> inputs <-> link ---------------------------------------------------------
  const NUMBER_FIELDS = { gpus: [1, 64], context: [1, 16777216] };
  /// Reads the settings a link carries; returns why the link could not be used ('' if it could).
  /// Core decodes and checks the whole fragment (base64url, UTF-8, JSON, catalog names, ranges)
  /// before anything here uses it; a bad link leaves the defaults.
  function readHash() {
    const r = core.decodeShareLink(location.hash.replace(/^#/, ''));
    state = Object.assign({}, r.state);
    profileText = r.profile;
    outputs()?.setPinned(r.compare || []);
    if (r.error) return `This link could not be opened (${r.error}); showing the default setup instead.`;
    return '';
  }
  function writeHash() {
    // A link cannot carry an opened GGUF file: it shares the rest of the setup.
    const shared = Object.assign({}, state);
    if (shared.model === GGUF) delete shared.model;
    const pinned = outputs()?.pinnedForLink() || [];
    if (pinned.length) shared.compare = pinned;
    let hash = 's=' + toBase64Url(JSON.stringify(shared));
    if (profileText && state.hardware === MEASURED) hash += '&profile=' + toBase64Url(JSON.stringify(JSON.parse(profileText)));
    history.replaceState(null, '', '#' + hash);
  }
  function stateToInputs() {
    fillModels($('model-filter').value);
    fillHardware();
    // Core accepts every engine, KV type and format it knows; the pickers list the common ones, so a
    // link naming another (already checked by core) gets an option of its own.
    const pick = (id, value) => {
      const sel = $(id);
      if (![...sel.options].some((o) => o.value === value)) sel.append(option(value, value));
      sel.value = value;
    };
    pick('quant', state.quant);
    $('quant').disabled = state.model === GGUF;  // the file's own format
    $('gpus').value = state.gpus;
    pick('engine', state.engine);
    $('context').value = state.context;
    pick('kv', state.kv);
    pick('workload', state.workload);
  }
  function inputsToState() {
    const num = (id, fallback) => {
      const v = Number($(id).value);
      const [lo, hi] = NUMBER_FIELDS[id];
      return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
    };
    state = { model: $('model').value || state.model, quant: $('quant').value, hardware: $('hardware').value,
      gpus: num('gpus', state.gpus), engine: $('engine').value, context: num('context', state.context),
      kv: $('kv').value, workload: $('workload').value };
  }

  // --- answer ----------------------------------------------------------------------------
  function scenario(s = state, profile = profileText) {
    const w = workloads.find((x) => x.id === s.workload) || workloads[0];
    const file = s.model === GGUF && gguf ? gguf.info : null;
    const fromFile = !file ? {} : Object.assign({ model: file.scenarioModel, quant: file.quant },
      // A shard of a split model holds only part of the weights: then the format decides the size.
      file.splitCount > 1 ? {} : { weights_bytes: file.tensorBytes },
      file.splitCount > 1 || !(file.embeddingBytes > 0 && file.embeddingBytes < file.tensorBytes) ? {} : { embedding_bytes: file.embeddingBytes });
    return Object.assign({
      id: 'page', model: s.model, quant: s.quant,
      hardware: s.hardware === MEASURED ? { profile: JSON.parse(profile) } : s.hardware,
      gpus: s.gpus, engine: s.engine, context: s.context, kv_type: s.kv,
      prompt_tokens: Math.min(w.promptTokens, s.context), gen_tokens: w.genTokens, workload: s.workload,
    }, fromFile);
  }
  const fmt = (v, unit, digits = 1) => (typeof v === 'number' && isFinite(v) ? `${v.toFixed(digits)} ${unit}` : '–');
  const gib = (b) => (b / GIB).toFixed(2) + ' GiB';

  function render(p) {
    if (p.error) {
      showMessage(`Cannot estimate this setup: ${p.error}`);
      $('verdict').textContent = 'no answer';
      $('verdict').className = 'verdict';
      return;
    }
    $('verdict').textContent = p.verdict.replace(/-/g, ' ');
    $('verdict').className = 'verdict ' + p.verdict;
    $('verdict').dataset.verdict = p.verdict;
    $('reasons').replaceChildren(...p.reasons.map((r) => { const li = document.createElement('li'); li.textContent = r; return li; }));
    $('decode').textContent = fmt(p.decode_tok_s, 'tok/s');
    $('prefill').textContent = fmt(p.prefill_tok_s, 'tok/s', 0);
    $('ttft').textContent = fmt(p.ttft_s, 's', 2);
    const w = p.workload || {};
    $('max-context').textContent = w.max_context > 0 ? `${Math.round(w.max_context).toLocaleString('en-US')} tokens` : 'none';
    $('max-users').textContent = typeof w.max_users === 'number' ? String(w.max_users) : '–';
    $('task').textContent = fmt(w.task_s, 's', 1);
    const tips = Array.isArray(p.suggestions) ? p.suggestions : [];
    $('suggestions-heading').hidden = tips.length === 0;
    $('suggestions').replaceChildren(...tips.map((t) => { const li = document.createElement('li'); li.textContent = t.summary; return li; }));

    const m = p.memory;
    const parts = [
      ['weights', 'Weights on device', m.device_weights_bytes],
      ['kv', 'KV cache', m.kv_bytes],
      ['compute', 'Compute buffers', m.compute_bytes],
      ['runtime', 'Runtime', m.overhead_bytes],
    ];
    const scale = Math.max(m.capacity_bytes, m.total_bytes);
    const bar = $('bar');
    bar.replaceChildren(...parts.map(([cls, label, bytes]) => {
      const s = document.createElement('span');
      s.className = cls;
      s.style.width = (100 * bytes / scale) + '%';
      s.title = `${label}: ${gib(bytes)}`;
      return s;
    }));
    const rows = parts.map(([cls, label, bytes]) => [cls, label, gib(bytes)]);
    rows.push(['', 'Total needed', gib(m.total_bytes)], ['', 'Capacity', gib(m.capacity_bytes)],
      ['', p.fits ? 'Headroom' : 'Short by', gib(Math.abs(m.capacity_bytes - m.total_bytes))]);
    $('breakdown').replaceChildren(...rows.map(([cls, label, value]) => {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      if (cls) { const sw = document.createElement('span'); sw.className = "swatch " + cls; a.append(sw); }
      a.append(label);
      const b = document.createElement('td');
      b.textContent = value;
      b.dataset.testid = 'mem-' + label.toLowerCase().replace(/\s+/g, '-');
      tr.append(a, b);
      return tr;
    }));
  }

  function update() {
    showMessage('');
    inputsToState();
    $('quant').disabled = state.model === GGUF;
    if (state.model === GGUF && gguf && [...$('quant').options].some((o) => o.value === gguf.info.quant)) $('quant').value = gguf.info.quant;
    const sc = scenario();
    const prediction = core.advise(JSON.stringify(sc));
    render(prediction);
    writeHash();
    outputs()?.render({ state, profile: profileText, scenario: sc, prediction });
  }

  const MAX_PROFILE_BYTES = 4 * 1024 * 1024;  // core refuses larger documents; do not read them
  async function loadProfileFile(file) {
    const status = $('profile-status');
    if (file.size > MAX_PROFILE_BYTES) {
      status.textContent = `Not a usable profile: the file is ${file.size} bytes, more than a profile ever holds (limit ${MAX_PROFILE_BYTES}).`;
      return;
    }
    // file.text() decodes UTF-8 with replacement characters, so core sees valid UTF-8 only.
    const text = (await file.text()).replace(/^\uFEFF/, '');
    const hw = core.profileHardware(text);
    let normal = null;
    if (!hw.error) {
      try { normal = JSON.stringify(JSON.parse(text)); } catch (e) { hw.error = 'malformed JSON'; }
    }
    if (hw.error) {
      status.textContent = `Not a usable profile: ${hw.error}`;
      return;
    }
    profileText = normal;
    state.hardware = MEASURED;
    status.textContent = `Predicting from measured numbers: ${hw.bandwidthGbs.toFixed(1)} GB/s on ${hw.name}.`;
    stateToInputs();
    update();
  }

  // --- GGUF file: read only the header, with File.slice, growing the slice as core asks ----------
  const bytesText = (b) => `${Math.round(b).toLocaleString('en-US')} bytes (${gib(b)})`;
  async function readGgufHeader(file) {
    let size = Math.min(file.size, 8 * MIB);
    for (;;) {
      const info = core.inspectGguf(new Uint8Array(await file.slice(0, size).arrayBuffer()));
      if (!info.needBytes) return { info, size };
      if (size >= file.size) return { info: { error: 'the file ends inside its header: it is truncated' }, size };
      size = Math.min(file.size, info.maxHeaderBytes, Math.max(size * 2, size + info.needBytes));
    }
  }
  function showGgufSummary(info) {
    const rows = [
      ['architecture', 'Architecture', `${info.architecture || '–'}${info.name ? ` (${info.name})` : ''}`],
      ['file-type', 'File type', info.fileType || `not stated (mostly ${info.dominantType || '–'})`],
    ];
    if (info.arch) {
      const a = info.arch;
      rows.push(['shape', 'Shape', `${a.layers} layers, hidden ${a.hidden}, ${a.heads} heads (${a.kvHeads} KV) of ${a.headDim}, ` +
        `vocab ${a.vocab}${a.experts ? `, ${a.activeExperts} of ${a.experts} experts` : ''}`]);
    }
    rows.push(['tensors', 'Tensors', String(info.tensorCount)]);
    for (const t of info.byType) rows.push([`type-${t.type}`, `  ${t.type} (${t.tensors})`, bytesText(t.bytes)]);
    rows.push(['tensor-bytes', 'Weights in the file', bytesText(info.tensorBytes)],
      ['device-bytes', 'Without token embedding', bytesText(info.deviceBytes)]);
    $('gguf-rows').replaceChildren(...rows.map(([id, label, value]) => {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      a.textContent = label;
      const b = document.createElement('td');
      b.textContent = value;
      b.dataset.testid = 'gguf-' + id;
      tr.append(a, b);
      return tr;
    }));
    $('gguf-summary').hidden = false;
  }
  async function loadGgufFile(file) {
    const status = $('gguf-status');
    status.textContent = `Reading the header of ${file.name}…`;
    const { info, size } = await readGgufHeader(file);
    if (info.error) {
      status.textContent = `Not a usable GGUF file: ${info.error}`;
      $('gguf-summary').hidden = true;
      if (state.model === GGUF) state.model = DEFAULTS.model;
      gguf = null;
      stateToInputs();
      update();
      return;
    }
    gguf = { fileName: file.name, info };
    showGgufSummary(info);
    let text = `Read the first ${size.toLocaleString('en-US')} of ${file.size.toLocaleString('en-US')} bytes.`;
    if (info.splitCount > 1) text += ` This file is one of ${info.splitCount} parts: the weights are estimated from the format.`;
    if (info.archError) {
      text += ` No estimate for it: ${info.archError}.`;
      if (state.model === GGUF) state.model = DEFAULTS.model;
    } else {
      state.model = GGUF;
      text += ' The answer uses its architecture and exact weight bytes.';
    }
    status.textContent = text;
    stateToInputs();
    update();
  }

  async function start() {
    core = await createHeadroom();
    performance.mark('headroom-core-ready');  // module compiled (tests/web/bench.mjs reads the marks)
    if (core.catalogError()) {
      showMessage(`The built-in catalog is broken: ${core.catalogError()}`);
      return;
    }
    DEFAULTS = Object.freeze(core.decodeShareLink('').state);
    outputs()?.init({
      core, models: () => models, hardware: () => hardware, workloads: () => workloads,
      scenario, isFileModel: (s) => s.model === GGUF, fileName: () => (gguf ? gguf.fileName : ''),
      measuredName: (profile) => (profile ? core.profileHardware(profile).name : ''),
      maxContext: (s) => (s.model === GGUF ? (gguf && gguf.info.arch ? gguf.info.arch.maxContext : 0)
        : (models.find((m) => m.id === s.model) || {}).maxContext || 0),
      // The comparison changed: the link must carry it.
      changed: () => writeHash(),
    });
    state = Object.assign({}, DEFAULTS);
    performance.mark('headroom-catalog-ready');
    models = core.catalogModels().sort((a, b) => a.name.localeCompare(b.name));
    hardware = core.catalogHardware().sort((a, b) => a.name.localeCompare(b.name));
    workloads = core.catalogWorkloads();
    for (const f of core.weightFormats()) $('quant').append(option(f, f));
    for (const w of workloads) $('workload').append(option(w.id, w.name));
    const linkProblem = readHash();
    stateToInputs();
    for (const id of ['model', 'quant', 'hardware', 'gpus', 'engine', 'context', 'kv', 'workload']) {
      $(id).addEventListener('change', update);
    }
    $('model-filter').addEventListener('input', () => { fillModels($('model-filter').value); update(); });
    $('profile-file').addEventListener('change', (e) => { if (e.target.files[0]) loadProfileFile(e.target.files[0]); });
    $('gguf-file').addEventListener('change', (e) => {
      if (e.target.files[0]) loadGgufFile(e.target.files[0]).catch((err) => { $('gguf-status').textContent = `Could not read the file: ${err.message}`; });
    });
    $('copy-link').addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(location.href);
        $('copy-status').textContent = 'Link copied.';
      } catch (e) {
        $('copy-status').textContent = 'Copy failed; the address bar holds the link.';
      }
    });
    window.addEventListener('hashchange', () => {
      const problem = readHash();
      stateToInputs();
      update();
      showMessage(problem);
    });
    update();
    showMessage(linkProblem);
    document.body.dataset.ready = 'true';
    performance.mark('headroom-first-answer');  // read by tests/web/bench.mjs
    registerServiceWorker();
  }

  /// Works offline once loaded: sw.js caches the page's files (served over http(s) only).
  function registerServiceWorker() {
    if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register('sw.js').catch(() => { /* the page works without it */ });
  }

  start().catch((e) => showMessage(`The page failed to start: ${e.message}`));
})();
