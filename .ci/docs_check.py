"""The docs build, up to what needs Quarto: in a copy of the repository, `nbdev_proc_nbs` runs every notebook through
nbdev's processors as `nbdev_docs` does before `quarto render` (exported cells, imports and `show_doc` cells are
executed; a cell that mixes imports with code is executed too, and fails if it uses a name defined elsewhere), and
writes `_proc/` with `_quarto.yml` and the sidebar. The GitHub workflow `deploy.yaml` then renders with Quarto.

Quarto is not installed here, and nbdev does not simply stop without it: `nbdev_proc_nbs` then tries to install Quarto
(curl, `sudo dpkg`) and runs `pip install -e "<the copy>[dev]"`, which re-points this venv's editable `petnotes` at
the temporary copy (deleted at the end: every later `import petnotes` outside the repository then fails). nbdev only
asks whether a `quarto` is on PATH before processing, so where none is, a stand-in that refuses to run is put on the
subprocess's PATH; and the check fails if `petnotes` is imported from anywhere else afterwards.

    python .ci/docs_check.py             # exit 1 if the processing fails or leaves a notebook out
    python .ci/docs_check.py --selftest  # a planted cell that mixes an import with a name from another cell: must fail
"""
import json, os, shutil, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def petnotes_origin()->str:
    "Where a fresh Python started outside the repository imports `petnotes` from"
    p = subprocess.run([sys.executable, '-c', 'import importlib.util as u; s = u.find_spec("petnotes"); print(s and s.origin)'],
                       cwd='/', capture_output=True, text=True)
    return p.stdout.strip()

def quarto_stand_in(d:Path)->dict:
    "The environment for nbdev: PATH with a `quarto` that refuses to run (and leaves a mark) where no Quarto is installed"
    if shutil.which('quarto'): return dict(os.environ)
    (d/'bin').mkdir(exist_ok=True); q = d/'bin'/'quarto'
    q.write_text(f'#!/bin/sh\necho "quarto stand-in: docs_check runs only the steps before Quarto" >&2\ntouch "{d}/quarto-ran"\nexit 1\n')
    q.chmod(0o755)
    return {**os.environ, 'PATH': f"{d/'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}

def process(root:Path)->tuple:
    "`(ok, message)`: run `nbdev_proc_nbs` in `root` and check what it wrote"
    before = petnotes_origin()
    p = subprocess.run(['nbdev_proc_nbs'], cwd=root, capture_output=True, text=True, env=quarto_stand_in(root.parent))
    if (after := petnotes_origin()) != before:
        return False, f'nbdev_proc_nbs changed where petnotes is imported from: {before} -> {after} (it reinstalls the package when it finds no quarto)'
    if (root.parent/'quarto-ran').exists(): return False, 'nbdev_proc_nbs ran quarto, which this check cannot provide'
    if p.returncode != 0:
        err = [l for l in (p.stderr + p.stdout).splitlines() if l.strip()]
        i = next((k for k, l in enumerate(err) if l.startswith('Exception: Error')), max(0, len(err) - 6))
        return False, 'nbdev_proc_nbs failed:\n  ' + '\n  '.join(err[i:i+8])
    proc = root/'_proc'
    want = sorted(p.relative_to(root/'nbs').as_posix() for p in (root/'nbs').rglob('*.ipynb')
                  if not any(part.startswith(('.', '_')) for part in p.relative_to(root/'nbs').parts))
    got = sorted(p.relative_to(proc/'nbs').as_posix() for p in (proc/'nbs').rglob('*.ipynb')) if (proc/'nbs').exists() else \
          sorted(p.relative_to(proc).as_posix() for p in proc.rglob('*.ipynb'))
    missing = [n for n in want if n not in got]
    extra = [f for f in ('_quarto.yml', 'sidebar.yml') if not any(proc.rglob(f))]
    if missing or extra: return False, f"processed notebooks missing: {missing}; files missing: {extra}"
    return True, f"{len(got)} notebooks processed for the docs; {', '.join(f.name for f in proc.rglob('*.yml'))} written"

def copy_repo(d:Path)->Path:
    dst = d/'repo'
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns('.git', '_proc', '_docs', '__pycache__', '*.egg-info'))
    return dst

if __name__ == '__main__':
    with tempfile.TemporaryDirectory(prefix='petnotes-docs-') as d:
        root = copy_repo(Path(d))
        if '--selftest' in sys.argv:
            nb_path = root/'nbs'/'01_regex.ipynb'
            nb = json.loads(nb_path.read_text())
            nb['cells'].append({'cell_type': 'code', 'metadata': {}, 'outputs': [], 'execution_count': None,
                                'source': ['import re\n', 'names_from_another_cell[0]']})
            nb_path.write_text(json.dumps(nb))
            ok, msg = process(root)
            caught = not ok and 'names_from_another_cell' in msg
            print(f"selftest: a cell mixing an import with a name from another cell: {'caught' if caught else 'NOT CAUGHT'}\n{msg}")
            sys.exit(0 if caught else 1)
        ok, msg = process(root)
        print(msg)
        sys.exit(0 if ok else 1)
