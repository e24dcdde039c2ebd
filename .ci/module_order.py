"""Does every module import only modules below it, and every notebook only modules at or below its own?

The order, bottom to top, is ORDER below (the course map in nbs/index.ipynb says the same): the workshop's foundations,
the lessons' modules in lesson order with the synthetic pets between labels and data, then the model folder and the tool.
- a module of `petnotes/` may import (anywhere in its code, at its top or inside a function) only modules before it;
- a notebook that exports a module may import only that module and modules before it; a notebook that exports nothing
  (the last lesson, the workshop's evidence notebooks) sits on top and may import any;
- every module of `petnotes/` is in ORDER, and every module in ORDER is exported by exactly one notebook.

    python .ci/module_order.py             # exit 1 on any import that goes up
    python .ci/module_order.py --selftest  # plant an upward import in a copy of a notebook and of a module: both caught
"""
import ast, json, re, sys, shutil, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ['core', 'images', 'itemstore', 'checking', 'labelling', 'synthpets', 'data', 'presizing', 'softmax', 'losses', 'learner',
         'lr_finder', 'finetune', 'interpret', 'model_folder', 'distributed', 'tool', 'cli']

def imported(code:str, package:str='petnotes')->set:
    "The petnotes modules `code` imports: `import petnotes.x`, `from petnotes.x import`, `from petnotes import x`, `from .x import`"
    try: tree = ast.parse(code)
    except SyntaxError:   # notebook cells with IPython syntax (! or %): fall back to a regex
        return set(re.findall(rf'(?:from|import)\s+{package}\.(\w+)', code))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split('.')[1] for a in node.names if a.name.startswith(package + '.')}
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ''
            if node.level == 1 and mod: out.add(mod.split('.')[0])
            elif node.level == 1 or mod == package: out |= {a.name for a in node.names if not a.name.startswith('__')}   # not __version__
            elif mod.startswith(package + '.'): out.add(mod.split('.')[1])
    return out

def notebook_code(p:Path)->tuple:
    "`(exported module or None, code of every code cell)`"
    nb = json.loads(p.read_text(encoding='utf-8'))
    cells = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']
    exp = next((m.group(1) for c in cells for m in [re.search(r'^#\|\s*default_exp\s+(\S+)', c, re.M)] if m), None)
    code = '\n'.join('\n'.join(l for l in c.splitlines() if not l.lstrip().startswith(('!', '%'))) for c in cells)
    return exp, code

def problems(root:Path=ROOT)->list:
    out, exporters = [], {}
    pos = {m: i for i, m in enumerate(ORDER)}
    for f in sorted((root/'petnotes').glob('*.py')):
        if f.stem.startswith('_'): continue
        if f.stem not in pos: out.append(f"petnotes/{f.name}: not in ORDER (.ci/module_order.py): where does it sit?"); continue
        for m in sorted(imported(f.read_text(encoding='utf-8'))):
            if m in pos and pos[m] >= pos[f.stem]: out.append(f"petnotes/{f.name} imports petnotes.{m}, which is not below it")
    for p in sorted((root/'nbs').rglob('*.ipynb')):
        rel = p.relative_to(root/'nbs')
        if any(part.startswith(('_', '.')) for part in rel.parts): continue
        exp, code = notebook_code(p)
        if exp is None: continue   # exports nothing: on top
        exporters.setdefault(exp, []).append(rel.as_posix())
        if exp not in pos: out.append(f"nbs/{rel}: exports petnotes.{exp}, which is not in ORDER"); continue
        for m in sorted(imported(code)):
            if m in pos and pos[m] > pos[exp]: out.append(f"nbs/{rel} (petnotes.{exp}) imports petnotes.{m}, a module above it")
            if m not in pos: out.append(f"nbs/{rel} imports petnotes.{m}, which does not exist or is not in ORDER")
    for m in ORDER:
        if len(exporters.get(m, [])) != 1: out.append(f"petnotes.{m} is exported by {exporters.get(m, [])}, expected exactly one notebook")
    return out

def selftest()->bool:
    "An upward import planted in a copy of a lesson notebook and of a module must be caught; the originals pass"
    ok = not problems()
    print(f"selftest: the tree as it is: {'passes' if ok else 'FAILS'}")
    with tempfile.TemporaryDirectory() as d:
        root = Path(d); shutil.copytree(ROOT/'nbs', root/'nbs'); shutil.copytree(ROOT/'petnotes', root/'petnotes')
        nb_path = root/'nbs'/'02_datablock.ipynb'
        nb = json.loads(nb_path.read_text()); nb['cells'].append({'cell_type': 'code', 'metadata': {}, 'outputs': [], 'execution_count': None,
                                                                 'source': ['from petnotes.finetune import fine_tune']})
        nb_path.write_text(json.dumps(nb))
        (root/'petnotes'/'images.py').write_text((root/'petnotes'/'images.py').read_text() + '\ndef _f():\n    from .data import pets_loaders\n')
        found = problems(root)
    for what, needle in (('a lesson that imports a later lesson', '02_datablock.ipynb (petnotes.data) imports petnotes.finetune'),
                         ('a module that imports one above it (inside a function)', 'petnotes/images.py imports petnotes.data')):
        caught = any(needle in f for f in found)
        print(f"selftest: {what}: {'caught' if caught else 'NOT CAUGHT'}"); ok &= caught
    return ok

if __name__ == '__main__':
    if '--selftest' in sys.argv: sys.exit(0 if selftest() else 1)
    found = problems()
    for f in found: print(f)
    print(f"module order: {len(found)} problem(s) ({len(ORDER)} modules, bottom to top: {', '.join(ORDER)})")
    sys.exit(1 if found else 0)
