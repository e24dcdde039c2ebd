"""Time petnotes' `lr_find` against fastai's `learn.lr_find()` on the same model and data, in one run.

Usage: python bench/bench_lr_find.py [--num-it 100] [--rounds 3] [--size 64] [--bs 64]
Both finders run `num_it` batches (stop_div=False, so neither stops early), no progress bar, no plot, alternating
over `rounds` rounds so that both see the same machine load; the ratio of the medians is printed (< 1: petnotes faster).
A third contender in the same rounds, a bare loop (forward, cross-entropy, backward, Adam step on the same batches, no
learner, nothing recorded), is the compute floor: no finder can take less, so floor/fastai is the lowest ratio possible.
"""
import argparse, copy, statistics, tempfile, time
import torch
from torch.utils.data import TensorDataset
from petnotes.core import set_seed, seeded_generator, default_device
from petnotes.learner import Learner, simple_cnn
from petnotes.lr_finder import lr_find, minimum, steep, valley, slide


def make_data(n, size, n_classes=37, seed=42):
    "Noisy images whose mean colour depends on the class (a stand-in that trains)"
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n_classes).repeat_interleave(n // n_classes)
    x = (torch.rand(n_classes, 3, 1, 1, generator=g)[y] + 0.3 * torch.randn(len(y), 3, size, size, generator=g)).clamp(0, 1)
    n_valid = len(y) // 5
    idx = torch.randperm(len(y), generator=g)
    return TensorDataset(x[idx[n_valid:]], y[idx[n_valid:]]), TensorDataset(x[idx[:n_valid]], y[idx[:n_valid]])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--num-it', type=int, default=100)
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--size', type=int, default=64)
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--n', type=int, default=1480, help='number of images (37 breeds x 40 in quick mode)')
    a = p.parse_args()
    from fastai.learner import Learner as FastaiLearner
    from fastai.data.core import DataLoaders
    from fastai.losses import CrossEntropyLossFlat
    from types import SimpleNamespace
    from torch.utils.data import DataLoader
    import fastai
    dev = default_device()
    train_ds, valid_ds = make_data(a.n, a.size)
    set_seed(42)
    m0 = simple_cnn(37)
    ours_dls = SimpleNamespace(train=DataLoader(train_ds, a.bs, shuffle=True, drop_last=True, generator=seeded_generator(0)),
                               valid=DataLoader(valid_ds, a.bs))
    fa_dls = DataLoaders.from_dsets(train_ds, valid_ds, bs=a.bs, device=dev)
    tmp = tempfile.mkdtemp()
    ours = Learner(copy.deepcopy(m0), ours_dls, progress=False, device=dev)
    theirs = FastaiLearner(fa_dls, copy.deepcopy(m0), loss_func=CrossEntropyLossFlat(), path=tmp)
    funcs_ours, funcs_fa = (minimum, steep, valley, slide), None
    import fastai.callback.schedule as fs
    funcs_fa = (fs.minimum, fs.steep, fs.valley, fs.slide)

    def sync():
        if dev.type == 'cuda': torch.cuda.synchronize()

    def run_ours():
        sync(); t = time.perf_counter()
        r = lr_find(ours, num_it=a.num_it, stop_div=False, show_plot=False, suggest_funcs=funcs_ours)
        sync(); return time.perf_counter() - t, r, len(ours.recorder.losses)

    def run_fastai():
        sync(); t = time.perf_counter()
        with theirs.no_bar(), theirs.no_logging():
            r = theirs.lr_find(num_it=a.num_it, stop_div=False, show_plot=False, suggest_funcs=funcs_fa)
        sync(); return time.perf_counter() - t, r, len(theirs.recorder.losses)

    def run_bare():
        "The compute floor: `num_it` forward/backward/Adam steps on the same batches, no learner, nothing recorded"
        m = copy.deepcopy(m0).to(dev); opt = torch.optim.Adam(m.parameters(), lr=1e-7)
        sync(); t, it = time.perf_counter(), 0
        while it < a.num_it:
            for xb, yb in ours_dls.train:
                loss = torch.nn.functional.cross_entropy(m(xb.to(dev)), yb.to(dev))
                loss.backward(); opt.step(); opt.zero_grad()
                it += 1
                if it == a.num_it: break
        sync(); return time.perf_counter() - t, None, it

    run_ours(); run_fastai(); run_bare()   # warm-up (imports, allocator, first batches)
    t_ours, t_fa, t_bare = [], [], []
    order = [(run_ours, t_ours), (run_fastai, t_fa), (run_bare, t_bare)]
    for i in range(a.rounds):
        for f, acc in (order if i % 2 == 0 else order[::-1]):
            dt, res, n = f(); acc.append(dt)
    _, r_ours, n_ours = run_ours()
    _, r_fa, n_fa = run_fastai()
    print(f'fastai {fastai.__version__}, torch {torch.__version__}, device {dev}, threads {torch.get_num_threads()}, '
          f'{a.num_it} batches of {a.bs} images {a.size}x{a.size}, {a.rounds} rounds')
    print(f'batches run: petnotes {n_ours}, fastai {n_fa}')
    print(f'petnotes lr_find: median {statistics.median(t_ours):.3f} s  {[round(t, 3) for t in t_ours]}')
    print(f'fastai   lr_find: median {statistics.median(t_fa):.3f} s  {[round(t, 3) for t in t_fa]}')
    print(f'suggestions petnotes: {dict(r_ours._asdict())}')
    print(f'suggestions fastai:   {dict(r_fa._asdict())}')
    print(f'bare loop:        median {statistics.median(t_bare):.3f} s  {[round(t, 3) for t in t_bare]}  (the compute floor)')
    print(f'ratio petnotes/fastai: {statistics.median(t_ours) / statistics.median(t_fa):.2f}x')
    print(f'ratio floor/fastai: {statistics.median(t_bare) / statistics.median(t_fa):.2f}x (no finder can go lower); '
          f'petnotes/floor: {statistics.median(t_ours) / statistics.median(t_bare):.2f}x, fastai/floor: {statistics.median(t_fa) / statistics.median(t_bare):.2f}x')


if __name__ == '__main__': main()
