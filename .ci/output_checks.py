"""Can a reader trust every notebook's saved outputs? A learner first meets a lesson as its saved outputs, on GitHub or
the docs site. This flags, in every notebook under nbs/:
  - warnings and tracebacks (an `error` output, "Traceback", "Warning:" on stderr or in text),
  - absolute paths of the machine that ran it (its home, /tmp, /work, /root, site-packages, a virtual environment),
  - process ids ("process 12345", "pid 12345") and temporary folder names (tmpXXXXXXXX, petnotes-...-XXXXXXXX),
  - raw CSS/HTML fragments of progress bars (fastprogress's <style>/<progress> blocks shown as text),
  - bare widget reprs (`VBox(children=...`) as a text output, and a widget saved without a static rendering of its
    initial state beside it (an image or HTML in the same cell or the next one) for readers who don't run it.

    python .ci/output_checks.py             # exit 1 on any problem, each named by notebook and cell
    python .ci/output_checks.py --selftest  # plant one bad output of each kind in a copy of a notebook: each must be caught
"""
import json, re, sys, copy, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDGET = 'application/vnd.jupyter.widget-view+json'
RULES = [
    ('a traceback', re.compile(r'Traceback \(most recent call last\)')),
    ('a warning', re.compile(r'(?:^|\s)\w*Warning: |\bwarnings\.warn\b')),
    ('a path of the machine that ran it', re.compile(r'(?<![\w.])/(?:tmp|work|root|home|Users|private/var|var/folders)/[^\s\'"]*|site-packages|/venv/|\\\\Users\\\\')),
    ('a process id', re.compile(r'\b(?:process|pid|PID) \d{3,}\b')),
    ('a temporary folder name', re.compile(r'\btmp[a-z0-9_]{6,}\b|\bpetnotes-[a-z-]+-?[a-z0-9_]{8}\b')),
    ("a progress bar's raw CSS/HTML", re.compile(r'<style>|progress-bar-interrupted|<progress value=|\.progress-bar')),
    ('a bare widget repr', re.compile(r'^\s*(?:VBox|HBox|IntSlider|FloatSlider|Text|Dropdown|Output|interactive)\(children=|^\s*(?:VBox|HBox)\(', re.M)),
]

def texts(o:dict)->list:
    "`(kind, text)` of what a reader sees of one output (HTML and images are not text a reader reads as such)"
    if o.get('output_type') == 'error': return [('error', '\n'.join(o.get('traceback', [])) + o.get('ename', '') + ': ' + o.get('evalue', ''))]
    if o.get('output_type') == 'stream': return [(o.get('name', 'stdout'), ''.join(o.get('text', '')))]
    data = o.get('data', {})
    out = [('text/plain', ''.join(data['text/plain']))] if 'text/plain' in data and WIDGET not in data else []
    out += [(k, ''.join(v)) for k,v in data.items() if k in ('text/markdown', 'text/html') and isinstance(v, (list, str))]
    return out

def problems(nb_path:Path)->list:
    nb = json.loads(Path(nb_path).read_text(encoding='utf-8'))
    cells, out = nb.get('cells', []), []
    name = Path(nb_path).relative_to(ROOT) if Path(nb_path).is_relative_to(ROOT) else Path(nb_path).name
    for i,c in enumerate(cells):
        if c.get('cell_type') != 'code': continue
        outs = c.get('outputs', [])
        for o in outs:
            if o.get('output_type') == 'error': out.append(f"{name} cell {i}: an error output ({o.get('ename')}: {o.get('evalue', '')[:80]})"); continue
            for kind, text in texts(o):
                for what, rx in RULES:
                    if kind == 'text/html' and what in ('a path of the machine that ran it',): continue   # data URIs, links
                    m = rx.search(text)
                    if m and not (what == "a progress bar's raw CSS/HTML" and kind == 'text/html'):
                        out.append(f"{name} cell {i}: {what} in a {kind} output: {m.group(0)[:70]!r}")
        if any(WIDGET in o.get('data', {}) for o in outs):
            nxt = cells[i+1].get('outputs', []) if i+1 < len(cells) and cells[i+1].get('cell_type') == 'code' else []
            static = ('image/png', 'image/svg+xml', 'text/html')
            if not any(k in o.get("data", {}) for o in outs + nxt for k in static):
                out.append(f"{name} cell {i}: a widget saved without a static rendering of it (an image or HTML) in this cell or the next")
    return out

def notebooks(root:Path=ROOT)->list:
    return sorted(p for p in (root/'nbs').rglob('*.ipynb') if not any(s.startswith(('.', '_')) for s in p.relative_to(root/'nbs').parts))

def selftest()->bool:
    "Plant one bad output of each kind into a copy of a clean notebook: each must be caught, the original must pass"
    good = next((p for p in notebooks() if not problems(p)), None)
    if good is None: print('selftest: no notebook passes the check to plant into'); return False
    nb = json.loads(good.read_text(encoding='utf-8'))
    code = next(i for i,c in enumerate(nb['cells']) if c['cell_type'] == 'code')
    plants = {'a traceback': {'output_type': 'error', 'ename': 'ValueError', 'evalue': 'x', 'traceback': ['Traceback (most recent call last)']},
              'a warning': {'output_type': 'stream', 'name': 'stderr', 'text': ['/venv/lib/fastai/x.py:12: UserWarning: something\n']},
              'a path': {'output_type': 'stream', 'name': 'stdout', 'text': ['wrote /tmp/tmpab12cd34/model\n']},
              'a process id': {'output_type': 'stream', 'name': 'stdout', 'text': ['waiting for process 12345\n']},
              "a progress bar's CSS": {'output_type': 'display_data', 'metadata': {}, 'data': {'text/plain': ['<style>\n    /* Turns off some styling */\n    progress {\n']}},
              'a widget repr': {'output_type': 'execute_result', 'execution_count': 1, 'metadata': {}, 'data': {'text/plain': ["VBox(children=(IntSlider(value=10),))"]}},
              'a widget without its figure': {'output_type': 'display_data', 'metadata': {}, 'data': {WIDGET: {'model_id': 'x', 'version_major': 2, 'version_minor': 0}, 'text/plain': ['VBox(...)']}}}
    ok = True
    with tempfile.TemporaryDirectory() as d:
        for what, o in plants.items():
            bad = copy.deepcopy(nb); bad['cells'][code]['outputs'] = [o]
            p = Path(d)/good.name; p.write_text(json.dumps(bad), encoding='utf-8')
            found = problems(p); ok &= bool(found)
            print(f"selftest: {what}: {'caught: ' + found[0] if found else 'NOT CAUGHT'}")
    print(f"selftest: the original {good.relative_to(ROOT)} passes")
    return ok

if __name__ == '__main__':
    if '--selftest' in sys.argv: sys.exit(0 if selftest() else 1)
    found = [p for nb in notebooks() for p in problems(nb)]
    for f in found: print(f)
    print(f"saved outputs: {len(found)} problem(s) in {len(notebooks())} notebooks")
    sys.exit(1 if found else 0)
