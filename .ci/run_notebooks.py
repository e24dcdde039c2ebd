"""Execute every notebook (the lessons and the workshop) under a real Jupyter kernel (nbconvert's ExecutePreprocessor), two at a time, as a
learner would run them, and report per-notebook times and `N passed, M failed`.

    python .ci/run_notebooks.py NBS_DIR OUT_DIR [--jobs 2] [--timeout 900]
Run it with the python of the environment under test (e.g. a venv with the built wheel and the newest fastai).
"""
import sys, time, json, os, argparse, traceback
from pathlib import Path
from concurrent.futures import ProcessPoolExecutor

def run_one(nb_path, out_dir, timeout, root):
    import nbformat
    from nbconvert.preprocessors import ExecutePreprocessor, CellExecutionError
    t0 = time.time()
    nb = nbformat.read(nb_path, as_version=4)
    ep = ExecutePreprocessor(timeout=timeout, kernel_name='python3')
    err = None
    try: ep.preprocess(nb, {'metadata': {'path': str(Path(nb_path).parent)}})
    except CellExecutionError as e: err = str(e).strip().splitlines()[-1][:400] if str(e).strip() else 'CellExecutionError'
    except Exception as e: err = f'{type(e).__name__}: {e}'[:400]
    rel = Path(nb_path).relative_to(root)
    (Path(out_dir)/rel).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, Path(out_dir)/rel)
    return rel.as_posix(), time.time() - t0, err

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('nbs'); ap.add_argument('out')
    ap.add_argument('--jobs', type=int, default=2); ap.add_argument('--timeout', type=int, default=900)
    a = ap.parse_args()
    Path(a.out).mkdir(parents=True, exist_ok=True)
    root = Path(a.nbs)
    nbs = sorted(p for p in root.rglob('*.ipynb') if not any(part.startswith(('_', '.')) for part in p.relative_to(root).parts))
    t0, results = time.time(), []
    with ProcessPoolExecutor(a.jobs) as ex:
        for name, t, err in ex.map(run_one, nbs, [a.out]*len(nbs), [a.timeout]*len(nbs), [root]*len(nbs)):
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
