"""Do `pets_loaders`' worker processes work under the 'spawn' start method (macOS', Windows' and Python 3.14's default)?

    python .ci/spawn_check.py                        # spawn, 2 workers: exit 0/1 with a one-line verdict
    python .ci/spawn_check.py --start-method fork    # or forkserver
    python .ci/spawn_check.py --selftest             # the check fails on a lambda item_tfm (with a pickling error)

On a small synthetic set (3 breeds x 8, `make_pets` into a temporary folder) it builds `pets_loaders` with the item and batch
transforms of `presizing_tfms` and `num_workers=2`, iterates one epoch of training and validation batches, checks their
shapes, dtypes and labels, and checks that the validation batches equal those of `num_workers=0` (validation is
deterministic). Under 'spawn' each worker unpickles the dataset, so a transform that cannot be pickled fails here.
"""
import argparse, multiprocessing, sys, tempfile
from pathlib import Path

BREEDS, PER_BREED, ITEM, SIZE, BS = ["Abyssinian", "beagle", "pug"], 8, 48, 32, 4

def batches(dls, which):
    return [(xb.clone(), yb.clone()) for xb, yb in getattr(dls, which)]

def check(folder, workers=2, item_tfm=None):
    "Raise an `AssertionError` (or the loader's own error) unless the loaders with `workers` behave; a summary line"
    import torch
    from petnotes.data import pets_loaders
    from petnotes.presizing import presizing_tfms
    it, bt = presizing_tfms(ITEM, SIZE)
    item_tfm = item_tfm or it
    mk = lambda nw: pets_loaders(folder, valid_pct=0.25, seed=42, item_tfm=item_tfm, batch_tfm=bt, bs=BS, device='cpu',
                                 num_workers=nw, verbose=False)
    dls = mk(workers)
    n_train, n_valid = len(dls.train.dataset), len(dls.valid.dataset)
    train, valid = batches(dls, 'train'), batches(dls, 'valid')
    assert len(train) == n_train//BS and len(train) > 0, f"{len(train)} training batches, expected {n_train//BS}"
    assert sum(len(y) for _, y in valid) == n_valid, f"validation batches hold {sum(len(y) for _, y in valid)} images, expected {n_valid}"
    for name, bs in (('train', train), ('valid', valid)):
        for xb, yb in bs:
            assert xb.dtype == torch.float32 and xb.shape[1:] == (3, SIZE, SIZE), f"{name}: x {xb.dtype} {tuple(xb.shape)}"
            assert yb.dtype == torch.int64 and yb.shape == (xb.shape[0],), f"{name}: y {yb.dtype} {tuple(yb.shape)}"
            assert 0 <= int(yb.min()) and int(yb.max()) < len(dls.vocab), f"{name}: labels outside the vocab"
            assert torch.isfinite(xb).all(), f"{name}: non-finite pixels"
    ref = batches(mk(0), 'valid')
    assert len(ref) == len(valid) and all(torch.equal(a[0], b[0]) and torch.equal(a[1], b[1]) for a, b in zip(ref, valid)), \
        f"the validation batches with {workers} workers differ from those with 0 workers"
    return f"{len(train)} train + {len(valid)} valid batches of {SIZE}px, validation equal to 0 workers'"

def selftest(folder, method):
    "The check must fail, with a pickling error, on a lambda item transform"
    if method == 'fork':
        return False, "--selftest needs --start-method spawn or forkserver (fork copies the lambda, nothing is pickled)"
    try: check(folder, 2, item_tfm=lambda img, train: img.resize((ITEM, ITEM)))
    except Exception as e:
        msg = f"{type(e).__name__}: {e}"
        ok = 'pickl' in msg.lower()
        return ok, f"a lambda item_tfm fails under {method} with {'a pickling error' if ok else 'an unexpected error'} ({msg.splitlines()[0][:150]})"
    return False, f"a lambda item_tfm passed under {method}: the check cannot catch a transform workers cannot receive"

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--start-method', choices=('spawn', 'forkserver', 'fork'), default='spawn')
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--selftest', action='store_true', help='check that a lambda item_tfm fails with a pickling error')
    a = p.parse_args(argv)
    multiprocessing.set_start_method(a.start_method, force=True)
    from petnotes.synthpets import make_pets
    with tempfile.TemporaryDirectory(prefix='spawn_check_') as d:
        make_pets(d, breeds=BREEDS, n_per_breed=PER_BREED, size=96, n_workers=1, progress=False)
        if a.selftest:
            ok, msg = selftest(d, a.start_method)
        else:
            try: ok, msg = True, check(d, a.workers)
            except Exception as e: ok, msg = False, f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
    what = 'selftest' if a.selftest else f"pets_loaders, {a.workers} workers"
    print(f"spawn_check ({what}, start method {a.start_method}): {'ok' if ok else 'FAILED'}: {msg}")
    return 0 if ok else 1

if __name__ == '__main__': sys.exit(main())
