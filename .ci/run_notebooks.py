"""Execute every notebook (the lessons and the workshop) under a real Jupyter kernel (nbconvert's ExecutePreprocessor), two at a time, as a
learner would run them, and report per-notebook times and `N passed, M failed`.

Each notebook has a time limit of its own (--limit, seconds for the whole notebook): when it runs out, the kernel is
interrupted (Ctrl-C), and killed if it does not stop within --grace seconds; the notebook fails with a line that names
the cell it stopped in (its index and first line). A hang costs one notebook's limit, not a runner's hours.

    python .ci/run_notebooks.py NBS_DIR OUT_DIR [--jobs 2] [--timeout 900] [--limit 1800] [--grace 30]
    python .ci/run_notebooks.py --selftest   # a notebook that hangs, and one that ignores Ctrl-C: both stopped and named
Run it with the python of the environment under test (e.g. a venv with the built wheel and the newest fastai).
"""
import sys, time, json, os, argparse, signal, tempfile, threading
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor

def _first_line(src:str)->str:
    "The first line of a cell's code that is not a directive or blank, shortened"
    return next((l.strip() for l in src.splitlines() if l.strip() and not l.startswith('#|')), '')[:80]

def _signal_kernel(ep, sig)->bool:
    "Send `sig` to the kernel process of `ep` (a local kernel); False if there is none"
    proc = getattr(getattr(getattr(ep, 'km', None), 'provisioner', None), 'process', None)
    if proc is None or proc.poll() is not None: return False
    proc.send_signal(sig); return True

def run_one(nb_path, out_dir, timeout, root, limit=1800, grace=30):
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor
    t0, now = time.time(), {'cell': None}
    nb = nbformat.read(nb_path, as_version=4)
    ep = ExecutePreprocessor(timeout=timeout, kernel_name='python3',
                             on_cell_start=lambda cell, cell_index: now.update(cell=(cell_index, _first_line(cell.source))))
    over = threading.Event()
    def stop():   # the notebook's time is up: Ctrl-C, then a kill if that does not end it
        over.set(); _signal_kernel(ep, signal.SIGINT)
        if not done.wait(grace): _signal_kernel(ep, signal.SIGKILL)
    done = threading.Event(); timer = threading.Timer(limit, stop); timer.daemon = True; timer.start()
    err = None
    try: ep.preprocess(nb, {'metadata': {'path': str(Path(nb_path).parent)}})
    except Exception as e:
        msg = str(e).strip()
        err = (msg.splitlines()[-1] if msg else type(e).__name__)[:400]
    finally: done.set(); timer.cancel()
    if over.is_set():
        i, line = now['cell'] or (None, '')
        err = f"over its {limit:g} s limit: stopped in cell {i} ({line})"
    rel = Path(nb_path).relative_to(root)
    (Path(out_dir)/rel).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, Path(out_dir)/rel)
    return rel.as_posix(), time.time() - t0, err

def selftest()->bool:
    "A notebook that sleeps forever and one that swallows Ctrl-C must both fail, each naming its cell; a quick one passes"
    import nbformat
    from nbformat.v4 import new_notebook, new_code_cell
    cases = {'hangs.ipynb': ['x = 1', 'import time\ntime.sleep(3600)  # a hang'],
             'ignores_ctrl_c.ipynb': ['import time', 'while True:  # swallows Ctrl-C\n    try: time.sleep(1)\n    except KeyboardInterrupt: pass'],
             'quick.ipynb': ['x = 1', 'assert x == 1']}
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)/'nbs'; root.mkdir()
        for name, cells in cases.items(): nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), root/name)
        got = {name: run_one(root/name, Path(d)/'out', 600, root, limit=15, grace=5) for name in cases}
    ok = True
    for name, want in (('hangs.ipynb', 'stopped in cell 1 (import time)'), ('ignores_ctrl_c.ipynb', 'stopped in cell 1 (while True:'),
                       ('quick.ipynb', None)):
        _, t, err = got[name]
        good = (err is None) if want is None else (err is not None and want in err and t < 60)
        ok &= good
        print(f"selftest: {name}: {'as expected' if good else 'NOT AS EXPECTED'} ({t:.0f} s): {err}")
    return ok

def main():
    if '--selftest' in sys.argv: sys.exit(0 if selftest() else 1)
    ap = argparse.ArgumentParser()
    ap.add_argument('nbs'); ap.add_argument('out')
    ap.add_argument('--jobs', type=int, default=2); ap.add_argument('--timeout', type=int, default=900, help='seconds for one cell')
    ap.add_argument('--limit', type=float, default=1800, help='seconds for one notebook'); ap.add_argument('--grace', type=float, default=30)
    a = ap.parse_args()
    Path(a.out).mkdir(parents=True, exist_ok=True)
    root = Path(a.nbs)
    nbs = sorted(p for p in root.rglob('*.ipynb') if not any(part.startswith(('_', '.')) for part in p.relative_to(root).parts))
    t0, results, n = time.time(), [], len(nbs)
    with ProcessPoolExecutor(a.jobs) as ex:
        for name, t, err in ex.map(run_one, nbs, [a.out]*n, [a.timeout]*n, [root]*n, [a.limit]*n, [a.grace]*n):
            print(f"[{time.time()-t0:6.1f}s] {name:40s} {t:6.1f} s  {'ok' if err is None else 'FAILED: ' + err}", flush=True)
            results.append((name, t, err))
    failed = [n for n, _, e in results if e]
    print(f'  {"all notebooks":40s} {time.time()-t0:6.1f} s')
    print(f'notebooks under a kernel: {len(results)-len(failed)} passed, {len(failed)} failed')
    if os.environ.get('CI_SUMMARY_DIR'):
        Path(os.environ['CI_SUMMARY_DIR'], 'kernel_run.json').write_text(json.dumps(
            {'passed': len(results)-len(failed), 'failed': failed, 'times': {n: t for n, t, _ in results}}))
    sys.exit(1 if failed or not results else 0)

if __name__ == '__main__': main()
