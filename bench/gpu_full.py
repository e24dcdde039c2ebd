"""Full-scale training throughput on a GPU: petnotes (fp32, bf16) against fastai (fp16), resnet34 at 224 px, batch 64.

    python bench/gpu_full.py --work /tmp/gpu_full      # on the GPU machine: stages 7400 pictures, then trains (a few minutes)
    python bench/gpu_full.py --tiny --work DIR         # the CPU smoke test CI runs (about a minute)

It stages offline stand-ins at full scale with .ci/stage_full.py (37 breeds x --per-breed synthetic Oxford-named JPEGs,
random resnet34 weights under torchvision's file name) in --work, points FASTAI_HOME/TORCH_HOME there, sets
PETNOTES_MODE=full, then trains for --warmup + --batches training batches (one_cycle, lr_max 1e-3), three ways:
  petnotes fp32   `pets_loaders` + `presizing_tfms(460, 224)`, `create_model('resnet34', 37)`, petnotes' `Learner`
                  (splitter `param_groups`), `fit_one_cycle`
  petnotes bf16   the same with the `MixedPrecision` callback (bf16 autocast + channels-last)
  fastai fp16     the book's DataBlock (Resize(460), aug_transforms(size=224, min_scale=0.75)),
                  `vision_learner(dls, resnet34, metrics=error_rate).to_fp16()`, unfrozen so that it trains every
                  parameter like the petnotes runs, `fit_one_cycle`
For each: training images/s over the --batches after the --warmup ones (validation skipped), peak GPU memory of that
run, and the compute ceiling: images/s of the same learner doing the same number of steps on a few batches already on
the device (cycled), without the loader; the loader's share of the time (the fraction the GPU waits for data) is
1 - (images/s with loader)/(ceiling). petnotes keeps its items on disk (full mode's item store, workshop 08): the store is
filled first (with the loader's workers), so its timed batches are those of a later epoch; --first-epoch empties it instead.
Ratios come last, one per line: `RATIO name = x`. Files staged in --work are reused when the counts match.
"""
import argparse, gc, json, math, os, sys, tempfile, time
from pathlib import Path

ARCH, N_BREEDS, LR_MAX, N_PRELOADED = 'resnet34', 37, 1e-3, 4
BOOK_PATTERN = r'(.+)_\d+.jpg$'

def parse_args(argv=None):
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else (os.cpu_count() or 1)
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--per-breed', type=int, default=200, help="pictures per breed (Oxford has ~200)")
    p.add_argument('--bs', type=int, default=64)
    p.add_argument('--batches', type=int, default=60, help="measured training batches per run")
    p.add_argument('--warmup', type=int, default=10, help="training batches before the measured ones (at least 1)")
    p.add_argument('--workers', type=int, default=min(16, cores), help="DataLoader workers, both libraries (fastai's default)")
    p.add_argument('--tiny', action='store_true', help="CPU smoke test: 2 per breed, bs 8, 1+2 batches, 0 workers")
    p.add_argument('--work', type=Path, default=None, help="folder for the staged files (default: a temporary one)")
    p.add_argument('--device', default=None, help="default: cuda if available, else cpu")
    p.add_argument('--first-epoch', action='store_true', help="time petnotes with its item store empty (a first epoch); "
                   "by default the store is filled first, so the timed batches are those of a later epoch")
    a = p.parse_args(argv)
    if a.tiny: a.per_breed, a.bs, a.batches, a.warmup, a.workers = 2, 8, 2, 1, 0
    a.item_size, a.img_size = 460, 224   # the book's sizes, also with --tiny
    if a.warmup < 1 or a.batches < 1: p.error("--warmup and --batches must be at least 1")
    return a

# --- staging (.ci/stage_full.py's pieces, the breeds drawn in parallel) ---
def _draw_breed(job):
    "Pool worker: one breed's pictures"
    from stage_full import draw_breed
    return draw_breed(*job)

def stage(work:Path, per_breed:int)->None:
    "Pets under work/fastai/data, resnet34 weights under work/torch; skipped when work/staged.json says it is done"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent/'.ci'))
    from stage_full import pets_folder, add_oddities, stage_weights
    from petnotes.core import available_cpus
    from petnotes.labelling import BREEDS
    marker, want = work/'staged.json', dict(per_breed=per_breed, archs=[ARCH])
    if marker.is_file() and json.loads(marker.read_text()) == want: print(f"staging: reusing {work}"); return
    t0, images = time.perf_counter(), pets_folder(work/'fastai'/'data')
    procs = min(available_cpus(), len(BREEDS)) if per_breed > 4 else 1
    jobs = [(images, b, per_breed) for b in BREEDS]
    if procs > 1:
        import multiprocessing
        with multiprocessing.Pool(procs) as pool: n = sum(pool.map(_draw_breed, jobs))
    else: n = sum(_draw_breed(j) for j in jobs)
    add_oddities(images)
    stage_weights(work/'torch', [ARCH])
    marker.write_text(json.dumps(want))
    print(f"staging: {n} pictures + random {ARCH} weights in {work} ({time.perf_counter()-t0:.0f} s, {procs} process{'es' if procs > 1 else ''})")

# --- timing ---
class Clock:
    "Counts training batches: times the `n` after the first `warmup` (device synchronised), then stops the fit"
    def __init__(self, warmup, n, device, stop):
        self.warmup, self.n, self.device, self.stop = warmup, n, device, stop
        self.count, self.t0, self.seconds, self.loss = 0, None, None, None
    def _now(self):
        if self.device.type == 'cuda': import torch; torch.cuda.synchronize(self.device)
        return time.perf_counter()
    def batch_done(self, loss):
        self.count += 1
        if self.count == self.warmup: self.t0 = self._now()
        if self.count == self.warmup + self.n:
            self.seconds, self.loss = self._now() - self.t0, float(loss.detach())
            raise self.stop()

def timer(clock, Callback, CancelValidException):
    "A callback of either library (its `Callback` and `CancelValidException`) that feeds `clock` and skips validation"
    class Timer(Callback):
        order = 100
        def before_validate(self): raise CancelValidException()
        def after_batch(self):
            if self.learn.model.training: clock.batch_done(self.learn.loss)
    return Timer()

class Preloaded:
    "Stands in for either library's loaders: `n` training steps cycling over `batches` already on the device"
    def __init__(self, batches, n, device): self.batches, self.n, self.device = batches, n, device
    @property
    def train(self): return self
    valid = ()
    def __getitem__(self, i): return self if i == 0 else ()   # fastai's `dls[1]` (validation is skipped anyway)
    def __len__(self): return self.n
    def __iter__(self): return (self.batches[i % len(self.batches)] for i in range(self.n))

def first_batches(dl, k:int)->list:
    "The first `k` batches `dl` gives (on the device, after its batch transforms)"
    it = iter(dl)
    res = [next(it) for _ in range(k)]
    del it
    return res

def measure(run:dict, a, device)->dict:
    "Time `run['fit']` with the loader, then on preloaded batches: images/s, loader share, peak memory"
    import torch
    n = a.warmup + a.batches
    cuda = device.type == 'cuda'
    if cuda: torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats(device)
    clock = Clock(a.warmup, a.batches, device, run['stop'])
    run['fit'](clock, math.ceil(n/len(run['train'])))
    peak = torch.cuda.max_memory_allocated(device)/2**30 if cuda else None
    ceiling = Clock(a.warmup, a.batches, device, run['stop'])
    run['swap'](Preloaded(first_batches(run['train'], min(N_PRELOADED, n)), n, device))
    run['fit'](ceiling, 1)
    for c, what in ((clock, 'with the loader'), (ceiling, 'on preloaded batches')):
        if c.seconds is None: raise RuntimeError(f"{run['name']}: the fit {what} stopped after {c.count} of {n} batches")
        if not math.isfinite(c.loss): raise RuntimeError(f"{run['name']}: the loss {what} is {c.loss}")
    ips, ceil_ips = a.batches*a.bs/clock.seconds, a.batches*a.bs/ceiling.seconds
    return dict(name=run['name'], ips=ips, ceiling=ceil_ips, share=1 - ips/ceil_ips, peak=peak, loss=clock.loss,
                ms=1000*clock.seconds/a.batches, ceil_ms=1000*ceiling.seconds/a.batches)

# --- the three ways ---
def fill_store(dls, a):
    "Write every training item into the item store (workshop 08), with the loader's workers; or empty it (--first-epoch)"
    import torch
    store = dls.train.dataset.item_tfm.cache
    if store.in_memory: return   # item_store_mb=0: no store to fill
    if a.first_epoch: store.clear(); return
    if len(store) >= len(dls.train.dataset): return   # filled by an earlier run
    t0 = time.perf_counter()
    for _ in torch.utils.data.DataLoader(dls.train.dataset, batch_size=a.bs, num_workers=a.workers, collate_fn=len): pass
    print(f"item store: {len(store)} items written in {time.perf_counter()-t0:.0f} s (a first epoch's host work), {store.folder}")

def petnotes_run(path:Path, a, device, mixed:bool)->dict:
    "petnotes' loaders, model and Learner, in fp32 or with `MixedPrecision` (bf16 + channels-last)"
    from petnotes.core import set_seed
    from petnotes.data import pets_loaders
    from petnotes.presizing import presizing_tfms
    from petnotes.learner import Learner, error_rate, CancelFitException, Callback, CancelValidException
    from petnotes.finetune import create_model, param_groups, fit_one_cycle, MixedPrecision
    set_seed(42)
    from petnotes.core import sizes
    item_tfm, batch_tfm = presizing_tfms(a.item_size, a.img_size, store_mb=sizes().item_store_mb)   # full mode: items kept on disk
    dls = pets_loaders(path, item_tfm=item_tfm, batch_tfm=batch_tfm, bs=a.bs, device=device, num_workers=a.workers, verbose=False)
    fill_store(dls, a)
    if len(dls.vocab) != N_BREEDS: raise RuntimeError(f"petnotes found {len(dls.vocab)} breeds, expected {N_BREEDS}")
    learn = Learner(create_model(ARCH, len(dls.vocab), pretrained=True), dls, splitter=param_groups, metrics=error_rate,
                    progress=False, device=device, cbs=[MixedPrecision(enabled=True)] if mixed else None)
    def fit(clock, n_epoch):
        with learn.no_logging(): fit_one_cycle(learn, n_epoch, LR_MAX, cbs=[timer(clock, Callback, CancelValidException)])
    def swap(pre): learn.dls = pre
    return dict(name='petnotes bf16' if mixed else 'petnotes fp32', train=dls.train, stop=CancelFitException, swap=swap, fit=fit)

def fastai_run(path:Path, a, device)->dict:
    "The book's DataBlock and `vision_learner(...).to_fp16()` (fp32 on a CPU), unfrozen"
    from fastai.vision.all import (DataBlock, ImageBlock, CategoryBlock, get_image_files, RandomSplitter, RegexLabeller,
                                   using_attr, Resize, aug_transforms, vision_learner, resnet34, error_rate)
    from fastai.callback.core import CancelFitException, Callback, CancelValidException
    pets = DataBlock(blocks=(ImageBlock, CategoryBlock), get_items=get_image_files, splitter=RandomSplitter(seed=42),
                     get_y=using_attr(RegexLabeller(BOOK_PATTERN), 'name'), item_tfms=Resize(a.item_size),
                     batch_tfms=aug_transforms(size=a.img_size, min_scale=0.75))
    dls = pets.dataloaders(path/'images', bs=a.bs, num_workers=a.workers, device=device)
    if not 0 < len(dls.vocab) <= N_BREEDS: raise RuntimeError(f"fastai found {len(dls.vocab)} breeds, expected {N_BREEDS}")
    if len(dls.vocab) < N_BREEDS:   # fastai's vocab is the training split's: tiny counts can leave a breed out
        print(f"fastai: {len(dls.vocab)} breeds in the training split (a {len(dls.vocab)}-class head)")
    learn = vision_learner(dls, resnet34, metrics=error_rate)
    learn.unfreeze()   # vision_learner freezes the body; petnotes' runs train every parameter
    fp16 = device.type == 'cuda'
    if fp16: learn = learn.to_fp16()
    else: print("fastai: to_fp16 skipped on cpu (fp16 autocast and its GradScaler are for GPUs); fastai runs in fp32 here")
    def fit(clock, n_epoch):
        with learn.no_bar(), learn.no_logging(): learn.fit_one_cycle(n_epoch, LR_MAX, cbs=[timer(clock, Callback, CancelValidException)])
    def swap(pre): learn.dls = pre
    return dict(name='fastai fp16' if fp16 else 'fastai fp32', train=dls.train, stop=CancelFitException, swap=swap, fit=fit)

# --- report ---
def show(r:dict):
    mem = f"{r['peak']:.2f} GiB" if r['peak'] is not None else 'n/a (cpu)'
    print(f"{r['name']:<14} with loader {r['ips']:8.1f} img/s ({r['ms']:.0f} ms/batch) | ceiling {r['ceiling']:8.1f} img/s "
          f"({r['ceil_ms']:.0f} ms/batch) | loader's share of the time {r['share']:6.1%} | peak GPU memory {mem} | loss {r['loss']:.3f}")

def ratios(res:dict):
    pf, pb, fa = res['petnotes fp32'], res['petnotes bf16'], res[next(k for k in res if k.startswith('fastai'))]
    fa_tag = fa['name'].replace(' ', '_')
    for what, key in (('', 'ips'), ('_ceiling', 'ceiling')):
        print(f"RATIO petnotes_bf16/{fa_tag}{what} = {pb[key]/fa[key]:.3f}")
        print(f"RATIO petnotes_fp32/{fa_tag}{what} = {pf[key]/fa[key]:.3f}")
        print(f"RATIO petnotes_bf16/petnotes_fp32{what} = {pb[key]/pf[key]:.3f}")

def versions(device):
    import torch, torchvision, fastai, petnotes
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'cpu'
    print(f"device {device} ({name}); torch {torch.__version__}, torchvision {torchvision.__version__}, fastai {fastai.__version__}, "
          f"petnotes {petnotes.__version__}; threads {torch.get_num_threads()}; cudnn.benchmark {torch.backends.cudnn.benchmark}")

def free(device):
    import torch
    gc.collect()
    if device.type == 'cuda': torch.cuda.empty_cache()

def bench(a, work:Path)->dict:
    os.environ.update(FASTAI_HOME=str(work/'fastai'), TORCH_HOME=str(work/'torch'), PETNOTES_MODE='full', PETNOTES_CACHE=str(work/'cache'))
    stage(work, a.per_breed)
    import torch
    device = torch.device(a.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    from petnotes.synthpets import oxford_pets_path
    path = oxford_pets_path()   # the real full-mode lookup (fastai's untar_data), finding the staged folder
    if path.resolve() != (work/'fastai'/'data'/'oxford-iiit-pet').resolve(): raise RuntimeError(f"pets found at {path}, not in {work}")
    versions(device)
    print(f"{ARCH}, {a.img_size} px (items {a.item_size}), bs {a.bs}, {a.warmup} warm-up + {a.batches} measured batches, "
          f"{a.workers} workers, {N_BREEDS} breeds x {a.per_breed} pictures; ceiling: {N_PRELOADED} preloaded batches cycled")
    res = {}
    for make in (lambda: petnotes_run(path, a, device, False), lambda: petnotes_run(path, a, device, True),
                 lambda: fastai_run(path, a, device)):
        t0 = time.perf_counter()
        r = measure(make(), a, device)
        res[r['name']] = r
        show(r); print(f"  ({time.perf_counter()-t0:.0f} s including setup)")
        free(device)
    return res

def main(argv=None)->int:
    a = parse_args(argv)
    t0 = time.perf_counter()
    if a.work is None:
        with tempfile.TemporaryDirectory(prefix='gpu_full_') as d: res = bench(a, Path(d))
    else: a.work.mkdir(parents=True, exist_ok=True); res = bench(a, a.work)
    print(f"total {time.perf_counter()-t0:.0f} s")
    ratios(res)
    for r in res.values(): print(f"RATIO gpu_waits_for_data {r['name'].replace(' ', '_')} = {r['share']:.3f}"
                                 + (" (petnotes: a first epoch, store empty)" if a.first_epoch and 'petnotes' in r['name'] else ''))
    return 0

if __name__ == '__main__': sys.exit(main())
