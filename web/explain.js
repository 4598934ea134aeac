// explain.js: "how it was computed" for each figure (the inputs core used, the constants and where
// they come from) with the command that checks it on the user's own machine, and the answer as a
// Markdown table. Text only: every value is set with textContent.
'use strict';

(function () {
  const GIB = 1024 * 1024 * 1024;
  const num = (v, digits = 1) => (typeof v === 'number' && isFinite(v) ? v.toFixed(digits) : '–');
  const gib = (b) => `${num(b / GIB, 2)} GiB`;
  const ms = (s) => `${num(s * 1000, 2)} ms`;
  const gbs = (b) => `${num(b / 1e9, 0)} GB/s`;
  const pct = (v) => `${num(v * 100, 1)} %`;

  // Where the constants come from (the values themselves come from core's answer).
  const SPEED_SOURCE = 'Efficiency constants fitted on 210 llama-bench runs (shared/calibration/speed.jsonl, ' +
    'llama.cpp of May 2024); each constant and its source is in core/src/speed_constants.h.';
  const MEMORY_SOURCE = 'Weights from the tensor shapes and the format\'s bytes per weight; KV cache and compute ' +
    'buffers as llama.cpp allocates them; runtime overhead and headroom rules in core/src/memory_constants.h.';

  const LLAMA_ENGINES = new Set(['llama.cpp', 'ollama']);

  /// A shell word: quoted when it holds anything but safe characters (names come from strangers).
  function shellWord(s) {
    return /^[A-Za-z0-9._\/:@+-]+$/.test(s) ? s : `'${String(s).replace(/'/g, `'\\''`)}'`;
  }
  /// A GGUF file name for a catalog model in a format, as the user would have it on disk.
  function ggufName(info) {
    if (info.fileName) return info.fileName;
    const base = String(info.modelId || 'model').split('/').pop();
    return `${base}-${info.quant}.gguf`.replace(/\s+/g, '_');
  }

  /**
   * The commands that check the figures on the user's machine: {speed, memory, note}.
   * info: {engine, modelId, fileName, quant, prompt, gen, gpus, context, kv, flashAttn}.
   */
  function commands(info) {
    const kvFlags = info.kv && info.kv !== 'f16' ? ` -ctk ${shellWord(info.kv)} -ctv ${shellWord(info.kv)}` : '';
    const fa = info.flashAttn || (info.kv && info.kv !== 'f16') ? ' -fa 1' : '';  // a quantized V cache needs -fa
    if (LLAMA_ENGINES.has(info.engine)) {
      const m = shellWord(ggufName(info));
      return {
        speed: `llama-bench -m ${m} -p ${info.prompt} -n ${info.gen} -ngl 99${fa}${kvFlags}`,
        memory: `llama-server -m ${m} -c ${info.context} -ngl 99${fa}${kvFlags}`,
        note: info.engine === 'ollama'
          ? 'Ollama runs llama.cpp: llama-bench on the same GGUF file measures the same kernels. '
          : '',
        memoryNote: 'its log lists the model, KV and compute buffer sizes per device.',
      };
    }
    if (info.engine === 'vllm') {
      const tp = info.gpus > 1 ? ` --tensor-parallel-size ${info.gpus}` : '';
      const kv = info.kv && info.kv.startsWith('fp8') ? ` --kv-cache-dtype ${shellWord(info.kv)}` : '';
      const model = shellWord(info.modelId || 'MODEL');
      return {
        speed: `vllm bench latency --model ${model} --input-len ${info.prompt} --output-len ${info.gen} --batch-size 1${tp}${kv}`,
        memory: `vllm serve ${model} --max-model-len ${info.context}${tp}${kv}`,
        note: 'vllm bench latency reports the whole request time (prefill and decode together). ',
        memoryNote: 'its log states the memory the weights take and the KV cache size.',
      };
    }
    if (info.engine === 'mlx') {
      const model = shellWord(info.modelId || 'MODEL');
      const cmd = `mlx_lm.generate --model ${model} --prompt "$(yes hello | head -n ${info.prompt} | tr '\\n' ' ')" --max-tokens ${info.gen}`;
      return {
        speed: cmd,
        memory: cmd,
        note: 'mlx_lm.generate prints prompt and generation tokens per second. ',
        memoryNote: 'it prints the peak memory at the end.',
      };
    }
    return { speed: '', memory: '', note: `No standard benchmark command is known for ${info.engine}. `, memoryNote: '' };
  }

  function details(id, summary, items, command, commandNote) {
    const d = document.createElement('details');
    d.className = 'how';
    d.dataset.testid = `how-${id}`;
    const s = document.createElement('summary');
    s.textContent = summary;
    const dl = document.createElement('dl');
    for (const [term, value] of items) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dl.append(dt, dd);
    }
    d.append(s, dl);
    if (command) {
      const p = document.createElement('p');
      p.textContent = 'Check it on your machine: ' + commandNote;
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      code.dataset.testid = `how-command-${id}`;
      code.textContent = command;
      pre.append(code);
      d.append(p, pre);
    } else if (commandNote) {
      const p = document.createElement('p');
      p.textContent = commandNote;
      d.append(p);
    }
    return d;
  }

  /**
   * Fills `container` with one <details> per figure. ctx: {prediction, info (as commands()),
   * hw: {name, bandwidthGbs, fp16Tflops} | null, layers}.
   */
  function render(container, ctx) {
    const p = ctx.prediction;
    if (!p || p.error || !p.explain) { container.replaceChildren(); return; }
    const e = p.explain, m = p.memory, hw = ctx.hw || {};
    const cmd = commands(ctx.info);
    const peak = hw.bandwidthGbs ? `${num(hw.bandwidthGbs, 0)} GB/s peak (${hw.name})` : 'the device\'s peak';
    const cap = e.bandwidth_cap_bytes_s > 0 ? `, smoothly capped at ${gbs(e.bandwidth_cap_bytes_s)}` : '';
    const step = e.decode_weights_s + e.decode_kv_s + e.decode_compute_s + e.decode_fixed_s;
    const decodeItems = [
      ['Formula', 'tokens/s = 1 / (time to read the weights + time to read the KV cache + matrix time + fixed per-layer time), per decode step'],
      ['Bytes per weight', `${num(e.bytes_per_param, 3)} bytes (${ctx.info.quant})`],
      ['Weights read per token', gib(e.step_weight_bytes)],
      ['KV cache read per token', `${gib(e.step_kv_bytes)} (mean context of the answer)`],
      ['Effective bandwidth', `${gbs(e.weight_bandwidth_bytes_s)} = ${peak} × ${num(e.bandwidth_efficiency, 4)}${cap}`],
      ['KV read rate', `${gbs(e.kv_bandwidth_bytes_s)} = effective bandwidth × ${num(e.kv_efficiency, 4)}`],
      ['Fixed cost per layer', `${num(e.layer_seconds * 1e6, 1)} µs`],
      ['Step time', `${ms(e.decode_weights_s)} weights + ${ms(e.decode_kv_s)} KV + ${ms(e.decode_compute_s)} matrix + ${ms(e.decode_fixed_s)} fixed = ${ms(step)}`],
    ];
    if (e.host_share > 0) decodeItems.push(['Layers in system RAM', `${pct(e.host_share)} of the weights and KV are read at host bandwidth`]);
    decodeItems.push(['Constants', SPEED_SOURCE]);

    const matrixPeak = hw.fp16Tflops ? `${num(hw.fp16Tflops, 1)} TFLOP/s FP16 peak` : 'the FP16 peak (unknown: taken from bandwidth)';
    const prefillItems = [
      ['Formula', 'prefill time = the larger of (matrix and attention FLOPs / matrix rate + dequantize and activation traffic) and (reading the weights once per 512-token micro-batch), plus fixed per-layer time'],
      ['Prompt', `${ctx.info.prompt} tokens`],
      ['Matrix rate', `${num(e.matrix_flops / 1e12, 1)} TFLOP/s = ${matrixPeak} × ${num(e.matrix_efficiency, 4)}`],
      ['Compute time', ms(e.prefill_compute_s)],
      ['Memory traffic time', ms(e.prefill_memory_s)],
      ['Weight-reading bound', ms(e.prefill_weights_s)],
      ['Time to first token', `${num(p.ttft_s, 3)} s: the prompt's prefill time (the first token comes from its last logits)`],
      ['Constants', SPEED_SOURCE],
    ];
    const memoryItems = [
      ['Weights on device', gib(m.device_weights_bytes)],
      ['KV cache', `${gib(m.kv_bytes)} for ${ctx.info.context} tokens of ${ctx.info.kv}`],
      ['Compute buffers', gib(m.compute_bytes)],
      ['Runtime', gib(m.overhead_bytes)],
      ['Capacity', `${gib(m.capacity_bytes)}${hw.name ? ` (${hw.name}${ctx.info.gpus > 1 ? ` × ${ctx.info.gpus}` : ''})` : ''}` +
        (m.desktop_bytes > 0 ? `, less ${gib(m.desktop_bytes)} the OS and desktop keep on the display GPU` : '')],
      ['Sources', MEMORY_SOURCE],
    ];
    const fresh = [
      details('decode', 'How decode speed was computed', decodeItems, cmd.speed, cmd.note + 'the "tg" row is decode tokens/s.'),
      details('prefill', 'How prefill and time to first token were computed', prefillItems, cmd.speed, cmd.note + 'the "pp" row is prefill tokens/s.'),
      details('memory', 'How memory was computed', memoryItems, cmd.memory, cmd.memoryNote),
    ];
    // The answer is redrawn on every input change: refill the existing <details> in place, so what
    // the reader opened stays open and a focused summary keeps the focus.
    const old = [...container.children];
    if (old.length === fresh.length && old.every((d, i) => d.dataset.testid === fresh[i].dataset.testid)) {
      old.forEach((d, i) => d.replaceChildren(d.querySelector('summary'), ...[...fresh[i].childNodes].slice(1)));
    } else {
      container.replaceChildren(...fresh);
    }
  }

  /// A table cell's text: no pipes or line breaks from names.
  const cell = (s) => String(s).replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');

  /**
   * The answer as Markdown. rows: [{label, prediction}] (the current setup first, then pinned ones);
   * memory: the current setup's prediction; link: the share link.
   */
  function markdown(rows, current, link) {
    const f = (v, unit, d) => (typeof v === 'number' && isFinite(v) ? `${v.toFixed(d)} ${unit}` : '–');
    const out = ['| Setup | Verdict | Decode | Prefill | TTFT | Memory needed | Headroom |', '|---|---|---|---|---|---|---|'];
    for (const r of rows) {
      const p = r.prediction;
      if (!p || p.error) { out.push(`| ${cell(r.label)} | no answer: ${cell(p ? p.error : '')} | | | | | |`); continue; }
      const room = p.memory.capacity_bytes - p.memory.total_bytes;
      out.push(`| ${cell(r.label)} | ${p.verdict.replace(/-/g, ' ')} | ${f(p.decode_tok_s, 'tok/s', 1)} | ${f(p.prefill_tok_s, 'tok/s', 0)} | ` +
        `${f(p.ttft_s, 's', 2)} | ${gib(p.memory.total_bytes)} of ${gib(p.memory.capacity_bytes)} | ${room >= 0 ? '' : 'short by '}${gib(Math.abs(room))} |`);
    }
    if (current && !current.error) {
      const m = current.memory;
      out.push('', `Memory of "${cell(rows[0].label)}":`, '', '| Part | Size |', '|---|---|');
      for (const [label, b] of [['Weights on device', m.device_weights_bytes], ['KV cache', m.kv_bytes],
        ['Compute buffers', m.compute_bytes], ['Runtime', m.overhead_bytes], ['Total needed', m.total_bytes],
        ['Capacity', m.capacity_bytes]]) out.push(`| ${label} | ${gib(b)} |`);
    }
    out.push('', `[Open this in headroom](${String(link).replace(/[()\s]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase())})`);
    return out.join('\n') + '\n';
  }

  window.HeadroomExplain = { render, commands, markdown };
})();
