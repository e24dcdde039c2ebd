"""Run the README's test command (`nbdev_test`, with --do_print so each notebook's start and end are printed),
and report per-notebook wall times and a `N passed, M failed` count. Two more checks on a run that passes:
- quiet: nbdev_test prints nothing but its own lines (Starting/Completed, the timings, Success.); anything else a
  notebook prints to the terminal (a widget's repr, a subprocess's stderr) is listed and fails the run;
- clean: the notebooks run with TMPDIR set to an empty folder of their own, which must be empty again afterwards
  (every temporary folder a notebook makes is removed, also after an error: see the core's `scratch_folder`).

    python .ci/nbtest.py [extra nbdev_test args]
Writes a JSON summary to $CI_SUMMARY_DIR/$CI_SUMMARY_NAME.json (default name: nbdev_test) when that is set.
"""
import subprocess, sys, time, re, os, json, shutil, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
def _rel(p): return Path(p).resolve().relative_to(ROOT/'nbs').as_posix() if Path(p).is_absolute() else Path(p).as_posix()
cmd = ['nbdev_test', '--do_print', '--timing', *sys.argv[1:]]
print('$', ' '.join(cmd), flush=True)
t0, starts, ends, failed = time.time(), {}, {}, []
scratch = Path(tempfile.mkdtemp(prefix='petnotes-nbtest-'))   # the notebooks' TMPDIR: must be empty at the end
OURS = re.compile(r'^\s*$|Starting \S+\.ipynb|- Completed \S+\.ipynb|^\S+\.ipynb: \d+ secs$|^Success\.$|^\$ nbdev_test')
noise = []
proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                        env={**os.environ, 'TMPDIR': str(scratch)})
in_failed = False
for line in proc.stdout:
    now = time.time() - t0
    sys.stdout.write(f'[{now:6.1f}s] {line}'); sys.stdout.flush()
    # two workers print concurrently, so one line can hold several events
    for m in re.findall(r'Starting (\S+?\.ipynb)', line): starts[_rel(m)] = now
    for m in re.findall(r'- Completed (\S+?\.ipynb)', line): ends[_rel(m)] = now
    if not OURS.search(line.rstrip('\n')): noise.append(line.rstrip('\n'))
    if 'Tests Failed On The Following Notebooks' in line: in_failed = True
    elif in_failed and line.strip().endswith('.ipynb'): failed.append(line.strip())   # nbdev prints the bare name
rc = proc.wait()
total = time.time() - t0
names = sorted(set(starts) | set(ends))
failed = [next((n for n in names if Path(n).name == f), f) for f in failed]   # the bare names nbdev prints, as paths under nbs/
if rc != 0 and not failed: failed = [n for n in names if n not in ends] or ['(nbdev_test itself)']
print(f'\nper-notebook wall time (nbdev_test, 2 at a time; a notebook over 60 s is marked):')
for n in sorted(names, key=lambda n: -(ends.get(n, total) - starts.get(n, 0))):
    t = ends.get(n, total) - starts.get(n, 0)
    print(f"  {n:40s} {t:6.1f} s  {'FAILED' if n in failed else 'ok'}{'  (over 60 s)' if t > 60 else ''}")
budget = float(os.environ.get('CI_BUDGET_S', 300))   # quick mode: 5 min; the full-mode rehearsal sets 20 min
print(f'  {"whole suite":40s} {total:6.1f} s' + (f'  (over the {budget/60:g} min budget)' if total > budget else f'  (budget {budget/60:g} min)'))
# PyTorch makes a cache folder for its compiler there when fastai is imported: the library's, shared by every run, not a notebook's
left = sorted(p.name for p in scratch.iterdir() if not p.name.startswith('torchinductor_'))
shutil.rmtree(scratch, ignore_errors=True)
problems = []
if not (rc or failed):   # on a run that passes: nothing but nbdev's own lines, and no temporary file left behind
    if noise: problems.append(f"nbdev_test printed {len(noise)} line(s) that are not its own: " + ' | '.join(l[:100] for l in noise[:5]))
    if left: problems.append(f"the notebooks left {len(left)} temporary file(s) or folder(s) in TMPDIR: {', '.join(left[:8])}")
for p in problems: print('CHECK FAILED:', p)
passed = len([n for n in names if n not in failed])
name = os.environ.get('CI_SUMMARY_NAME', 'nbdev_test')
print(f'{name}: {passed} passed, {len(failed) + len(problems)} failed' + (f' ({len(problems)} of them checks of the whole run)' if problems else ''))
if os.environ.get('CI_SUMMARY_DIR'):
    Path(os.environ['CI_SUMMARY_DIR'], f'{name}.json').write_text(json.dumps(
        {'passed': passed, 'failed': failed + [f'(check) {p[:80]}' for p in problems], 'times': {n: ends.get(n, total) - starts.get(n, 0) for n in names}, 'total': total}))
sys.exit(1 if (rc or failed or problems) else 0)
