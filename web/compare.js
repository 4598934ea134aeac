// compare.js: the side-by-side table of pinned setups (verdict, decode, prefill, TTFT, memory,
// headroom), one column per setup, each with a remove button. Text only (textContent).
'use strict';

(function () {
  const GIB = 1024 * 1024 * 1024;
  const f = (v, unit, d) => (typeof v === 'number' && isFinite(v) ? `${v.toFixed(d)} ${unit}` : '–');
  const gib = (b) => `${(b / GIB).toFixed(2)} GiB`;

  // The table's rows: a label and how to read the figure from core's prediction.
  const ROWS = [
    ['verdict', 'Verdict', (p) => p.verdict.replace(/-/g, ' ')],
    ['decode', 'Decode', (p) => f(p.decode_tok_s, 'tok/s', 1)],
    ['prefill', 'Prefill', (p) => f(p.prefill_tok_s, 'tok/s', 0)],
    ['ttft', 'Time to first token', (p) => f(p.ttft_s, 's', 2)],
    ['memory', 'Memory needed', (p) => `${gib(p.memory.total_bytes)} of ${gib(p.memory.capacity_bytes)}`],
    ['headroom', 'Headroom', (p) => {
      const room = p.memory.capacity_bytes - p.memory.total_bytes;
      return room >= 0 ? gib(room) : `short by ${gib(-room)}`;
    }],
  ];

  /**
   * Renders `entries` ([{label, prediction}]) into `table` (a <table>); `onRemove(i)` is called
   * when setup i's remove button is pressed.
   */
  function renderTable(table, entries, onRemove) {
    table.replaceChildren();
    if (!entries.length) return;
    const caption = document.createElement('caption');
    caption.textContent = `${entries.length} pinned setup${entries.length > 1 ? 's' : ''}, side by side`;
    const head = document.createElement('thead');
    const hr = document.createElement('tr');
    const corner = document.createElement('th');
    corner.scope = 'col';
    corner.textContent = 'Setup';
    hr.append(corner);
    entries.forEach((e, i) => {
      const th = document.createElement('th');
      th.scope = 'col';
      const name = document.createElement('span');
      name.className = 'setup-label';
      name.textContent = e.label;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = 'Remove';
      remove.setAttribute('aria-label', `Remove setup ${i + 1} (${e.label}) from the comparison`);
      remove.dataset.testid = `compare-remove-${i}`;
      remove.addEventListener('click', () => onRemove(i));
      th.append(name, remove);
      hr.append(th);
    });
    head.append(hr);
    const body = document.createElement('tbody');
    for (const [id, label, read] of ROWS) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = label;
      tr.append(th);
      entries.forEach((e, i) => {
        const td = document.createElement('td');
        td.dataset.testid = `compare-${id}-${i}`;
        const p = e.prediction;
        td.textContent = !p || p.error ? (id === 'verdict' ? `no answer: ${p ? p.error : ''}` : '–') : read(p);
        if (id === 'verdict' && p && !p.error) td.className = `verdict-cell ${p.verdict}`;
        tr.append(td);
      });
      body.append(tr);
    }
    table.append(caption, head, body);
  }

  window.HeadroomCompare = { renderTable };
})();
