"""Cross-entropy forward+backward: petnotes vs PyTorch vs the cross-entropy code of a learner's notes (the notes this course grew from).

The notes' code is timed as they wrote it: their `softmax` (the batch's max subtracted), a Python loop that only fills a
one-hot matrix from (N, 1) targets, then one vectorised `-sum(log(soft) * one_hot)`. It sums where the others average,
which changes nothing in the time. Prints times and ratios measured in one run (all four interleaved, under the same
load), as workshop 13 quotes them:
    python bench/bench_cross_entropy.py [--bs 64] [--classes 37] [--rounds 7] [--threads 1] [--clock cpu|wall] [--check]
With --check it exits 1 unless the four give the same loss (the notes' sum divided by the batch size), petnotes is
within 5x of F.cross_entropy (about 3x at 64 x 37, where fixed per-operation costs dominate; about 1x at 1024 x 1000),
and the notes' code is at least 2x slower than petnotes.
"""
import argparse, math, sys, time
import torch
import torch.nn.functional as F
from petnotes.losses import cross_entropy, nll
from petnotes.softmax import log_softmax

def notes_code():
    "A learner's notes' `softmax` and `cross_entropy_loss`, verbatim (as in nbs/05_cross_entropy.ipynb); returns the loss"
    def softmax(preds):
        preds = preds-torch.max(preds)
        return torch.exp(preds)/torch.sum(torch.exp(preds), dim=1).unsqueeze(1)
    def cross_entropy_loss(preds, trgt):
            soft = softmax(preds)
            one_hot = torch.zeros(trgt.shape[0], soft.shape[1])
            for i in range(one_hot.size(0)):
                index = trgt[i, 0].item()
                one_hot[i, int(index)] = 1
            loss = -torch.sum(torch.log(soft)*one_hot)
            return loss
    return cross_entropy_loss

notes_cross_entropy_loss = notes_code()

def notes_loss(logits, targ):
    "The notes' code on (N,) targets: it needs them as (N, 1)"
    return notes_cross_entropy_loss(logits, targ[:, None])

def cross_entropy_composed(logits, targ):
    "petnotes' two pieces composed, autograd differentiating each small operation (the lesson's first version)"
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
    p.add_argument('--check', action='store_true',
                   help="exit 1 unless the losses agree, petnotes <= 5x F.cross_entropy and the notes' code >= 2x petnotes")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = (torch.randn(a.bs, a.classes) * 3).requires_grad_()
    t = torch.randint(0, a.classes, (a.bs,))
    funcs = {'F.cross_entropy': F.cross_entropy, 'petnotes': cross_entropy, 'petnotes composed': cross_entropy_composed,
             "notes' code": notes_loss}
    with torch.no_grad():
        losses = {k: f(x, t).item() / (a.bs if k == "notes' code" else 1) for k, f in funcs.items()}
    agree = all(math.isclose(v, losses['F.cross_entropy'], rel_tol=1e-4) for v in losses.values())
    clock = time.process_time if a.clock == 'cpu' else time.perf_counter
    # warm up, then as many calls per measurement as fill about 50 ms (at least 3)
    funcs = {k: (f, max(3, round(0.05 / max(per_call(f, x, t, 3), 1e-7)))) for k, f in funcs.items()}
    best = {k: math.inf for k in funcs}
    for _ in range(a.rounds):
        for k, (f, r) in funcs.items(): best[k] = min(best[k], per_call(f, x, t, r, clock))
    ratio_ours, notes_vs_ours = best['petnotes']/best['F.cross_entropy'], best["notes' code"]/best['petnotes']
    print(f"cross-entropy forward+backward, batch {a.bs} x {a.classes} classes, torch {torch.__version__}, "
          f"{a.threads} thread(s), {a.clock} time, best of {a.rounds} interleaved rounds")
    for k in funcs: print(f"  {k:18s} {best[k]*1e6:9.1f} us/call  ({best[k]/best['F.cross_entropy']:.2f}x F.cross_entropy)")
    print(f"mean loss: {losses['F.cross_entropy']:.6f}; all four agree to 1e-4: {agree}")
    print(f"petnotes / F.cross_entropy = {ratio_ours:.2f}x (check: <= 5x); "
          f"composed / F.cross_entropy = {best['petnotes composed']/best['F.cross_entropy']:.2f}x")
    print(f"notes' code / petnotes = {notes_vs_ours:.1f}x (check: >= 2x)")
    ok = agree and ratio_ours <= 5 and notes_vs_ours >= 2
    if a.check and not ok: print('check failed'); return 1
    return 0

if __name__ == '__main__': sys.exit(main())
