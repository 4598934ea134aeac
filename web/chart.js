// chart.js: a small line chart drawn as inline SVG with createElementNS (no library, no markup
// strings), for speed and memory against context length. Accessible: <title>, <desc>, role=img.
'use strict';

(function () {
  const NS = 'http://www.w3.org/2000/svg';
  // Drawing area in viewBox units; the SVG scales to its container's width.
  const W = 480, H = 210, LEFT = 52, RIGHT = 12, TOP = 16, BOTTOM = 40;
  let uid = 0;

  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /// 1k, 32k, 1M: context lengths as people say them.
  function tokensLabel(n) {
    if (n >= 1048576 && n % 1048576 === 0) return `${n / 1048576}M`;
    if (n >= 1024 && n % 1024 === 0) return `${n / 1024}k`;
    return String(n);
  }

  /// Round tick step (1, 2 or 5 times a power of ten) giving about `count` ticks up to `max`.
  function niceStep(max, count) {
    const raw = max / count;
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  /**
   * Draws into `svg` (replacing its children). spec: {title, desc, xs, ys (numbers or null where
   * there is no figure), yLabel, yFormat(v), ref: {y, label} | null, marker: x | null, lineClass}.
   * x is drawn on a log scale.
   */
  function lineChart(svg, spec) {
    const id = `chart-${++uid}`;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-labelledby', `${id}-title ${id}-desc`);
    svg.append(el('title', { id: `${id}-title` }, spec.title), el('desc', { id: `${id}-desc` }, spec.desc));

    const xs = spec.xs, ys = spec.ys;
    const finite = ys.filter((v) => typeof v === 'number' && isFinite(v));
    const refY = spec.ref && isFinite(spec.ref.y) ? spec.ref.y : 0;
    const top = Math.max(1e-9, ...finite, refY) * 1.1;
    const lx0 = Math.log(xs[0]), lx1 = Math.log(Math.max(xs[xs.length - 1], xs[0] * 2));
    const px = (x) => LEFT + (Math.log(x) - lx0) / (lx1 - lx0) * (W - LEFT - RIGHT);
    const py = (y) => TOP + (1 - y / top) * (H - TOP - BOTTOM);

    // Grid and axes.
    const step = niceStep(top, 4);
    for (let v = 0; v <= top; v += step) {
      svg.append(el('line', { x1: LEFT, x2: W - RIGHT, y1: py(v), y2: py(v), class: 'grid' }));
      svg.append(el('text', { x: LEFT - 6, y: py(v) + 4, class: 'tick', 'text-anchor': 'end' }, spec.yFormat(v)));
    }
    const every = Math.ceil(xs.length / 6);  // at most about 6 labels on the x axis
    xs.forEach((x, i) => {
      if (i % every !== 0 && i !== xs.length - 1) return;
      // The ends are anchored inside the drawing so their labels are not cut off.
      const anchor = i === xs.length - 1 ? 'end' : i === 0 ? 'start' : 'middle';
      svg.append(el('text', { x: px(x), y: H - BOTTOM + 16, class: 'tick', 'text-anchor': anchor }, tokensLabel(x)));
    });
    svg.append(el('text', { x: (LEFT + W - RIGHT) / 2, y: H - 6, class: 'axis-label', 'text-anchor': 'middle' }, 'context length (tokens, log scale)'));
    svg.append(el('text', { x: 12, y: TOP + (H - TOP - BOTTOM) / 2, class: 'axis-label', 'text-anchor': 'middle',
      transform: `rotate(-90 12 ${TOP + (H - TOP - BOTTOM) / 2})` }, spec.yLabel));

    if (spec.ref && isFinite(spec.ref.y) && spec.ref.y > 0) {
      svg.append(el('line', { x1: LEFT, x2: W - RIGHT, y1: py(spec.ref.y), y2: py(spec.ref.y), class: 'ref-line' }));
      // On the left: the current-context label sits at the right end of the chart.
      svg.append(el('text', { x: LEFT + 4, y: py(spec.ref.y) - 5, class: 'ref-label', 'text-anchor': 'start' }, spec.ref.label));
    }
    if (spec.marker) {
      const x = px(spec.marker);
      svg.append(el('line', { x1: x, x2: x, y1: TOP, y2: H - BOTTOM, class: 'marker-line' }));
      // Past the middle the label goes on the line's left, so it never runs off the chart.
      const right = x > (LEFT + W - RIGHT) / 2;
      svg.append(el('text', { x: right ? x - 4 : x + 4, y: TOP + 10, class: 'marker-label', 'text-anchor': right ? 'end' : 'start' },
        `now: ${tokensLabel(spec.marker)}`));
    }

    // The line, broken where a point has no figure.
    let d = '', pen = false;
    xs.forEach((x, i) => {
      const y = ys[i];
      if (typeof y !== 'number' || !isFinite(y)) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`;
      pen = true;
    });
    svg.append(el('path', { d, class: `series ${spec.lineClass || ''}` }));
    xs.forEach((x, i) => {
      const y = ys[i];
      if (typeof y !== 'number' || !isFinite(y)) return;
      const c = el('circle', { cx: px(x).toFixed(1), cy: py(y).toFixed(1), r: 3, class: `point ${spec.lineClass || ''}` });
      c.append(el('title', {}, `${tokensLabel(x)} tokens: ${spec.yFormat(y)}`));
      svg.append(c);
    });
  }

  window.HeadroomChart = { lineChart, tokensLabel };
})();
