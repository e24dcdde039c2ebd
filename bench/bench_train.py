"""Training benchmark: petnotes' loaders and Learner against fastai's DataBlock and Learner, one epoch, in one run.

    python bench/bench_train.py              # quick sizes (37 x 40 pets, items 96 -> 64) and the book's (37 x 8, 460 -> 224)
    python bench/bench_train.py --quick      # a smoke test: a few pets per breed, one round (under 2 minutes)
    python bench/bench_train.py --rounds 5   # more rounds (medians are reported)

At each size it times, on the CPU, with one torch thread unless --threads says otherwise:
  loader    one training epoch of batches: `pets_loaders` + `presizing_tfms(item, img)` against the book's DataBlock
            (`pets_datablock`: Resize(item), aug_transforms(img, min_scale=0.75)) + Normalize.from_stats(*imagenet_stats),
            the same files, with 0 and with 2 workers. petnotes' item stage keeps the shrunk pictures between epochs
            within the mode's memory budget (lesson 03's `ItemCache`: quick sizes yes, the book's no): the timed epochs
            come after a warm-up, so they are later epochs; a first epoch (nothing kept) is timed too, and at the book's
            sizes an epoch with 1 GB kept
  train     one epoch of one-cycle training + validation of the same petnet (same initial weights, cross-entropy, Adam
            with decoupled weight decay 0.01 on every parameter, lr_max, div, pct_start, moms): petnotes' `Learner` +
            `fit_one_cycle` against fastai's `Learner.fit_one_cycle`; petnotes also with 1 and 2 workers
  memory    the same epoch with every batch already in memory (each library's own batches): the compute limit
  stages    petnotes' loader taken apart over the same epoch: decode alone, item stage alone (on decoded images),
            collate alone, batch stage alone (on collated batches), and the dataset's items (decode + item stage)
The variants run in turns, their order reversed every other round, so that all see the same load on a busy machine;
medians are reported, in wall seconds and in CPU seconds (this process and its finished children: robust to other
load, but a worker that outlives the epoch, `persistent_workers`, is not counted). The error rates come from the same fits (same seed, same split). Ratios come last, one per line:
`RATIO name petnotes/fastai = x` (time ratios: below 1, petnotes is faster), each with its target where there is one.
"""
import argparse, copy, os, shutil, statistics, sys, tempfile, time, warnings
from pathlib import Path
import torch
warnings.filterwarnings('ignore', category=UserWarning)
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_presizing import table   # the house table: rows of named columns

LR_MAX, SEED = 4e-3, 42

# --- timing ---
def cpu_seconds()->float:
    "CPU seconds used so far by this process and its finished children (the loader workers, once joined)"
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system

def alternate(fns:dict, rounds:int, cpu:dict=None)->dict:
    "Wall seconds of each function, called in turns for `rounds` rounds, the order reversed every other round (CPU seconds into `cpu`)"
    times, names = {k: [] for k in fns}, list(fns)
    for r in range(rounds):
        for k in (names if r % 2 == 0 else names[::-1]):
            t0, c0 = time.perf_counter(), cpu_seconds(); fns[k]()
            times[k].append(time.perf_counter() - t0)
            if cpu is not None: cpu.setdefault(k, []).append(cpu_seconds() - c0)
    return times

def med(ts): return statistics.median(ts)

# --- the two pipelines ---
def petnotes_loaders(path, item, img, bs, nw, cache_mb, store_mb=0, store_folder=None):
    from petnotes.data import pets_loaders
    from petnotes.presizing import presizing_tfms
    from petnotes.itemstore import ItemStore
    item_tfm, batch_tfm = presizing_tfms(item, img, cache_mb=cache_mb)
    if store_mb: item_tfm.cache = ItemStore(f'{item}-bench', store_mb, folder=store_folder)   # a temporary store, never the user's cache
    return pets_loaders(path, valid_pct=0.2, seed=SEED, item_tfm=item_tfm, batch_tfm=batch_tfm, bs=bs, device='cpu',
                        num_workers=nw, verbose=False)

def fastai_loaders(path, item, img, bs, nw):
    from fastai.vision.all import Normalize, imagenet_stats
    from petnotes.data import pets_datablock
    db = pets_datablock(item, img, seed=SEED)
    db.batch_tfms = db.batch_tfms + [Normalize.from_stats(*imagenet_stats, cuda=False)]
    folder = Path(path)/'images' if (Path(path)/'images').is_dir() else Path(path)
    return db.dataloaders(folder, bs=bs, num_workers=nw, device='cpu')

def epoch(dl):
    "Iterate one epoch of `dl`; the number of images"
    return sum(len(yb) for _, yb in dl)

def forget(dls):
    "Drop the pictures `dls`' item stage keeps between epochs (lesson 03's `ItemCache` or workshop 08's `ItemStore`; train and valid share it): the next epoch is a first one"
    dls.train.dataset.item_tfm.cache.clear()
    return dls

def first_epoch(dls, f):
    "`f` run after `forget(dls)`"
    def run(): forget(dls); return f()
    return run

class InMemory:
    "Stands in for either library's loaders: the batches of one epoch, already made (fastai's `dls[i]` too)"
    def __init__(self, train, valid): self.train, self.valid = train, valid
    def __getitem__(self, i): return (self.train, self.valid)[i]
    device = torch.device('cpu')

def grab(dls):
    "Every batch of one training and one validation epoch, in memory"
    return InMemory(list(dls.train), list(dls.valid))

def petnotes_fit(model0, dls, n_epoch=1):
    "A closure: petnotes' one-cycle fit of a copy of `model0` on `dls`; it returns the final error rate"
    from petnotes.learner import Learner, error_rate
    from petnotes.finetune import fit_one_cycle
    def run():
        learn = Learner(copy.deepcopy(model0), dls, metrics=error_rate, progress=False, device='cpu')
        with learn.no_logging(): fit_one_cycle(learn, n_epoch, LR_MAX)
        return float(learn.recorder.values[-1][-1])
    return run

def fastai_fit(model0, dls, n_epoch=1):
    "A closure: fastai's `fit_one_cycle` of a copy of `model0` on `dls`, weight decay on every parameter like AdamW"
    from fastai.learner import Learner
    from fastai.losses import CrossEntropyLossFlat
    from fastai.metrics import error_rate
    tmp = tempfile.mkdtemp(prefix='bench_train_')
    def run():
        learn = Learner(dls, copy.deepcopy(model0), loss_func=CrossEntropyLossFlat(), metrics=error_rate, path=tmp,
                        wd_bn_bias=True)
        with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(n_epoch, LR_MAX)
        return float(learn.recorder.values[-1][-1])
    return run

def keep(results, name, f):
    "`f`, storing each of its results under `name`"
    def run(): results.setdefault(name, []).append(f())
    return run

# --- the host's items: what the CPU must do per picture when the batch stage runs on a GPU ---
def host_items(pn, fa, rounds):
    "Items per second (wall and per CPU second) of petnotes' dataset in a first and a later epoch, and of fastai's (decode + Resize + ToTensor)"
    ds, n = pn.train.dataset, len(pn.train.dataset)
    def first():
        forget(pn)
        for i in range(n): ds[i]
    def later():
        for i in range(n): ds[i]
    def fastai_items():
        for i in range(n): fa.train.do_item(i)
    later()   # the store (or cache) filled, the files in the page cache
    cpu = {}
    t = alternate({'petnotes first epoch': first, 'petnotes later epoch': later, 'fastai (every epoch)': fastai_items}, rounds, cpu)
    later()
    res = {k: {'items/s': n/med(v), 'items per CPU s': n/med(cpu[k])} for k,v in t.items()}
    print(f"\nhost-side items (decode + item stage, no collate, no batch stage): {n} training items, median of {rounds} rounds")
    table(res, '{:10.1f}')
    return res

# --- petnotes' loader taken apart ---
def stages(dls, bs, rounds):
    "Seconds of each stage of petnotes' training loader over one epoch's images (0 workers), medians of `rounds`"
    from petnotes.data import load_rgb, to_uint8_tensor, IMAGENET_STATS
    ds, tl = dls.train.dataset, dls.train
    item_tfm, batch_tfm = ds.item_tfm, tl.batch_tfm
    n = (len(ds)//bs)*bs if len(ds) >= bs else len(ds)       # drop_last, as the loader does
    files = ds.items[:n]
    draft = getattr(item_tfm, 'draft_size', None)    # an item stage may ask the dataset for a smaller JPEG decode
    load = (lambda f: load_rgb(f, draft)) if draft else load_rgb
    imgs = [load(f) for f in files]
    items = [to_uint8_tensor(item_tfm(im, True)) for im in imgs]
    labels = ds.labels[:n]
    coll = torch.utils.data.default_collate
    batches = [coll([(items[j], labels[j]) for j in range(i, min(i+bs, n))]) for i in range(0, n, bs)]
    mean, std = (torch.tensor(s).view(1, 3, 1, 1) for s in IMAGENET_STATS)
    def decode():
        for f in files: load(f)
    def item_stage():
        for im in imgs: to_uint8_tensor(item_tfm(im, True))
    def dataset_items():
        forget(dls)
        for i in range(n): ds[i]
    def dataset_items_kept():
        for i in range(n): ds[i]
    def collate():
        for i in range(0, n, bs): coll([(items[j], labels[j]) for j in range(i, min(i+bs, n))])
    def batch_stage():
        for xb, _ in batches: (batch_tfm(xb.float().div_(255), True) - mean)/std
    def whole():
        for _ in tl: pass
    fns = {'decode': decode, 'item stage': item_stage, 'collate': collate, 'batch stage': batch_stage,
           'decode+item (dataset, first epoch)': dataset_items, 'whole loader epoch': whole}
    if item_tfm.cache.max_bytes: fns['items (dataset, later epochs: pictures kept)'] = dataset_items_kept
    if getattr(batch_tfm, 'sub', 0) is None:   # the default supersampling: also time one sample per output pixel
        from petnotes.presizing import BatchAugment
        one = BatchAugment(batch_tfm.size, batch_tfm.min_scale, sub=1, **batch_tfm.kwargs)
        def batch_stage_sub1():
            for xb, _ in batches: (one(xb.float().div_(255), True) - mean)/std
        fns['batch stage sub=1'] = batch_stage_sub1
    cpu = {}
    t = alternate(fns, rounds, cpu)
    return {k: med(v) for k,v in t.items()}, {k: med(v) for k,v in cpu.items()}, n

# --- one size ---
def bench_size(label, path, item, img, a, cache_mb, store_mb=0):
    from petnotes.core import set_seed
    from petnotes.finetune import create_model
    print(f"\n=== {label}: {path}, items {item} -> {img}, bs {a.bs}, pictures kept between epochs: "
          + (f"on disk, up to {store_mb} MB (workshop 08's ItemStore)" if store_mb else f"{cache_mb} MB per process"))
    stores = tempfile.mkdtemp(prefix='bench_train_store_')   # petnotes' items on disk: one store shared by `pn`, one for `cold`
    pn = {nw: petnotes_loaders(path, item, img, a.bs, nw, cache_mb, store_mb, f'{stores}/kept') for nw in (0, 1, 2)}
    # `cold`: the same loaders, whose kept pictures are dropped before each epoch (a first epoch); `kept`: 1 GB of them in memory
    cold = petnotes_loaders(path, item, img, a.bs, 0, cache_mb, store_mb, f'{stores}/cold') if cache_mb or store_mb else None
    kept = None if cache_mb or store_mb else petnotes_loaders(path, item, img, a.bs, 0, 1024)
    fa = {nw: fastai_loaders(path, item, img, a.bs, nw) for nw in (0, 2)}
    n_classes = len(pn[0].vocab)
    print(f"petnotes: {len(pn[0].train.dataset)} train / {len(pn[0].valid.dataset)} valid images, {n_classes} classes; "
          f"fastai: {len(fa[0].train_ds)} train / {len(fa[0].valid_ds)} valid, {len(fa[0].vocab)} classes in its vocab")
    va, vb = sorted(map(str, pn[0].valid.dataset.items)), sorted(map(str, fa[0].valid_ds.items))
    print(f"same validation files in both: {va == vb}")
    if not a.quick:   # warm-up: imports, first decodes, file cache (and the pictures petnotes keeps: timed epochs are later ones)
        for d in (pn[0], fa[0]) + ((kept,) if kept else ()): epoch(d.train); epoch(d.valid)
    t0, lc = time.perf_counter(), {}
    lt = alternate({'petnotes 0 workers': lambda: epoch(pn[0].train), 'fastai 0 workers': lambda: epoch(fa[0].train),
                    'petnotes 2 workers': lambda: epoch(pn[2].train), 'fastai 2 workers': lambda: epoch(fa[2].train),
                    'petnotes valid': lambda: epoch(pn[0].valid), 'fastai valid': lambda: epoch(fa[0].valid),
                    **({'petnotes 0 workers, first epoch': first_epoch(cold, lambda: epoch(cold.train))} if cold else {}),
                    **({'petnotes 0 workers, 1 GB kept': lambda: epoch(kept.train)} if kept else {})}, a.rounds, lc)
    n_img = epoch(pn[0].train)
    print(f"\nloader: one training epoch ({n_img} images; valid: one validation epoch, 0 workers), seconds, median of {a.rounds} rounds ({time.perf_counter()-t0:.0f} s)")
    table({k: {'median s': med(v), 'images/s': n_img/med(v), 'min s': min(v), 'max s': max(v), 'CPU s': med(lc[k])} for k,v in lt.items()})

    hi = host_items(pn[0], fa[0], a.rounds) if store_mb or cache_mb else None
    st, sc, n_st = stages(pn[0], a.bs, a.rounds)
    print(f"\npetnotes' loader taken apart: one epoch ({n_st} images, 0 workers), seconds, median of {a.rounds} rounds; "
          f"CPU: this process's CPU seconds (what the stage costs, whatever else runs on the machine)")
    parts = ('decode', 'item stage', 'collate', 'batch stage')
    table({k: {'s': v, 'ms/image': 1000*v/n_st, 'share of whole': v/st['whole loader epoch'], 'CPU ms/image': 1000*sc[k]/n_st,
               'CPU share': sc[k]/sc['whole loader epoch']} for k,v in st.items()}, '{:8.3f}')
    print("(batch stage, sub=1: the same augmentation with one bilinear sample per output pixel instead of the default "
          "supersampling, for comparison only)" if any('sub=1' in k for k in st) else '')
    print(f"sum of the four stages (a first epoch's work) {sum(st[k] for k in parts):.3f} s ({sum(sc[k] for k in parts):.3f} CPU s) vs the whole loader "
          f"epoch {st['whole loader epoch']:.3f} s ({sc['whole loader epoch']:.3f} CPU s)")

    set_seed(SEED)
    model0 = create_model('petnet', n_classes, pretrained=False)
    mem_pn, mem_fa = grab(pn[0]), grab(fa[0])
    errs = {}
    fns = {'petnotes 0 workers': keep(errs, 'petnotes 0 workers', petnotes_fit(model0, pn[0])),
           'fastai 0 workers': keep(errs, 'fastai 0 workers', fastai_fit(model0, fa[0])),
           'petnotes 1 worker': keep(errs, 'petnotes 1 worker', petnotes_fit(model0, pn[1])),
           'petnotes 2 workers': keep(errs, 'petnotes 2 workers', petnotes_fit(model0, pn[2])),
           'petnotes in memory': keep(errs, 'petnotes in memory', petnotes_fit(model0, mem_pn)),
           'fastai in memory': keep(errs, 'fastai in memory', fastai_fit(model0, mem_fa))}
    if cold: fns['petnotes 0 workers, first epoch'] = keep(errs, 'petnotes 0 workers, first epoch', first_epoch(cold, petnotes_fit(model0, cold)))
    if not a.quick: petnotes_fit(model0, mem_pn)(); fastai_fit(model0, mem_fa)()   # warm-up
    t0 = time.perf_counter()
    tc = {}
    tt = alternate(fns, a.rounds, tc)
    print(f"\ntrain: one epoch of one-cycle training + validation (lr_max {LR_MAX}), seconds, and the error rate after it, "
          f"median of {a.rounds} rounds ({time.perf_counter()-t0:.0f} s)")
    table({k: {'median s': med(v), 'min s': min(v), 'max s': max(v), 'CPU s': med(tc[k]), 'error': statistics.mean(errs[k])}
           for k,v in tt.items()}, '{:8.3f}')
    if a.error_epochs > 1:
        t0 = time.perf_counter()
        errs[f'petnotes {a.error_epochs} epochs'] = [petnotes_fit(model0, pn[0], a.error_epochs)()]
        errs[f'fastai {a.error_epochs} epochs'] = [fastai_fit(model0, fa[0], a.error_epochs)()]
        print(f"error after {a.error_epochs} epochs of one-cycle (same start, same split), 0 workers: "
              f"petnotes {errs[f'petnotes {a.error_epochs} epochs'][0]:.3f}, fastai {errs[f'fastai {a.error_epochs} epochs'][0]:.3f} "
              f"({time.perf_counter()-t0:.0f} s)")
    L, T = {k: med(v) for k,v in lt.items()}, {k: med(v) for k,v in tt.items()}
    for lib in ('petnotes', 'fastai'):
        parts = (T[f'{lib} in memory'], L[f'{lib} 0 workers'], L[f'{lib} valid'])
        print(f"{lib}, 0 workers: compute limit {parts[0]:.3f} s + training loader epoch {parts[1]:.3f} s + validation loader epoch "
              f"{parts[2]:.3f} s = {sum(parts):.3f} s; measured training epoch {T[f'{lib} 0 workers']:.3f} s "
              f"(the loaders' share {(parts[1]+parts[2])/T[f'{lib} 0 workers']:.0%})")
    shutil.rmtree(stores, ignore_errors=True)
    return dict(loader=L, train=T, loader_cpu={k: med(v) for k,v in lc.items()}, train_cpu={k: med(v) for k,v in tc.items()},
                error={k: statistics.mean(v) for k,v in errs.items()}, stages=st, host=hi)

def ratios(tag, r, targets:bool):
    def line(name, x, target=None):
        print(f"RATIO {name} = {x:.3f}" + (f"   (target <= {target})" if target is not None and targets else ''))
    L, T, E = r['loader'], r['train'], r['error']
    for nw in (0, 2):
        line(f"loader_epoch_{tag}_{nw}workers petnotes/fastai", L[f'petnotes {nw} workers']/L[f'fastai {nw} workers'], 0.25 if tag == 'quick' else 0.3)
    if 'petnotes 0 workers, first epoch' in L:
        line(f"loader_epoch_{tag}_0workers_first_epoch petnotes/fastai", L['petnotes 0 workers, first epoch']/L['fastai 0 workers'], 0.25 if tag == 'quick' else None)
    if 'petnotes 0 workers, 1 GB kept' in L:
        line(f"loader_epoch_{tag}_0workers_1GB_kept petnotes/fastai", L['petnotes 0 workers, 1 GB kept']/L['fastai 0 workers'])
    line(f"train_epoch_{tag}_0workers petnotes/fastai", T['petnotes 0 workers']/T['fastai 0 workers'], 0.7 if tag == 'quick' else None)
    if 'petnotes 0 workers, first epoch' in T:
        line(f"train_epoch_{tag}_0workers_first_epoch petnotes/fastai", T['petnotes 0 workers, first epoch']/T['fastai 0 workers'],
             0.7 if tag == 'quick' else None)
    line(f"train_epoch_{tag}_in_memory petnotes/fastai", T['petnotes in memory']/T['fastai in memory'])
    H = r.get('host')
    if H:   # per CPU core: items per CPU second of this process
        fa = H['fastai (every epoch)']['items per CPU s']
        line(f"host_items_per_cpu_s_{tag}_first_epoch petnotes/fastai", H['petnotes first epoch']['items per CPU s']/fa)
        line(f"host_items_per_cpu_s_{tag}_later_epoch petnotes/fastai", H['petnotes later epoch']['items per CPU s']/fa)
        if targets and tag == 'book': print("   (targets: first epoch >= 1.3, later epochs >= 10)")
    LC, TC = r['loader_cpu'], r['train_cpu']   # CPU seconds (this process and its workers): robust to other load
    line(f"loader_epoch_{tag}_0workers_cpu_time petnotes/fastai", LC['petnotes 0 workers']/LC['fastai 0 workers'])
    line(f"train_epoch_{tag}_0workers_cpu_time petnotes/fastai", TC['petnotes 0 workers']/TC['fastai 0 workers'])
    line(f"train_epoch_{tag}_in_memory_cpu_time petnotes/fastai", TC['petnotes in memory']/TC['fastai in memory'])
    pn = {k: v for k,v in T.items() if k.startswith('petnotes') and 'memory' not in k}
    best = min(pn, key=pn.get)
    for k in pn: line(f"train_epoch_{tag}_{k.split(' ', 1)[1].replace(', ', '_').replace(' ', '')}/compute_limit petnotes", pn[k]/T['petnotes in memory'])
    line(f"train_epoch_{tag}_best({best.split(' ', 1)[1].replace(' ', '')})/compute_limit petnotes", pn[best]/T['petnotes in memory'],
         1.1 if tag == 'quick' else None)
    line(f"train_epoch_{tag}_0workers/compute_limit fastai", T['fastai 0 workers']/T['fastai in memory'])
    print(f"ERROR {tag} after one epoch: petnotes {E['petnotes 0 workers']:.3f}, fastai {E['fastai 0 workers']:.3f}, "
          f"difference petnotes-fastai {E['petnotes 0 workers']-E['fastai 0 workers']:+.3f}; "
          f"in memory: petnotes {E['petnotes in memory']:.3f}, fastai {E['fastai in memory']:.3f}")
    longer = sorted(k for k in E if k.endswith(' epochs') and not k.endswith('workers'))
    if longer: print(f"ERROR {tag} after {longer[0].split()[1]} epochs: " + ', '.join(f"{k.split()[0]} {E[k]:.3f}" for k in longer))

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--quick', action='store_true', help='a smoke test: few pets per breed, one round, no warm-up')
    p.add_argument('--rounds', type=int, default=None, help='timed rounds (default 3; 1 with --quick)')
    p.add_argument('--threads', type=int, default=1, help='torch threads in the main process (default 1)')
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--per-breed', type=int, default=None, help='pets per breed at quick sizes (default: sizes("quick").n_per_breed; 4 with --quick)')
    p.add_argument('--book-per-breed', type=int, default=None, help="pets per breed at the book's sizes (default 8; 4 with --quick)")
    p.add_argument('--sizes', choices=('both', 'quick', 'book'), default='both', help="which sizes to run (default both)")
    p.add_argument('--error-epochs', type=int, default=None, help='also fit this many epochs once per library for the error (default 4 at quick sizes; none with --quick)')
    a = p.parse_args(argv)
    a.rounds = a.rounds or (1 if a.quick else 3)
    torch.set_num_threads(a.threads)
    from petnotes.core import sizes
    from petnotes.synthpets import synthetic_pets_path
    import fastai, petnotes
    q = sizes('quick')
    a.per_breed = a.per_breed or (4 if a.quick else q.n_per_breed)
    a.book_per_breed = a.book_per_breed or (4 if a.quick else 8)
    print(f"petnotes {petnotes.__version__} ({Path(petnotes.__file__).parent}), fastai {fastai.__version__}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} thread(s), bs {a.bs}, {a.rounds} round(s), wall time")
    t0 = time.perf_counter()
    error_epochs = a.error_epochs if a.error_epochs is not None else (0 if a.quick else 4)
    a.error_epochs = error_epochs
    res = {}
    if a.sizes in ('both', 'quick'):
        res['quick'] = bench_size('quick sizes', synthetic_pets_path(a.per_breed, q.synth_size), q.item_size, q.img_size, a, q.item_cache_mb)
    a.error_epochs = 0
    if a.sizes in ('both', 'book'):
        f = sizes('full')
        res['book'] = bench_size("the book's sizes", synthetic_pets_path(a.book_per_breed, 500), 460, 224, a, f.item_cache_mb, f.item_store_mb)
    print(f"\ntotal {time.perf_counter()-t0:.0f} s")
    print("Where petnotes keeps the presized pictures (quick sizes: `sizes('quick').item_cache_mb`), '0workers' is a later epoch, "
          "after the warm-up; 'first_epoch' is the same loader with nothing kept yet. At the book's sizes they are kept on disk "
          "(full mode's `item_store_mb`, workshop 08's ItemStore), read back by memory map.")
    for tag, r in res.items(): ratios(tag, r, targets=True)
    return 0

if __name__ == '__main__': sys.exit(main())
