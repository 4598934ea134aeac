"""Hold-out check inside the calibration file: fit on the rows of half the devices, score the other half."""
import json, math, statistics, sys
import fit, model

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = sorted({r['scenario']['hardware']['name'] for r in rows})
for fold in (0, 1):
    test_names = set(names[fold::2])
    train = [r for r in rows if r['scenario']['hardware']['name'] not in test_names]
    test = [r for r in rows if r['scenario']['hardware']['name'] in test_names]
    c, _ = fit.fit(train, fit.DECODE, 'decode_tok_s', 'huber')
    c, _ = fit.fit(train, fit.PREFILL, 'prefill_tok_s', 'huber', c)
    print(f'fold {fold}: held-out devices {sorted(test_names)}')
    print('  ' + fit.summary(test, c, 'decode_tok_s'))
    print('  ' + fit.summary(test, c, 'prefill_tok_s'))
