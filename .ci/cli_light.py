"""Does `petnotes --help` answer at once? Its time over a bare Python start must stay under 0.5 s, and it must import
neither PyTorch nor any petnotes module but `petnotes.cli` (the commands' module, and PyTorch with it, load only when a
command runs).

    python .ci/cli_light.py             # exit 1 if --help is slow or heavy
    python .ci/cli_light.py --selftest  # the same measure on a --help that imports PyTorch first: must fail
"""
import subprocess, sys, time, statistics

LIMIT = 0.5   # seconds over `python -c pass`
HELP = "import sys; {pre}from petnotes.cli import main; import io, contextlib\nwith contextlib.redirect_stdout(io.StringIO()): rc = main(['train', '--help'])\n" \
       "print(rc, sorted({{m.split('.')[0] if m.startswith('torch') else m for m in sys.modules if m.split('.')[0] in ('torch', 'petnotes')}}))"

def seconds(code:str, n:int=5)->float:
    "The median wall time of `python -c code`, over `n` runs"
    ts = []
    for _ in range(n):
        t0 = time.perf_counter(); subprocess.run([sys.executable, '-c', code], capture_output=True, check=True); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

def check(pre:str='')->bool:
    bare, helped = seconds('pass'), seconds(HELP.format(pre=pre))
    out = subprocess.run([sys.executable, '-c', HELP.format(pre=pre)], capture_output=True, text=True).stdout.strip()
    light = out == "0 ['petnotes', 'petnotes.cli']"
    fast = helped - bare <= LIMIT
    print(f"petnotes train --help: {helped:.2f} s, a bare python {bare:.2f} s: {helped-bare:+.2f} s over it (limit {LIMIT} s); "
          f"exit code and modules loaded: {out}")
    return light and fast

if __name__ == '__main__':
    if '--selftest' in sys.argv:
        caught = not check(pre='import torch; ')
        print(f"selftest: a --help that imports PyTorch: {'caught' if caught else 'NOT CAUGHT'}")
        sys.exit(0 if caught else 1)
    sys.exit(0 if check() else 1)
