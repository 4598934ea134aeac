// recommend.js: the page's recommendation panels: what runs well on the chosen hardware (core's
// recommend_models) and the smallest / cheapest hardware for the chosen model (recommend_hardware).
// The sweeps are recomputed only when their inputs change; every figure comes from core.
'use strict';

(function () {
  const GIB = 1024 * 1024 * 1024;
  /// Thousands commas without toLocaleString, whose first call loads the locale data (see app.js).
  const thousands = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, ',');
  const SHOWN = 10;   // rows shown before "Show all"
  const ALL = 1000;   // ask core for every model that runs well (the catalog holds about 130)

  const fmt = (v, unit, digits = 1) => (typeof v === 'number' && isFinite(v) ? `${v.toFixed(digits)} ${unit}` : '–');
  const cell = (text, testid) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (testid) td.dataset.testid = testid;
    return td;
  };

  /// "3.3x smaller, KLD 0.031, +0.05 ppl": the format's memory and bandwidth gain over 16-bit weights
  /// (decode reads every weight once per token, so the speed gain follows the size) next to its
  /// published quality loss.
  function formatTradeoff(p) {
    const parts = [];
    if (typeof p.bitsPerWeight === 'number' && p.bitsPerWeight > 0 && p.bitsPerWeight < 16) {
      parts.push(`${(16 / p.bitsPerWeight).toFixed(1)}x smaller and faster than 16-bit`);
    } else if (p.bitsPerWeight >= 16) {
      parts.push('16-bit weights');
    }
    if (typeof p.meanKld === 'number') parts.push(`KL divergence ${p.meanKld.toFixed(3)}`);
    if (typeof p.deltaPpl === 'number') parts.push(`perplexity +${p.deltaPpl.toFixed(2)}`);
    if (typeof p.meanKld !== 'number' && typeof p.deltaPpl !== 'number' && !(p.bitsPerWeight >= 16)) parts.push('quality loss not published');
    return parts.join(', ');
  }

  /// Creates the panel logic. `els`: {models: tbody, modelsStatus, more: button, hardware: list}; `onPick(modelId,
  /// format)` runs when a person picks a recommended row.
  function create(core, els, onPick) {
    let modelsKey = null, hardwareKey = null;
    let lastSweepMs = null;
    let showAll = false;
    els.more.addEventListener('click', () => {
      showAll = !showAll;
      applyShowAll();
    });
    /// Only the rows on show are built: the whole list is ~150 rows (~1,700 elements), and building
    /// and laying them out after every hardware or context change took longer than the answer itself.
    let picks = [];
    function applyShowAll() {
      const shown = showAll ? picks : picks.slice(0, SHOWN);
      els.models.replaceChildren(...shown.map(row));
      markCurrent();
      els.more.hidden = picks.length <= SHOWN;
      els.more.textContent = showAll ? `Show the best ${SHOWN}` : `Show all ${picks.length}`;
      els.more.setAttribute('aria-expanded', String(showAll));
    }
    let current = { model: null, quant: null };
    function markCurrent() {
      for (const tr of els.models.querySelectorAll('tr')) {
        tr.classList.toggle('current', tr.dataset.model === current.model && tr.dataset.format === current.quant);
      }
    }

    /// The recommendations for the scenario's hardware, devices, engine, KV type, context and
    /// workload; `choice` {model, quant} marks the row of the current choice.
    function updateModels(scenario, choice) {
      current = { model: choice.model, quant: choice.quant };
      const key = JSON.stringify([scenario.hardware, scenario.gpus, scenario.display, scenario.engine, scenario.kv_type,
        scenario.context, scenario.workload, scenario.prompt_tokens, scenario.gen_tokens]);
      if (key !== modelsKey) {
        modelsKey = key;
        const t0 = performance.now();
        const r = core.recommendModels(JSON.stringify(scenario), ALL);
        lastSweepMs = performance.now() - t0;
        render(r);
      } else {
        markCurrent();
      }
    }

    function render(r) {
      els.models.dataset.sweepMs = lastSweepMs.toFixed(1);
      if (r.error) {
        picks = [];
        applyShowAll();
        els.modelsStatus.textContent = `No recommendations for this setup: ${r.error}`;
        return;
      }
      els.modelsStatus.textContent = r.picks.length === 0
        ? 'No catalog model runs well on this hardware for this workload: try more devices, another engine, or a lighter workload.'
        : `${r.picks.length} catalog models run well here, each in its best such format, ranked by quality ` +
          `(size, generation, format loss), then speed, then headroom. Computed in ${lastSweepMs.toFixed(0)} ms. Pick one to see it in full.`;
      picks = r.picks;
      applyShowAll();
    }

    function row(p, i) {
      const tr = document.createElement('tr');
      tr.dataset.model = p.modelId;
      tr.dataset.format = p.format;
      tr.dataset.testid = 'rec-row';
      const first = document.createElement('td');
      // A real button: reachable with Tab and pressed with Enter or Space.
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = `${i + 1}. ${p.modelName}`;
      b.setAttribute('aria-label', `Select ${p.modelName} in ${p.format}`);
      b.addEventListener('click', () => onPick(p.modelId, p.format));
      first.append(b);
      const verdict = cell(p.verdict.replace(/-/g, ' '));
      verdict.className = 'verdict-cell ' + p.verdict;
      tr.append(first, cell(p.format, 'rec-format'), verdict, cell(fmt(p.decodeTokS, 'tok/s'), 'rec-decode'),
        cell(fmt(p.ttftS, 's', 2)), cell((p.headroomBytes / GIB).toFixed(1) + ' GiB'), cell(formatTradeoff(p), 'rec-tradeoff'));
      return tr;
    }

    /// The smallest and the cheapest catalog hardware for the scenario's model, format, engine and workload.
    function updateHardware(scenario, modelLabel) {
      const key = JSON.stringify([scenario.model, scenario.quant, scenario.engine, scenario.kv_type, scenario.context,
        scenario.workload, scenario.prompt_tokens, scenario.gen_tokens, scenario.weights_bytes]);
      if (key === hardwareKey) return;
      hardwareKey = key;
      const r = core.recommendHardware(JSON.stringify(scenario));
      const line = (label, h, testid) => {
        const li = document.createElement('li');
        li.dataset.testid = testid;
        const devices = h.devices > 1 ? `${h.devices}x ` : '';
        const price = h.priceUsd > 0 ? `, about $${thousands(Math.round(h.priceUsd))}` : '';
        li.textContent = `${label}: ${devices}${h.hardwareName} (${(h.memoryBytes / GIB).toFixed(0)} GB${price}), ` +
          `${h.verdict.replace(/-/g, ' ')}, ${fmt(h.decodeTokS, 'tok/s')}`;
        return li;
      };
      const items = [];
      if (r.error) {
        const li = document.createElement('li');
        li.textContent = `No hardware answer: ${r.error}`;
        items.push(li);
      } else if (!r.found) {
        const li = document.createElement('li');
        li.textContent = `No catalog hardware (up to 8 devices) runs ${modelLabel} in ${scenario.quant} well for this workload.`;
        items.push(li);
      } else {
        items.push(line('Smallest', r.smallest, 'hw-smallest'));
        if (r.cheapest) items.push(line('Cheapest', r.cheapest, 'hw-cheapest'));
      }
      els.hardware.replaceChildren(...items);
    }

    return { updateModels, updateHardware, sweepMs: () => lastSweepMs };
  }

  window.headroomRecommend = Object.freeze({ create, formatTradeoff });
})();
