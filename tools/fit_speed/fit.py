"""Fit the speed-model constants on a calibration file.

usage: fit.py ROWS.jsonl [loss]   (loss: l2 = least squares on log error (default), l1 = least absolute log error)

Decode constants are fitted on the decode rows, prefill constants on the prefill rows,
each by Nelder-Mead on the log of the constants (so they stay positive), several restarts.
Writes fitted_constants.json.
"""
import json
import math
import statistics
import sys

import model

HUBER = 0.15

DECODE = ['bw_eff_cuda', 'bw_eff_metal', 'bw_cap_cuda',
          'kv_eff_cuda', 'kv_eff_metal', 'layer_us_cuda', 'layer_us_metal', 'hop_us']
# hop_us is fitted with a floor: see MODEL.md (the data cannot resolve it)
PREFILL = ['mm_eff_cuda', 'mm_eff_metal_q', 'mm_eff_metal_f', 'mm_cap_tflops_cuda', 'deq_bytes_cuda', 'act_elems']


def nelder_mead(f, x0, step=0.3, iters=3000, tol=1e-10):
    n = len(x0)
    pts = [list(x0)]
    for i in range(n):
        p = list(x0)
        p[i] += step
        pts.append(p)
    vals = [f(p) for p in pts]
    for _ in range(iters):
        order = sorted(range(n + 1), key=lambda i: vals[i])
        pts = [pts[i] for i in order]
        vals = [vals[i] for i in order]
        if abs(vals[-1] - vals[0]) < tol:
            break
        cen = [sum(p[j] for p in pts[:-1]) / n for j in range(n)]
        xr = [cen[j] + (cen[j] - pts[-1][j]) for j in range(n)]
        fr = f(xr)
        if fr < vals[0]:
            xe = [cen[j] + 2 * (cen[j] - pts[-1][j]) for j in range(n)]
            fe = f(xe)
            pts[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = xr, fr
        else:
            xc = [cen[j] + 0.5 * (pts[-1][j] - cen[j]) for j in range(n)]
            fc = f(xc)
            if fc < vals[-1]:
                pts[-1], vals[-1] = xc, fc
            else:
                for i in range(1, n + 1):
                    pts[i] = [pts[0][j] + 0.5 * (pts[i][j] - pts[0][j]) for j in range(n)]
                    vals[i] = f(pts[i])
    i = min(range(n + 1), key=lambda i: vals[i])
    return pts[i], vals[i]


def log_errors(rows, consts, key):
    errs = []
    for r in rows:
        if key not in r['measured']:
            continue
        p = model.predict(r['scenario'], consts)
        errs.append(math.log(p[key] / r['measured'][key]))
    return errs


def fit(rows, names, key, loss='l2', base=None):
    base = dict(base or model.C)
    present = [n for n in names if any_use(rows, n, key)]

    def f(x):
        c = dict(base)
        for n, v in zip(present, x):
            c[n] = math.exp(v)
        e = log_errors(rows, c, key)
        if loss == 'l1':
            return sum(abs(v) for v in e)
        if loss == 'huber':  # quadratic below HUBER (log units), linear above: least squares, robust to outliers
            return sum(v * v if abs(v) < HUBER else 2 * HUBER * abs(v) - HUBER * HUBER for v in e)
        return sum(v * v for v in e)

    x = [math.log(base[n]) for n in present]
    best = None
    for restart in range(6):
        x, v = nelder_mead(f, x, step=0.3 if restart < 3 else 0.1)
        if best is None or v < best[1] - 1e-12:
            best = (x, v)
    for n, v in zip(present, best[0]):
        base[n] = math.exp(v)
    return base, best[1]


def any_use(rows, name, key):
    # a constant is fitted only when the rows can see it (e.g. metal constants need metal rows)
    back = 'metal' if 'metal' in name else 'cuda' if 'cuda' in name else None
    for r in rows:
        if key in r['measured'] and (back is None or (r['scenario']['hardware']['backend'] == 'metal') == (back == 'metal')):
            return True
    return False


def summary(rows, c, key):
    e = sorted(abs(math.exp(v) - 1) * 100 for v in log_errors(rows, c, key))
    return f'{key}: n={len(e)} median {statistics.median(e):.1f}% p90 {e[min(len(e) - 1, int(0.9 * len(e)))]:.1f}%'


if __name__ == '__main__':
    rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    loss = sys.argv[2] if len(sys.argv) > 2 else 'l2'
    c, v = fit(rows, DECODE, 'decode_tok_s', loss)
    print('decode loss', v)
    c, v = fit(rows, PREFILL, 'prefill_tok_s', loss, c)
    print('prefill loss', v)
    for k in DECODE + PREFILL:
        print(f'  {k:16s} {c[k]:.4g}')
    print(summary(rows, c, 'decode_tok_s'))
    print(summary(rows, c, 'prefill_tok_s'))
    json.dump(c, open('fitted_constants.json', 'w'), indent=1)
