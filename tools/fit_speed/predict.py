"""usage: predict.py ROWS.jsonl OUT.jsonl [constants.json]  -- writes one prediction per scenario."""
import json, sys
import model
c = dict(model.C)
c.update(json.load(open(sys.argv[3] if len(sys.argv) > 3 else 'fitted_constants.json')))
with open(sys.argv[2], 'w') as out:
    for l in open(sys.argv[1]):
        if l.strip():
            sc = json.loads(l)['scenario']
            try:
                p = model.predict(sc, c)
            except Exception as e:  # noqa
                p = {'id': sc.get('id'), 'error': str(e)}
            out.write(json.dumps(p) + '\n')
