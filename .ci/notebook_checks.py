"""Checks every notebook carries what a learner needs to open it in Colab or on Kaggle:
1. its first cell is markdown holding the standard Colab badge and the Kaggle badge, each pointing at *this* notebook
   in this repo;
2. a hidden code cell before any other code installs petnotes on Colab and on Kaggle, and does nothing elsewhere;
3. the notebook keeps Colab's GPU accelerator metadata.

    python .ci/notebook_checks.py            # check every notebook under nbs/ (the workshop's too), exit 1 on any problem
    python .ci/notebook_checks.py --selftest # show that each check fails on a broken copy
"""
import json, re, sys, shutil, tempfile, configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BADGE_IMG = 'https://colab.research.google.com/assets/colab-badge.svg'
KAGGLE_IMG = 'https://kaggle.com/static/images/open-in-kaggle.svg'

def settings(root=ROOT):
    cfg = configparser.ConfigParser(delimiters=['='])
    cfg.read(root/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def expected_badge(nb_path, root=ROOT):
    "The badge markdown that `nb_path` must start with"
    cfg = settings(root)
    m = re.match(r'https://github\.com/([^/]+)/([^/]+?)/?$', cfg['git_url'])
    user, repo = m.groups()
    rel = nb_path.resolve().relative_to(root.resolve()).as_posix()
    url = f"https://colab.research.google.com/github/{user}/{repo}/blob/{cfg['branch']}/{rel}"
    kaggle = f"https://kaggle.com/kernels/welcome?src=https://github.com/{user}/{repo}/blob/{cfg['branch']}/{rel}"
    return f"[![Open In Colab]({BADGE_IMG})]({url}) [![Open In Kaggle]({KAGGLE_IMG})]({kaggle})"

def src(cell): return ''.join(cell['source']) if isinstance(cell['source'], list) else cell['source']

def problems(nb_path, root=ROOT):
    "Everything wrong with `nb_path`'s badge, Colab cell and metadata, as a list of strings"
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    cells, out = nb.get('cells', []), []
    want = expected_badge(Path(nb_path), root)
    if not cells or cells[0]['cell_type'] != 'markdown':
        out.append('first cell is not a markdown cell with the Colab and Kaggle badges')
    elif src(cells[0]).strip() != want:
        found = re.findall(r'\]\((https://(?:colab\.research\.google\.com|kaggle\.com)/[^)]*)\)', src(cells[0]))
        out.append(f"first cell is not the Colab and Kaggle badges for this notebook: expected {want!r}, found link(s) {found or 'none'}")
    code = [c for c in cells if c['cell_type'] == 'code']
    first = src(code[0]) if code else ''
    if not (first.lstrip().startswith('#| hide') and "'google.colab' in sys.modules" in first and 'KAGGLE_KERNEL_RUN_TYPE' in first
            and 'pip' in first and 'install' in first):
        out.append("first code cell is not the hidden install cell for Colab and Kaggle (#| hide; if 'google.colab' in sys.modules or "
                   "os.environ.get('KAGGLE_KERNEL_RUN_TYPE'): pip install ...)")
    if nb.get('metadata', {}).get('accelerator') != 'GPU':
        out.append("notebook metadata lacks Colab's accelerator: GPU")
    return out

def notebooks(root=ROOT):
    return sorted(p for p in (root/'nbs').rglob('*.ipynb') if not any(part.startswith(('.', '_')) for part in p.relative_to(root).parts))

def check(root=ROOT):
    bad = 0
    nbs = notebooks(root)
    for nb in nbs:
        for p in problems(nb, root): print(f'{nb.relative_to(root)}: {p}'); bad += 1
    print(f'notebook checks: {len(nbs)} notebooks, {bad} problem(s)')
    return bad == 0 and len(nbs) > 0

def selftest():
    "Break a copy of a good notebook in each way and show the check catches it"
    good = ROOT/'nbs'/'01_regex.ipynb'
    assert problems(good) == [], problems(good)
    def mutated(change):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d); (root/'nbs').mkdir()
            shutil.copy(ROOT/'settings.ini', root/'settings.ini')
            nb = json.loads(good.read_text())
            change(nb)
            p = root/'nbs'/'01_regex.ipynb'; p.write_text(json.dumps(nb))
            return problems(p, root)
    def no_badge(nb): nb['cells'].pop(0)
    def elsewhere(nb): nb['cells'][0]['source'] = [src(nb['cells'][0]).replace('01_regex.ipynb', '02_datablock.ipynb')]
    def other_repo(nb): nb['cells'][0]['source'] = [src(nb['cells'][0]).replace('github/petnotes/', 'github/someone/')]
    def no_kaggle(nb): nb['cells'][0]['source'] = [src(nb['cells'][0]).split(' [![Open In Kaggle]')[0]]
    def colab_only(nb): nb['cells'][1]['source'] = [src(nb['cells'][1]).replace(" or os.environ.get('KAGGLE_KERNEL_RUN_TYPE')", '')]
    def no_colab_cell(nb): nb['cells'].pop(1)
    def no_gpu(nb): nb['metadata'].pop('accelerator')
    cases = {'badge missing': (no_badge, 'first cell is not'), 'badge points at another notebook': (elsewhere, 'found link(s)'),
             'badge points at another repo': (other_repo, 'found link(s)'), 'Kaggle badge missing': (no_kaggle, 'Kaggle badges'),
             'install cell for Colab only': (colab_only, 'install cell for Colab and Kaggle'), 'install cell missing': (no_colab_cell, 'install cell'),
             'GPU metadata stripped': (no_gpu, 'accelerator')}
    ok = True
    for name, (change, expect) in cases.items():
        found = mutated(change)
        caught = any(expect in p for p in found)
        ok &= caught
        print(f"selftest: {name}: {'caught' if caught else 'NOT CAUGHT'} ({found[:1]})")
    return ok

if __name__ == '__main__':
    ok = selftest() if '--selftest' in sys.argv else check()
    sys.exit(0 if ok else 1)
