"""Checks that every committed output of the sizes table matches the table as it is now.

A notebook shows `sizes()` near its top (`Sizes('quick', img_size=64, ...)`); when a row of `petnotes.core.SIZE_TABLE`
changes and the notebook is not re-executed, a reader sees numbers the code no longer uses. For every `Sizes(...)`
repr in a code cell's saved output, this compares its rows, in order, with the current table's column for that mode.
A row may differ only when the cell itself overrides it (`name=` in the cell's source, as `sizes('quick', epochs=1)` or
a patched `PETNOTES_SIZES` do).

    python .ci/stale_outputs.py             # check nbs/*.ipynb, exit 1 on any stale output
    python .ci/stale_outputs.py --selftest  # show that it fails on a copy with a stale row, and passes on the original
"""
import ast, json, re, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES_REPR = re.compile(r"Sizes\('(quick|full)', (.*)\)\s*$", re.S)

def table_column(mode:str)->dict:
    "The table's column for `mode` (read from `SIZE_TABLE` itself: no PETNOTES_SIZES of this environment applies)"
    from petnotes.core import SIZE_TABLE
    return {k: (q if mode == 'quick' else f) for k, (q, f, _) in SIZE_TABLE.items()}

def parse_repr(text:str):
    "`(mode, {row: value})` from a `Sizes(...)` repr, or None"
    m = SIZES_REPR.match(text.strip())
    if not m: return None
    call = ast.parse(f"f({m.group(2)})", mode='eval').body
    return m.group(1), {k.arg: ast.literal_eval(k.value) for k in call.keywords}

def stale(nb_path)->list:
    "What is stale in `nb_path`'s saved `Sizes` outputs, as a list of strings"
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    out = []
    for i, cell in enumerate(nb['cells']):
        if cell['cell_type'] != 'code': continue
        source = ''.join(cell['source'])
        for o in cell.get('outputs', []):
            text = ''.join(o.get('data', {}).get('text/plain', []) or o.get('text', []))
            parsed = parse_repr(text) if text.strip().startswith('Sizes(') else None
            if parsed is None: continue
            mode, shown = parsed
            want = table_column(mode)
            if list(shown) != list(want):
                out.append(f"{Path(nb_path).name} cell {i}: rows {list(shown)} but the table has {list(want)}")
                continue
            for k, v in shown.items():
                if v != want[k] and not re.search(rf'\b{k}\s*=', source):
                    out.append(f"{Path(nb_path).name} cell {i}: {mode} {k}={v!r} shown, the table says {want[k]!r} (re-execute the notebook)")
    return out

def check(paths)->list: return [p for nb in paths for p in stale(nb)]

def selftest()->bool:
    "Plant a stale row in a copy of a notebook that shows `sizes()`: the check must catch it, and pass the original"
    for nb_path in sorted((ROOT/'nbs').rglob('*.ipynb')):
        nb = json.loads(nb_path.read_text(encoding='utf-8'))
        for cell in nb['cells']:
            for o in cell.get('outputs', []) if cell['cell_type'] == 'code' else []:
                lines = o.get('data', {}).get('text/plain')
                if not lines or not ''.join(lines).startswith("Sizes('quick'") or re.search(r'\bepochs\s*=', ''.join(cell['source'])): continue
                ok_before = not stale(nb_path)
                text = ''.join(lines)
                o['data']['text/plain'] = [re.sub(r'\bepochs=\d+', 'epochs=99', text)]
                with tempfile.TemporaryDirectory() as d:
                    bad = Path(d)/nb_path.name; bad.write_text(json.dumps(nb), encoding='utf-8')
                    found = stale(bad)
                print(f"selftest on {nb_path.name}: original {'passes' if ok_before else 'FAILS'}; with epochs=99 planted: "
                      f"{found[0] if found else 'NOT caught'}")
                return ok_before and bool(found)
    print('selftest: no notebook shows sizes() in quick mode'); return False

if __name__ == '__main__':
    if '--selftest' in sys.argv: sys.exit(0 if selftest() else 1)
    problems = check(sorted((ROOT/'nbs').rglob('*.ipynb')))
    for p in problems: print(p)
    print(f"stale sizes outputs: {len(problems)}")
    sys.exit(1 if problems else 0)
