// outputs.js: the answer's extra outputs, wired by app.js after every answer: the chart of speed
// and memory against context length, the comparison of pinned setups (carried by the share link),
// "how it was computed" and "copy as Markdown". Every number comes from core.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const GIB = 1024 * 1024 * 1024;
  /// Thousands commas without toLocaleString, whose first call loads the locale data (see app.js).
  const thousands = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  const MEASURED = '__measured__';
  const MAX_PINNED = 4;                // core's kMaxShareCompare
  const CHART_FIRST = 1024;            // the chart starts at 1k tokens of context
  const CHART_FALLBACK_MAX = 131072;   // when the model does not state its longest context
  const CHART_LIMIT = 1 << 24;         // core's kMaxShareContext
  let api = null;                      // from app.js: {core, models(), hardware(), workloads(), scenario(s, profile), ...}
  let pinned = [];                     // [{state, profile, label, prediction}]
  let last = null;                     // the last answer: {state, profile, scenario, prediction}

  function setupLabel(s, profile) {
    const model = api.isFileModel(s) ? `File: ${api.fileName()}` : (api.models().find((m) => m.id === s.model) || {}).name || s.model;
    const hw = s.hardware === MEASURED ? `Measured: ${api.measuredName(profile)}` : (api.hardware().find((h) => h.id === s.hardware) || {}).name || s.hardware;
    return `${model} ${api.isFileModel(s) ? '' : s.quant + ' '}on ${hw}${s.gpus > 1 ? ` ×${s.gpus}` : ''}, ` +
      `${s.engine}, ${thousands(Number(s.context))} tokens, KV ${s.kv}, ${s.workload}`;
  }
  function hardwareInfo(s, profile) {
    if (s.hardware === MEASURED) {
      const h = api.core.profileHardware(profile || '');
      return h.error ? null : h;
    }
    return api.hardware().find((h) => h.id === s.hardware) || null;
  }
  const estimate = (sc) => api.core.estimate(JSON.stringify(sc));

  // --- chart -------------------------------------------------------------------------------------
  /// Context lengths to chart: powers of two from 1k up to the model's longest context, plus the current one.
  function chartContexts(maxContext, current) {
    const top = Math.min(Math.max(maxContext > 0 ? maxContext : CHART_FALLBACK_MAX, CHART_FIRST * 2), CHART_LIMIT);
    const xs = [];
    for (let c = CHART_FIRST; c < top; c *= 2) xs.push(c);
    xs.push(top);
    if (current > 0 && current <= CHART_LIMIT && !xs.includes(current)) xs.push(current);
    return xs.sort((a, b) => a - b);
  }
  function renderChart(sc, p) {
    const table = $('chart-rows');
    if (p.error) {
      $('chart-decode').replaceChildren();
      $('chart-memory').replaceChildren();
      table.replaceChildren();
      return;
    }
    const s = last.state;
    const xs = chartContexts(api.maxContext(s), s.context);
    // Each point: the setup with its context allocated and filled by the prompt. Core answers the
    // whole series in one call (one parse of the setup, no verdict searches the chart does not show).
    const asked = xs.map((c) => {
      const gen = Math.min(sc.gen_tokens, Math.floor(c / 2));
      return { context: c, promptTokens: Math.max(1, c - gen), genTokens: Math.max(1, gen) };
    });
    const r = api.core.estimateSeries(JSON.stringify(sc), asked);
    const points = xs.map((c, i) => (r.error || r.totalBytes[i] === null ? { c, decode: null, memory: null, fits: false } :
      { c, decode: r.decodeTokS[i], memory: r.totalBytes[i] / GIB, fits: r.fits[i], capacity: r.capacityBytes[i] / GIB }));
    const capacity = p.memory.capacity_bytes / GIB;
    const tokens = window.HeadroomChart.tokensLabel;
    const fitting = points.filter((q) => q.fits);
    const range = `${tokens(xs[0])} to ${tokens(xs[xs.length - 1])} tokens`;
    window.HeadroomChart.lineChart($('chart-decode'), {
      title: 'Decode speed against context length',
      desc: `Decode tokens per second with the context filled, from ${range}; ` +
        (points[0].decode ? `${points[0].decode.toFixed(1)} tok/s at ${tokens(xs[0])}, ${(points[points.length - 1].decode || 0).toFixed(1)} tok/s at ${tokens(xs[xs.length - 1])}. ` : '') +
        `The current context, ${tokens(s.context)}, is marked.`,
      xs, ys: points.map((q) => q.decode), yLabel: 'tok/s', yFormat: (v) => v.toFixed(v >= 10 || v === 0 ? 0 : 1),
      marker: s.context, lineClass: 'decode-line',
    });
    window.HeadroomChart.lineChart($('chart-memory'), {
      title: 'Memory needed against context length',
      desc: `Memory needed from ${range}, against a capacity of ${capacity.toFixed(1)} GiB; ` +
        (fitting.length ? `it fits up to ${tokens(fitting[fitting.length - 1].c)} of the charted lengths.` : 'it fits at none of the charted lengths.') +
        ` The current context, ${tokens(s.context)}, is marked.`,
      xs, ys: points.map((q) => q.memory), yLabel: 'GiB', yFormat: (v) => v.toFixed(v >= 10 || v === 0 ? 0 : 1),
      ref: { y: capacity, label: `capacity ${capacity.toFixed(1)} GiB` }, marker: s.context, lineClass: 'memory-line',
    });
    table.replaceChildren(...points.map((q) => {
      const tr = document.createElement('tr');
      for (const v of [thousands(q.c), q.decode === null ? '–' : q.decode.toFixed(1),
        q.memory === null ? '–' : q.memory.toFixed(2), q.fits ? 'yes' : 'no']) {
        const td = document.createElement('td');
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }));
  }

  // --- comparison --------------------------------------------------------------------------------
  function refreshPinned() {
    for (const e of pinned) {
      e.label = setupLabel(e.state, e.profile);
      e.prediction = estimate(api.scenario(e.state, e.profile));
    }
  }
  function renderCompare() {
    window.HeadroomCompare.renderTable($('compare-table'), pinned, (i) => {
      pinned.splice(i, 1);
      $('compare-status').textContent = `Removed setup ${i + 1}; ${pinned.length} left.`;
      renderCompare();
      api.changed();
      $('compare-add').focus();
    });
    $('compare-add').disabled = pinned.length >= MAX_PINNED;
    $('compare-section').classList.toggle('empty', pinned.length === 0);
  }
  function pinCurrent() {
    const status = $('compare-status');
    if (!last) return;
    if (api.isFileModel(last.state)) {
      status.textContent = 'A setup with an opened GGUF file cannot be pinned: a link cannot carry the file.';
      return;
    }
    if (pinned.length >= MAX_PINNED) {
      status.textContent = `At most ${MAX_PINNED} setups can be compared; remove one first.`;
      return;
    }
    const key = JSON.stringify([last.state, last.profile]);
    if (pinned.some((e) => JSON.stringify([e.state, e.profile]) === key)) {
      status.textContent = 'This setup is already pinned.';
      return;
    }
    pinned.push({ state: Object.assign({}, last.state), profile: last.profile });
    refreshPinned();
    status.textContent = `Pinned setup ${pinned.length}: ${pinned[pinned.length - 1].label}.`;
    renderCompare();
    api.changed();
  }

  // --- Markdown ----------------------------------------------------------------------------------
  async function copyMarkdown() {
    if (!last) return;
    const rows = [{ label: setupLabel(last.state, last.profile), prediction: last.prediction }, ...pinned];
    const text = window.HeadroomExplain.markdown(rows, last.prediction, location.href);
    const out = $('markdown');
    out.textContent = text;
    try {
      await navigator.clipboard.writeText(text);
      $('markdown-status').textContent = 'Markdown copied.';
      out.hidden = true;
    } catch (e) {
      $('markdown-status').textContent = 'Copy failed; the Markdown is shown below to copy by hand.';
      out.hidden = false;
    }
  }

  window.HeadroomOutputs = {
    init(a) {
      api = a;
      $('compare-add').addEventListener('click', pinCurrent);
      $('copy-markdown').addEventListener('click', copyMarkdown);
    },
    /// The pinned setups a link carried ([{state, profile}], already checked by core).
    setPinned(list) {
      pinned = list.slice(0, MAX_PINNED).map((e) => ({ state: Object.assign({}, e.state), profile: e.profile }));
      if (api) refreshPinned();
      renderCompare();
    },
    /// The pinned setups as the link's `compare` list (profiles inline).
    pinnedForLink() {
      return pinned.map((e) => Object.assign({}, e.state, e.profile ? { profile: JSON.parse(e.profile) } : {}));
    },
    render(ctx) {
      last = ctx;
      const p = ctx.prediction;
      renderChart(ctx.scenario, p);
      const w = api.workloads().find((x) => x.id === ctx.state.workload) || {};
      const s = ctx.state;
      window.HeadroomExplain.render($('how'), {
        prediction: p, hw: hardwareInfo(s, ctx.profile),
        info: { engine: s.engine, modelId: api.isFileModel(s) ? '' : s.model, fileName: api.isFileModel(s) ? api.fileName() : '',
          quant: ctx.scenario.quant, prompt: ctx.scenario.prompt_tokens, gen: ctx.scenario.gen_tokens || w.genTokens,
          gpus: s.gpus, context: s.context, kv: s.kv, flashAttn: !!ctx.scenario.flash_attn },
      });
    },
  };
})();
