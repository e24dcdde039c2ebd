"""Insert the "## Your turn" cells of `.ci/your_turn_cells.json` into the chapter notebooks, just before each
chapter's "## Questions" heading cell. Idempotent: a notebook that already has a "## Your turn" heading is skipped.

    python .ci/insert_your_turn.py                 # every chapter listed in the json, in nbs/
    python .ci/insert_your_turn.py --nbs /tmp/x    # the same notebooks in another folder
    python .ci/insert_your_turn.py 05_softmax.ipynb
    python .ci/insert_your_turn.py --verify        # insert into copies in a temp folder and run only the new cells
"""
import argparse, json, subprocess, sys, tempfile, shutil, uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def heading_index(cells, heading):
    "Index of the first markdown cell that starts with `heading`, else None"
    return next((i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and src(c).lstrip().startswith(heading)), None)

def new_cell(spec):
    "A notebook cell (nbformat 4.5, with an id) from `{'cell_type', 'source'}`"
    c = {'cell_type': spec['cell_type'], 'id': uuid.uuid4().hex[:8], 'metadata': {}, 'source': spec['source']}
    if spec['cell_type'] == 'code': c.update(execution_count=None, outputs=[])
    return c

def insert(nb_path:Path, specs:list)->str:
    "Insert `specs` before the Questions heading of `nb_path`; say what happened"
    nb = json.loads(nb_path.read_text(encoding='utf-8'))
    cells = nb['cells']
    if heading_index(cells, '## Your turn') is not None: return 'skipped (already has "## Your turn")'
    q = heading_index(cells, '## Questions')
    if q is None: raise SystemExit(f'{nb_path.name}: no "## Questions" heading to insert before')
    cells[q:q] = [new_cell(s) for s in specs]
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')
    return f'inserted {len(specs)} cells before cell {q}'

def verify(names, spec)->bool:
    "Insert into temporary copies, then run each chapter's new code cells in a fresh Python (not the whole chapter)"
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for name in names:
            shutil.copy(ROOT/'nbs'/name, Path(d)/name)
            insert(Path(d)/name, spec[name])
            cells = json.loads((Path(d)/name).read_text(encoding='utf-8'))['cells']
            i, q = heading_index(cells, '## Your turn'), heading_index(cells, '## Questions')
            prog = 'from petnotes.exercises import *\n' + '\n\n'.join(src(c) for c in cells[i:q] if c['cell_type'] == 'code')
            r = subprocess.run([sys.executable, '-c', prog], capture_output=True, text=True)
            print(f"{name}: {'ok' if r.returncode == 0 else 'FAILED'}: {' | '.join(r.stdout.strip().splitlines())}")
            if r.returncode: print(r.stderr[-2000:]); ok = False
    return ok

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('notebooks', nargs='*', help='notebook names from the json (default: all)')
    p.add_argument('--nbs', default=str(ROOT/'nbs'), help='folder holding the notebooks')
    p.add_argument('--cells', default=str(ROOT/'.ci'/'your_turn_cells.json'))
    p.add_argument('--verify', action='store_true', help='check the cells on temporary copies; change nothing')
    a = p.parse_args(argv)
    spec = json.loads(Path(a.cells).read_text(encoding='utf-8'))
    if a.verify: sys.exit(0 if verify(a.notebooks or sorted(spec), spec) else 1)
    for name in a.notebooks or sorted(spec):
        if name not in spec: raise SystemExit(f'{name}: not in {a.cells}')
        print(f'{name}: {insert(Path(a.nbs)/name, spec[name])}')

if __name__ == '__main__': main()
