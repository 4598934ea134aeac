// app.js: the page's wiring: catalog pickers, share-link state, and rendering core's answer.
// Every number comes from the WASM core; untrusted text is only ever set as textContent.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const GIB = 1024 * 1024 * 1024;
  const MEASURED = '__measured__';
  const GGUF = '__gguf__';  // the model of an opened GGUF file
  const IMPORTED = '__imported__';  // the model of an imported or pasted config.json (core's kImportedModel)
  const MAX_LINK_CONFIG_CHARS = 32 * 1024;  // core's kMaxShareModelConfigBytes: larger configs stay out of links
  const MIB = 1024 * 1024;
  /// An integer with thousands commas, as toLocaleString('en-US') writes it: not that call itself,
  /// whose first use loads the locale data (~150 ms on a cold page, the slowest part of the first answer).
  const thousands = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  let DEFAULTS = null;  // core's defaults: decodeShareLink('').state

  let core = null;
  let workloads = [];
  let lists = null;  // {models, hardware}: the catalog for the pickers and labels (see catalogLists)
  let state = null;
  let profileText = null;  // the loaded probe profile, as JSON text
  let gguf = null;  // {fileName, info}: the opened GGUF file's header, as core read it
  let imported = null;  // {name, config, weightsBytes, info}: an imported or pasted config, as core read it
  let knobs = {};  // the workload figures a person changed: {promptTokens, genTokens, context, users, steps}
  let hub = '';  // the hub address when not the default (from the Advanced field or a hub= link part)
  let recommend = null;  // the recommendation panels (recommend.js)

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

  /// The catalog's models and hardware sorted by name, converted from core on first use: the first
  /// answer names its setup by ids and does not wait for them.
  function catalogLists() {
    if (!lists) {
      const byName = new Intl.Collator().compare;  // localeCompare's order, without a collator per call
      lists = { models: core.catalogModels().sort((a, b) => byName(a.name, b.name)),
        hardware: core.catalogHardware().sort((a, b) => byName(a.name, b.name)) };
    }
    return lists;
  }
  const models = () => catalogLists().models;
  const hardware = () => catalogLists().hardware;

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
    if (imported) sel.append(option(IMPORTED, `Imported: ${imported.name}`));
    for (const m of models()) {
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
    for (const h of hardware()) sel.append(option(h.id, `${h.name} (${Math.round(h.memoryBytes / GIB)} GB)`));
    sel.value = state.hardware === MEASURED && !profileText ? DEFAULTS.hardware : state.hardware;
  }

  // --- state <-> inputs <-> link ---------------------------------------------------------
  const NUMBER_FIELDS = { gpus: [1, 64], context: [1, 16777216] };
  /// Reads the settings a link carries; returns why the link could not be used ('' if it could).
  /// Core decodes and checks the whole fragment (base64url, UTF-8, JSON, catalog names, ranges)
  /// before anything here uses it; a bad link leaves the defaults.
  function readHash() {
    const r = core.decodeShareLink(location.hash.replace(/^#/, ''));
    const { modelName, modelConfig, modelWeightsBytes, knobs: linkKnobs, ...settings } = r.state;
    state = settings;
    profileText = r.profile;
    knobs = Object.assign({}, linkKnobs);
    // Core has checked the carried config; it becomes the imported model again, with no network.
    if (modelConfig) setImported(modelName || 'pasted config.json', modelConfig, modelWeightsBytes);
    const linkHub = headroomImport.hubFromFragment(location.hash);
    if (linkHub) {
      hub = headroomImport.normalHub(linkHub) || '';
      $('hub-base').value = hub || headroomImport.DEFAULT_HUB;
    }
    outputs()?.setPinned(r.compare || []);
    if (r.error) return `This link could not be opened (${r.error}); showing the default setup instead.`;
    return '';
  }
  function writeHash() {
    // A link cannot carry an opened GGUF file: it shares the rest of the setup.
    const shared = Object.assign({}, state);
    if (shared.model === GGUF) delete shared.model;
    if (!shared.display || shared.display === 'auto') delete shared.display;  // links stay as before
    // An imported model travels as its config, so the link needs no network to reproduce it.
    if (imported && JSON.stringify(imported.config).length <= MAX_LINK_CONFIG_CHARS) {
      shared.model_name = imported.name;
      shared.model_config = imported.config;
      if (imported.weightsBytes > 0) shared.model_weights_bytes = imported.weightsBytes;
    } else if (shared.model === IMPORTED) {
      delete shared.model;
    }
    const k = knobs;
    const sharedKnobs = {};
    for (const [from, to] of [['promptTokens', 'prompt_tokens'], ['genTokens', 'gen_tokens'], ['context', 'context'],
      ['users', 'users'], ['steps', 'steps']]) {
      if (typeof k[from] === 'number') sharedKnobs[to] = k[from];
    }
    if (Object.keys(sharedKnobs).length) shared.knobs = sharedKnobs;
    const pinned = outputs()?.pinnedForLink() || [];
    if (pinned.length) shared.compare = pinned;
    let hash = 's=' + toBase64Url(JSON.stringify(shared));
    if (profileText && state.hardware === MEASURED) hash += '&profile=' + toBase64Url(JSON.stringify(JSON.parse(profileText)));
    if (hub) hash += '&hub=' + encodeURIComponent(hub);
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
    $('display').value = state.display || 'auto';
    knobsToInputs();
  }
  function inputsToState() {
    const num = (id, fallback) => {
      const v = Number($(id).value);
      const [lo, hi] = NUMBER_FIELDS[id];
      return Number.isInteger(v) && v >= lo && v <= hi ? v : fallback;
    };
    state = { model: $('model').value || state.model, quant: $('quant').value, hardware: $('hardware').value,
      gpus: num('gpus', state.gpus), engine: $('engine').value, context: num('context', state.context),
      kv: $('kv').value, workload: $('workload').value, display: $('display').value };
    inputsToKnobs();
  }

  // --- workload knobs: the preset's figures, each changeable -------------------------------
  // [input id, knob name, preset field, lowest, highest]: the ranges core's share state accepts.
  const KNOBS = [['knob-prompt', 'promptTokens', 'promptTokens', 0, 16777216], ['knob-gen', 'genTokens', 'genTokens', 0, 16777216],
    ['knob-context', 'context', 'context', 1, 16777216], ['knob-users', 'users', 'concurrency', 1, 4096],
    ['knob-steps', 'steps', 'steps', 1, 10000]];
  const preset = () => workloads.find((x) => x.id === state.workload) || workloads[0];
  function knobsToInputs() {
    const w = preset();
    for (const [id, name, field] of KNOBS) $(id).value = typeof knobs[name] === 'number' ? knobs[name] : w[field];
  }
  /// A knob differing from the preset is recorded; a value out of range goes back to the last good one.
  function inputsToKnobs() {
    const w = preset();
    const next = {};
    for (const [id, name, field, lo, hi] of KNOBS) {
      const v = Number($(id).value);
      const value = $(id).value !== '' && Number.isInteger(v) && v >= lo && v <= hi ? v
        : typeof knobs[name] === 'number' ? knobs[name] : w[field];
      $(id).value = value;
      if (value !== w[field]) next[name] = value;
    }
    knobs = next;
  }
  /// The workload as the scenario takes it: the preset's id, or the preset with the changed figures.
  function workloadOf(w) {
    if (Object.keys(knobs).length === 0) return w.id;
    const k = (name, field) => (typeof knobs[name] === 'number' ? knobs[name] : w[field]);
    return { preset: w.id, id: w.id, name: `${w.name} (adjusted)`, prompt_tokens: k('promptTokens', 'promptTokens'),
      gen_tokens: k('genTokens', 'genTokens'), context: k('context', 'context'), concurrency: k('users', 'concurrency'),
      steps: k('steps', 'steps') };
  }

  // --- imported and pasted configs ----------------------------------------------------------
  /// The config's 16-bit format when the checkpoint is stored in one: only then are the index's
  /// exact bytes the weights of the chosen format.
  function checkpointFormat(config) {
    const dtype = config.torch_dtype || config.dtype || (config.text_config && (config.text_config.torch_dtype || config.text_config.dtype));
    return { bfloat16: 'BF16', float16: 'F16' }[dtype] || '';
  }
  function setImported(name, config, weightsBytes) {
    const info = core.parseConfig(JSON.stringify(config));
    if (info.error) return info.error;
    imported = { name: String(name).slice(0, 200), config, weightsBytes: weightsBytes > 0 ? weightsBytes : 0, info };
    showImported();
    return '';
  }
  function showImported() {
    const i = imported.info;
    let text = `Imported ${imported.name}: ${i.modelType}, ${i.layers} layers, hidden ${i.hidden}, ${i.heads} heads ` +
      `(${i.kvHeads} KV), ${(i.params / 1e9).toFixed(2)}B parameters` + (i.experts ? ` (${(i.activeParams / 1e9).toFixed(2)}B active)` : '') + '.';
    if (imported.weightsBytes > 0) {
      const fmt16 = checkpointFormat(imported.config);
      text += ` Published checkpoint: ${thousands(imported.weightsBytes)} bytes (${gib(imported.weightsBytes)})` +
        (fmt16 ? `, used as the weights in ${fmt16}.` : '.');
    }
    $('import-status').textContent = text;
    $('import-status').dataset.weightsBytes = String(imported.weightsBytes);
  }
  /// Uses a config's text (imported or pasted) as the model; a config core cannot read changes nothing.
  function useConfigText(name, text, weightsBytes, note) {
    const info = core.parseConfig(text);
    let config = null;
    if (!info.error) {
      try { config = JSON.parse(text); } catch (e) { info.error = 'malformed JSON'; }
    }
    if (info.error) {
      $('import-status').textContent = `Not a usable config.json: ${info.error}`;
      return;
    }
    setImported(name, config, weightsBytes);
    if (note) $('import-status').textContent += ` (${note})`;
    state.model = IMPORTED;
    stateToInputs();
    update();
  }
  async function importFromHub() {
    const id = $('hf-id').value.trim();
    const base = $('hub-base').value.trim() || headroomImport.DEFAULT_HUB;
    const normal = headroomImport.normalHub(base);
    hub = normal && normal !== headroomImport.DEFAULT_HUB ? normal : '';
    $('import-status').textContent = `Fetching ${id} from ${base}…`;
    $('hf-import').disabled = true;
    try {
      const r = await headroomImport.fetchModel(base, id);
      useConfigText(id, r.configText, r.weightsBytes, r.weightsBytes > 0 ? '' : r.indexNote);
    } catch (e) {
      $('import-status').textContent = `Could not import ${id}: ${e instanceof headroomImport.ImportError ? e.message : 'unexpected error'}`;
    } finally {
      $('hf-import').disabled = false;
    }
  }

  // --- answer ----------------------------------------------------------------------------
  function scenario(s = state, profile = profileText) {
    // Pinned setups (compare.js) carry their own settings; the workload knobs are the current view's.
    const current = s === state;
    const w = current ? preset() : (workloads.find((x) => x.id === s.workload) || workloads[0]);
    const file = s.model === GGUF && gguf ? gguf.info : null;
    const fromFile = !file ? {} : Object.assign({ model: file.scenarioModel, quant: file.quant },
      // A shard of a split model holds only part of the weights: then the format decides the size.
      file.splitCount > 1 ? {} : { weights_bytes: file.tensorBytes },
      file.splitCount > 1 || !(file.embeddingBytes > 0 && file.embeddingBytes < file.tensorBytes) ? {} : { embedding_bytes: file.embeddingBytes });
    const fromImport = s.model !== IMPORTED || !imported ? {} : Object.assign({ model: { name: imported.name, config: imported.config } },
      imported.weightsBytes > 0 && checkpointFormat(imported.config) === s.quant ? { weights_bytes: imported.weightsBytes } : {});
    const promptTokens = current && typeof knobs.promptTokens === 'number' ? knobs.promptTokens : w.promptTokens;
    const genTokens = current && typeof knobs.genTokens === 'number' ? knobs.genTokens : w.genTokens;
    return Object.assign({
      id: 'page', model: s.model, quant: s.quant,
      hardware: s.hardware === MEASURED ? { profile: JSON.parse(profile) } : s.hardware,
      gpus: s.gpus, engine: s.engine, context: s.context, kv_type: s.kv,
      prompt_tokens: Math.min(promptTokens, s.context), gen_tokens: genTokens, workload: current ? workloadOf(w) : s.workload,
    }, s.display === 'on' || s.display === 'off' ? { display: s.display === 'on' } : {}, fromFile, fromImport);
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
    $('max-context').textContent = w.max_context > 0 ? `${thousands(Math.round(w.max_context))} tokens` : 'none';
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
    rows.push(['', 'Total needed', gib(m.total_bytes)], ['', 'Capacity', gib(m.capacity_bytes)]);
    // The desktop's share of a display GPU is taken out of the capacity; say so where there is one.
    if (m.desktop_bytes > 0) rows.push(['', 'Kept by the desktop', gib(m.desktop_bytes)]);
    rows.push(['', p.fits ? 'Headroom' : 'Short by', gib(Math.abs(m.capacity_bytes - m.total_bytes))]);
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
    // The first view answers without the suggestions (each re-evaluates the setup: the slowest part
    // of a cold start); they follow a moment later with the chart.
    const prediction = outputsDrawn ? core.advise(JSON.stringify(sc)) : core.estimate(JSON.stringify(sc));
    render(prediction);
    scheduleRecommendations(sc);
    writeHash();
    scheduleOutputs({ state, profile: profileText, scenario: sc, prediction });
  }

  /// The chart and the explanations sweep contexts and format text. On the first view they are drawn
  /// just after the answer is on screen (the first answer comes sooner); after that with it, so that
  /// what is pinned or copied is always what is shown.
  let outputsDrawn = false;
  function scheduleOutputs(ctx) {
    if (outputsDrawn) {
      outputs()?.render(ctx);
      return;
    }
    setTimeout(() => {
      if (outputsDrawn) return;
      outputsDrawn = true;
      lastOutputs.prediction = core.advise(JSON.stringify(lastOutputs.scenario));
      render(lastOutputs.prediction);
      outputs()?.render(lastOutputs);
    }, 0);
    lastOutputs = ctx;
  }
  let lastOutputs = null;

  /// The sweeps take longer than the answer: run them once the answer is painted (a task queued
  /// with setTimeout alone ran before the frame and held the answer back ~15 ms), once for a burst
  /// of changes (they recompute only when their own inputs changed; see recommend.js).
  let pendingRecommendations = null;
  function scheduleRecommendations(sc) {
    if (pendingRecommendations === null) afterPaint().then(() => {
      const latest = pendingRecommendations;
      pendingRecommendations = null;
      updateRecommendations(latest);
    });
    pendingRecommendations = sc;
  }
  function updateRecommendations(sc) {
    const t0 = performance.now();
    recommend.updateModels(sc, state);
    const label = state.model === IMPORTED && imported ? imported.name : state.model === GGUF && gguf ? gguf.fileName
      : (models().find((m) => m.id === state.model) || { name: state.model }).name;
    recommend.updateHardware(sc, label);
    $('rec-models').dataset.refreshMs = (performance.now() - t0).toFixed(2);  // tests/web/bench.mjs reads it
    $('rec-models').dataset.ready = String(++recommendationRounds);
  }
  let recommendationRounds = 0;
  /// A recommended row picked: show that model in that format.
  function pickRecommended(modelId, format) {
    state.model = modelId;
    state.quant = format;
    $('model-filter').value = '';
    stateToInputs();
    update();
    $('verdict').scrollIntoView({ block: 'nearest' });
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
  const bytesText = (b) => `${thousands(Math.round(b))} bytes (${gib(b)})`;
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
    let text = `Read the first ${thousands(size)} of ${thousands(file.size)} bytes.`;
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

  /// Resolves once the browser could paint what is in the document (a frame, then a task); a page
  /// that gets no frames (hidden) goes on after a short wait instead.
  const afterPaint = () => new Promise((resolve) => {
    const fallback = setTimeout(resolve, 100);
    requestAnimationFrame(() => setTimeout(() => { clearTimeout(fallback); resolve(); }, 0));
  });

  async function start(compiling, parsed) {
    await parsed;
    core = await compiling;
    performance.mark('headroom-core-ready');  // module compiled (tests/web/bench.mjs reads the marks)
    if (core.catalogError()) {
      showMessage(`The built-in catalog is broken: ${core.catalogError()}`);
      return;
    }
    DEFAULTS = Object.freeze(core.decodeShareLink('').state);
    outputs()?.init({
      core, models, hardware, workloads: () => workloads,
      scenario, isFileModel: (s) => s.model === GGUF, fileName: () => (gguf ? gguf.fileName : ''),
      measuredName: (profile) => (profile ? core.profileHardware(profile).name : ''),
      maxContext: (s) => (s.model === GGUF ? (gguf && gguf.info.arch ? gguf.info.arch.maxContext : 0)
        : (models().find((m) => m.id === s.model) || {}).maxContext || 0),
      // The comparison changed: the link must carry it.
      changed: () => writeHash(),
    });
    state = Object.assign({}, DEFAULTS);
    performance.mark('headroom-catalog-ready');
    workloads = core.catalogWorkloads();
    recommend = headroomRecommend.create(core, { models: $('rec-models'), modelsStatus: $('rec-status'), more: $('rec-more'),
      hardware: $('hw-rec') },
      pickRecommended);
    const linkProblem = readHash();
    // The first answer comes straight from the settings core decoded and checked (the link's or the
    // defaults), and is painted before the pickers are filled with the whole catalog; update() below
    // then answers again from the filled inputs, as after every change.
    render(core.estimate(JSON.stringify(scenario())));
    showMessage(linkProblem);
    performance.mark('headroom-first-answer');  // read by tests/web/bench.mjs
    await afterPaint();
    for (const f of core.weightFormats()) $('quant').append(option(f, f));
    for (const w of workloads) $('workload').append(option(w.id, w.name));
    stateToInputs();
    // A new preset brings its own figures: the changed knobs belong to the old one.
    $('workload').addEventListener('change', () => { knobs = {}; state.workload = $('workload').value; knobsToInputs(); });
    for (const id of ['model', 'quant', 'hardware', 'display', 'gpus', 'engine', 'context', 'kv', 'workload', ...KNOBS.map((k) => k[0])]) {
      $(id).addEventListener('change', update);
    }
    $('hf-import').addEventListener('click', () => { importFromHub(); });
    $('hf-id').addEventListener('keydown', (e) => { if (e.key === 'Enter') importFromHub(); });
    $('config-use').addEventListener('click', () => {
      const text = $('config-text').value;
      // core refuses larger documents; do not hand it a pasted novel
      if (text.length > headroomImport.MAX_BODY_BYTES) $('import-status').textContent = 'Not a usable config.json: it is larger than a config ever is (limit 4 MiB).';
      else useConfigText('pasted config.json', text.replace(/^\uFEFF/, ''), 0, '');
    });
    $('hub-base').addEventListener('change', () => {
      const normal = headroomImport.normalHub($('hub-base').value);
      hub = normal && normal !== headroomImport.DEFAULT_HUB ? normal : '';
      writeHash();
    });
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
    // Core reads catalog entries as they are used; the pickers have now read them all.
    if (core.catalogError()) showMessage(`The built-in catalog is broken: ${core.catalogError()}`);
    // Ready once the chart and explanations drawn after the first answer are there too (timers run
    // in order).
    setTimeout(() => { document.body.dataset.ready = 'true'; }, 0);
    registerServiceWorker();
  }

  /// Works offline once loaded: sw.js caches the page's files (served over http(s) only).
  function registerServiceWorker() {
    if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return;
    navigator.serviceWorker.register('sw.js').catch(() => { /* the page works without it */ });
  }

  // page.js is an async script, so it may run before the document is all parsed: the module starts
  // compiling at once, and the page touches the document once it is there. (As a deferred script it
  // ran only after the document's DOMContentLoaded work, and the compile began ~50 ms later.)
  const compiling = createHeadroom();
  const parsed = document.readyState !== 'loading' ? Promise.resolve()
    : new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
  start(compiling, parsed).catch((e) => parsed.then(() => showMessage(`The page failed to start: ${e.message}`)));
})();
