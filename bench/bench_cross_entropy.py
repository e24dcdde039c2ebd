"""Cross-entropy forward+backward, batch 64 x 37 classes: petnotes vs PyTorch vs the one-hot loop of a learner's notes (the notes this course grew from).

Prints ratios measured in one run (all three interleaved, under the same load), as the course quotes them:
    python bench/bench_cross_entropy.py [--rounds 7] [--threads 1] [--clock cpu|wall] [--check]
With --check it exits 1 unless petnotes is within 1.5x of F.cross_entropy and the loop is at least 50x slower.
"""
import argparse, math, sys, time
import torch
import torch.nn.functional as F
from petnotes.losses import cross_entropy, nll
from petnotes.softmax import log_softmax

def cross_entropy_loop(preds, targs):
    "The notes' loop (as in nbs/06_cross_entropy.ipynb, with a per-row max): one-hot target times log-softmax, per item, then the mean"
    losses = []
    for pred, targ in zip(preds, targs):
        one_hot = torch.zeros(preds.shape[1]); one_hot[targ] = 1.
        probs = torch.exp(pred - torch.max(pred)) / torch.exp(pred - torch.max(pred)).sum()
        losses.append(-(one_hot * torch.log(probs)).sum())
    return torch.stack(losses).mean()

def cross_entropy_composed(logits, targ):
    "petnotes' two pieces composed, autograd differentiating each small operation (the notebook's first version)"
    return nll(log_softmax(logits), targ)

def per_call(loss_func, x, t, reps, clock=time.perf_counter):
    "Seconds per forward+backward call, averaged over `reps` calls, on `clock` (wall or this process's CPU time)"
    start = clock()
    for _ in range(reps): loss_func(x, t).backward()
    return (clock() - start) / reps

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--bs', type=int, default=64); p.add_argument('--classes', type=int, default=37)
    p.add_argument('--rounds', type=int, default=7, help='interleaved rounds; the best of each is kept')
    p.add_argument('--threads', type=int, default=1, help='torch threads (1: small tensors, shared CPU)')
    p.add_argument('--clock', choices=('wall', 'cpu'), default='cpu',
                   help="cpu: this process's CPU time (robust on a shared machine); wall: elapsed time")
    p.add_argument('--check', action='store_true', help='exit 1 if the targets (<= 1.5x, >= 50x) are missed')
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = (torch.randn(a.bs, a.classes) * 3).requires_grad_()
    t = torch.randint(0, a.classes, (a.bs,))
    funcs = {'F.cross_entropy': (F.cross_entropy, 500), 'petnotes': (cross_entropy, 500),
             'petnotes composed': (cross_entropy_composed, 500), "notes' loop": (cross_entropy_loop, 10)}
    clock = time.process_time if a.clock == 'cpu' else time.perf_counter
    for f, reps in funcs.values(): per_call(f, x, t, max(1, reps//10))  # warm up
    best = {k: math.inf for k in funcs}
    for _ in range(a.rounds):
        for k, (f, reps) in funcs.items(): best[k] = min(best[k], per_call(f, x, t, reps, clock))
    ratio_ours, ratio_loop = best['petnotes']/best['F.cross_entropy'], best["notes' loop"]/best['F.cross_entropy']
    loop_vs_ours = best["notes' loop"]/best['petnotes']
    print(f"cross-entropy forward+backward, batch {a.bs} x {a.classes} classes, torch {torch.__version__}, "
          f"{a.threads} thread(s), {a.clock} time, best of {a.rounds} interleaved rounds")
    for k in funcs: print(f"  {k:18s} {best[k]*1e6:9.1f} us/call")
    print(f"petnotes / F.cross_entropy = {ratio_ours:.2f}x (target <= 1.5x); "
          f"composed / F.cross_entropy = {best['petnotes composed']/best['F.cross_entropy']:.2f}x")
    print(f"notes' loop / F.cross_entropy = {ratio_loop:.0f}x; notes' loop / petnotes = {loop_vs_ours:.0f}x (expected >= 50x)")
    ok = ratio_ours <= 1.5 and ratio_loop >= 50
    if a.check and not ok: print('targets missed'); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
