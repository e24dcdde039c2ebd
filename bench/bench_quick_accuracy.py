"""Quick mode's accuracy against its cost: lesson 09's training (fine_tune of the pretrained petnet on the 37 synthetic
breeds) at a few sizes, each error next to the seconds it took, in one run.

    python bench/bench_quick_accuracy.py                     # the quick table's row, and a few larger ones
    python bench/bench_quick_accuracy.py --configs 40,7,64 40,12,64 --seeds 42 43
    python bench/bench_quick_accuracy.py --configs 40,7,64 --seeds 42 43 44 --cache-mb 0 128   # pictures kept or not

A config is `n_per_breed,tune_epochs,img_size[,base_lr]` (the item size follows img_size at quick mode's ratio); everything
else is quick mode's `sizes()`. For each config and seed it reports the validation error (20 % of the pets, split by the seed),
its standard error sqrt(e(1-e)/n), the seconds of fine_tune, and the seconds to draw the pets when they were not cached
(the cache is petnotes' own: a second run reuses them; pretraining the petnet body is cached too and not counted here).
The last lines are `ERROR config = e (s seconds)`, one per config, the mean over the seeds.
"""
import argparse, math, statistics, sys, time, warnings
warnings.filterwarnings('ignore', category=UserWarning)
import torch

def run(n_per_breed:int, tune_epochs:int, img_size:int, seed:int, base_lr:float=None, cache_mb:float=None)->dict:
    "Train as lesson 09 does at these sizes; the error, its standard error and the seconds"
    from petnotes.core import sizes, set_seed
    from petnotes.learner import Learner, error_rate
    from petnotes.finetune import create_model, param_groups, fine_tune, pets_items
    from petnotes.synthpets import pets_path
    from petnotes.data import pets_loaders
    from petnotes.presizing import presizing_tfms
    sz = sizes('quick', n_per_breed=n_per_breed, tune_epochs=tune_epochs, img_size=img_size)
    if base_lr is not None: sz = sizes('quick', n_per_breed=n_per_breed, tune_epochs=tune_epochs, img_size=img_size, base_lr=base_lr)
    t0 = time.perf_counter(); path = pets_path(sz); t_draw = time.perf_counter() - t0
    set_seed(seed)
    item_tfm, batch_tfm = presizing_tfms(sz.item_size, sz.img_size, cache_mb=cache_mb)
    dls = pets_loaders(pets_items(path), seed=seed, item_tfm=item_tfm, batch_tfm=batch_tfm, bs=sz.bs, verbose=False)
    learn = Learner(create_model(sz.arch, len(dls.vocab), pretrained=sz.pretrained), dls, splitter=param_groups,
                    metrics=error_rate, progress=False, log=False)
    t0 = time.perf_counter()
    fine_tune(learn, sz.tune_epochs, base_lr=sz.base_lr, freeze_epochs=sz.freeze_epochs)
    t_fit = time.perf_counter() - t0
    err, n = float(learn.recorder.values[-1][-1]), len(dls.valid.dataset)
    return dict(base_lr=sz.base_lr, error=err, se=math.sqrt(err*(1-err)/n), n_valid=n, fit_s=t_fit, draw_s=t_draw, item_size=sz.item_size)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--configs', nargs='+', default=['40,7,64', '40,12,64', '80,7,64', '40,7,96'],
                    help='n_per_breed,tune_epochs,img_size[,base_lr] (default: the quick row, more epochs, more pets, larger images)')
    ap.add_argument('--seeds', nargs='+', type=int, default=[42])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--cache-mb', type=float, nargs='+', default=[None],
                    help="the item stage's memory for pictures kept between epochs (default: quick mode's); several values: each config with each")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    from petnotes.finetune import pretrained_petnet
    t0 = time.perf_counter(); pretrained_petnet(); print(f'pretrained petnet body ready ({time.perf_counter()-t0:.0f} s; cached)')
    results = {}
    print(f"{'n_per_breed,epochs,img':>24} {'seed':>5} {'item':>5} {'valid':>6} {'error':>7} {'± se':>6} {'fit s':>7} {'draw s':>7}")
    for c in a.configs:
        n, e, s = map(int, c.split(',')[:3])
        lr = float(c.split(',')[3]) if c.count(',') == 3 else None
        for seed, mb in ((seed, mb) for seed in a.seeds for mb in a.cache_mb):
            r = run(n, e, s, seed, lr, mb)
            key = c if len(a.cache_mb) == 1 else f'{c} cache_mb={mb}'
            results.setdefault(key, []).append(r)
            print(f"{key:>24} {seed:>5} {r['item_size']:>5} {r['n_valid']:>6} {r['error']:7.3f} {r['se']:6.3f} {r['fit_s']:7.1f} {r['draw_s']:7.1f}", flush=True)
    for c, rs in results.items():
        print(f"ERROR {c} = {statistics.mean(r['error'] for r in rs):.3f} ({statistics.mean(r['fit_s'] for r in rs):.0f} s of fine_tune, "
              f"{len(rs)} seed(s), standard error of one run {statistics.mean(r['se'] for r in rs):.3f})")

if __name__ == '__main__': main()
