"""Presizing benchmark (lesson 03): quality (PSNR against a one-shot high-quality resample) and speed ratios, one run.

    python bench/bench_presizing.py                # the book's sizes: items of 460, batches of 64, output 224
    python bench/bench_presizing.py --quick        # small and fast (items of 96, output 64), a smoke test

Pipelines, all fed the same random parameters (flip, rotate, zoom, warp, crop, lighting):
  petnotes        `batch_augment`: one matrix per image, one grid_sample (2x2 samples per output pixel, averaged)
  petnotes sub=1  the same with plain bilinear sampling (one sample per output pixel)
  fastai          `aug_transforms(size, min_scale=0.75)`: affine+warp resampled at the item size, then RandomResizedCropGPU
  traditional     PIL resize to the output size first, then rotate, zoom (with the crop), warp: three grid_samples
Speed is timed round-robin in one process, so that the ratios are fair on a busy machine; they are what to quote.
"""
import argparse, math, random, statistics, sys, tempfile, time, warnings
from pathlib import Path
import numpy as np, torch, torch.nn.functional as F
from PIL import Image
warnings.filterwarnings('ignore')
from petnotes.presizing import (presize_item, square_box, draw_augment, augment_mat, batch_augment, traditional_augment,
                                reference_resample, lighting, psnr, to_float_tensor, PresizeItem, BatchAugment)
from fastai.vision.augment import (Flip, Rotate, Zoom, Warp, Brightness, Contrast, RandomResizedCropGPU, setup_aug_tfms,
                                   aug_transforms)
from fastai.torch_core import TensorImage

# --- fastai fed our parameters (the same adapter as in nbs/03_presizing.ipynb) ---
class FixedCrop(RandomResizedCropGPU):
    "fastai's `RandomResizedCropGPU` with a crop we choose: top-left `tl` and side `cp`, in pixels"
    def __init__(self, size, tl, cp): super().__init__(size, min_scale=0.75, ratio=(1, 1)); self.fixed = (tl, cp)
    def before_call(self, b, split_idx): self.do,self.tl,self.cp_size = True,self.fixed[0],(self.fixed[1],)*2

def snap_crops(p, N):
    "Round the crops of `p` to whole pixels of an `N` item, in place; return fastai's (top-left, side) for each"
    crops = []
    for i in range(len(p['side'])):
        cp = int(round(float(p['side'][i])*(N-1))) + 1
        tl = tuple(min(max(int(round(((float(c)+1)*(N-1) - (cp-1))/2)), 0), N-cp) for c in (p['crop_y'][i], p['crop_x'][i]))
        p['side'][i] = (cp-1)/(N-1)
        p['crop_y'][i],p['crop_x'][i] = [(2*t+cp-1)/(N-1) - 1 for t in tl]
        crops.append((tl, cp))
    return crops

def fastai_pipeline(x, tfms, split_idx=0):
    x = TensorImage(x.clone())
    for t in sorted(tfms, key=lambda t: t.order): x = t(x, split_idx=split_idx)
    return x.as_subclass(torch.Tensor)

def fastai_augment(x, p, size, crops, max_warp=0.2):
    outs = []
    for i,(tl,cp) in enumerate(crops):
        d = lambda k: p[k][i:i+1].float().tolist()
        tfms = setup_aug_tfms([Flip(p=1., draw=d('flip')), Warp(magnitude=max_warp, p=1., draw_x=d('warp_x'), draw_y=d('warp_y')),
                               Rotate(p=1., draw=d('rotate')), Zoom(p=1., draw=d('zoom'), draw_x=d('zoom_x'), draw_y=d('zoom_y')),
                               Brightness(p=1., draw=d('brightness')), Contrast(p=1., draw=d('contrast')), FixedCrop(size, tl, cp)])
        outs.append(fastai_pipeline(x[i:i+1], tfms))
    return torch.cat(outs)

def compare_one(img, p, N, size, seed):
    crops = snap_crops(p, N)
    sq = square_box(*img.size, train=True, rng=random.Random(seed))
    item = to_float_tensor(presize_item(img, N, rng=random.Random(seed)))[None]
    small = to_float_tensor(presize_item(img, size, rng=random.Random(seed)))[None]
    ref = lighting(reference_resample(to_float_tensor(img), sq, augment_mat(p)[0], N, size)[None], p['brightness'], p['contrast'])
    outs = {'petnotes': batch_augment(item, size, params=p), 'petnotes sub=1': batch_augment(item, size, params=p, sub=1),
            'petnotes sub=2': batch_augment(item, size, params=p, sub=2),
            'fastai': fastai_augment(item, p, size, crops), 'traditional': traditional_augment(small, p, N)}
    return {k: psnr(o, ref) for k,o in outs.items()}

def images():
    import skimage.data
    from sklearn.datasets import load_sample_image
    from petnotes.synthpets import draw_pet
    from petnotes.labelling import BREEDS
    ims = {n: Image.fromarray(getattr(skimage.data, n)()) for n in ['chelsea', 'astronaut', 'coffee', 'rocket']}
    ims.update({n: Image.fromarray(load_sample_image(f'{n}.jpg')) for n in ['china', 'flower']})
    ims.update({f'pet {b}': draw_pet(b, np.random.default_rng(i), 500) for i,b in enumerate(BREEDS[:3])})
    return ims

def table(rows, fmt='{:8.2f}'):
    cols, w = list(next(iter(rows.values()))), max(22, *map(len, rows))   # row names in full
    print(f"{'':{w}}" + ''.join(f'{c:>16}' for c in cols))
    for name,r in rows.items(): print(f'{name:{w}}' + ''.join(f'{fmt.format(r[c]):>16}' for c in cols))

def quality(ims, N, size, draws):
    gen,rows = torch.Generator().manual_seed(0),{}
    for name,img in ims.items():
        res = [compare_one(img, draw_augment(1, generator=gen), N, size, seed=i) for i in range(draws)]
        rows[name] = {k: statistics.mean(r[k] for r in res) for k in res[0]}
    rows['mean'] = {k: statistics.mean(r[k] for r in rows.values()) for k in next(iter(rows.values()))}
    return rows

def timed_round_robin(fns, repeats):
    "Median wall seconds and median CPU seconds (this process, all threads) of each function, called in turns"
    wall,cpu = {k: [] for k in fns},{k: [] for k in fns}
    for f in fns.values(): f()
    for _ in range(repeats):
        for k,f in fns.items():
            t0,c0 = time.perf_counter(),time.process_time(); f()
            wall[k].append(time.perf_counter() - t0); cpu[k].append(time.process_time() - c0)
    return {k: statistics.median(v) for k,v in wall.items()},{k: statistics.median(v) for k,v in cpu.items()}

def batch_speed(bs, N, size, repeats):
    x,x_small = torch.rand(bs, 3, N, N),torch.rand(bs, 3, size, size)
    fa = aug_transforms(size=size, min_scale=0.75)
    fns = {'petnotes': lambda: batch_augment(x, size), 'petnotes sub=1': lambda: batch_augment(x, size, sub=1),
           'fastai': lambda: fastai_pipeline(x, fa), 'traditional': lambda: traditional_augment(x_small, draw_augment(bs), N)}
    wall,cpu = timed_round_robin(fns, repeats)
    return {k: bs/t for k,t in wall.items()},{k: bs/t for k,t in cpu.items()}

def batch_stage_parts(bs, N, size, repeats):
    "CPU seconds of each piece of the batch stages, one batch: where the time of petnotes' supersampling and of the traditional stage goes"
    from petnotes.presizing import homography_grid, _block_mean
    x,x_small,p = torch.rand(bs, 3, N, N),torch.rand(bs, 3, size, size),draw_augment(bs)
    mat = augment_mat(p)
    g1,g2 = homography_grid(mat, size, size, 1),homography_grid(mat, size, size, 2)
    s2 = F.grid_sample(x, g2, mode='bilinear', padding_mode='reflection', align_corners=True)
    out = _block_mean(s2, 2)   # the 2x2 mean `resample_once` takes (the same numbers as F.avg_pool2d(s2, 2))
    fns = {'grid, 4 points per pixel': lambda: homography_grid(mat, size, size, 2),
           'grid_sample, 4 per pixel': lambda: F.grid_sample(x, g2, mode='bilinear', padding_mode='reflection', align_corners=True),
           'average 2x2': lambda: _block_mean(s2, 2),
           'grid, 1 point per pixel': lambda: homography_grid(mat, size, size, 1),
           'grid_sample, 1 per pixel': lambda: F.grid_sample(x, g1, mode='bilinear', padding_mode='reflection', align_corners=True),
           f'grid_sample of a {size} image': lambda: F.grid_sample(x_small, g1, mode='bilinear', padding_mode='reflection', align_corners=True),
           'lighting': lambda: lighting(out, p['brightness'], p['contrast'], inplace=True)}   # in place, as both stages do
    return timed_round_robin(fns, repeats)[1]

def write_files(ims, folder, n, scale=1., min_short=0):
    "`n` JPEG files cycling through `ims`, each resized by `scale`, or more where its short side would be under `min_short`"
    files = []
    for i in range(n):
        img = list(ims.values())[i % len(ims)]
        k = max(scale, min_short/min(img.size))
        if k != 1: img = img.resize((round(img.width*k), round(img.height*k)), Image.Resampling.BICUBIC)
        f = Path(folder)/f'{i:03d}.jpg'; img.convert('RGB').save(f, quality=90); files.append(f)
    return files

def loader_speed(files, N, size, bs, repeats):
    "Images/s of decode only (a full decode), decode + item stage (with/without draft), and the whole loader on the CPU"
    item_tfm,batch_tfm = PresizeItem(N),BatchAugment(size)
    def decode():
        for f in files:
            with Image.open(f) as im: im.convert('RGB')
    def loader(draft, batch_stage):
        def run():
            for i in range(0, len(files), bs):
                items = []
                for f in files[i:i+bs]:
                    with Image.open(f) as im:
                        if not draft: im.load()
                        items.append(torch.from_numpy(np.array(item_tfm(im, True), dtype=np.uint8)).permute(2, 0, 1))
                x = torch.stack(items)                 # collated uint8, as a DataLoader hands it over
                if batch_stage: batch_tfm(x.float()/255, True)
        return run
    wall,cpu = timed_round_robin({'decode only': decode, 'decode+item (draft)': loader(True, False),
                                  'decode+item (no draft)': loader(False, False), 'whole loader on CPU': loader(True, True)}, repeats)
    return {k: len(files)/v for k,v in wall.items()},{k: len(files)/v for k,v in cpu.items()}

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true', help='items of 96, output 64 (a smoke test)')
    ap.add_argument('--bs', type=int, default=64)
    ap.add_argument('--draws', type=int, default=3, help='random parameter sets per image for the quality table')
    ap.add_argument('--repeats', type=int, default=5, help='timed rounds (the median is reported)')
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: PyTorch\'s)')
    ap.add_argument('--loader-only', action='store_true', help='only the whole-loader vs decode-only measurements')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    N,size = (96, 64) if a.quick else (460, 224)
    print(f'presizing benchmark: items {N} -> output {size}, batch {a.bs}, {torch.get_num_threads()} threads, torch {torch.__version__}')
    ims = images()
    if a.loader_only: return loader_sets(ims, N, size, a)
    t0 = time.perf_counter()
    q = quality(ims, N, size, a.draws)
    print(f'\nQuality: PSNR (dB) against one high-quality resample of the full-resolution image, mean of {a.draws} draws ({time.perf_counter()-t0:.0f} s)')
    table(q)
    m = q['mean']
    print(f"petnotes - traditional = {m['petnotes']-m['traditional']:+.2f} dB (goal >= +2), "
          f"petnotes - fastai = {m['petnotes']-m['fastai']:+.2f} dB (goal >= 0); "
          f"petnotes beats fastai on {sum(r['petnotes'] >= r['fastai'] for k,r in q.items() if k != 'mean')}/{len(q)-1} images")
    s,sc = batch_speed(a.bs, N, size, a.repeats)
    print(f'\nSpeed of the batch stages, CPU, batch of {a.bs}, {N} -> {size}: images per second of wall time and per CPU second '
          f'(this process, all threads; robust to other load), median of {a.repeats} rounds')
    for k in s: print(f'  {k:16} {s[k]:8.1f} /s wall {sc[k]:8.1f} /CPU s')
    for k in ('petnotes', 'petnotes sub=1'):
        print(f"RATIO {k} / traditional = {s[k]/s['traditional']:.2f} wall, {sc[k]/sc['traditional']:.2f} CPU (goal >= 1.0, "
              f"keeping >= +10 dB over it and >= +2 dB over fastai)   "
              f"{k} / fastai = {s[k]/s['fastai']:.2f} wall, {sc[k]/sc['fastai']:.2f} CPU (goal >= 1)")
    parts = batch_stage_parts(a.bs, N, size, a.repeats)
    print(f'\nThe batch stages taken apart, one batch of {a.bs}, CPU seconds (median of {a.repeats}):')
    for k,v in parts.items(): print(f'  {k:28} {v:7.3f}')
    sup = parts['grid, 4 points per pixel'] + parts['grid_sample, 4 per pixel'] + parts['average 2x2'] + parts['lighting']
    one = parts['grid, 1 point per pixel'] + parts['grid_sample, 1 per pixel'] + parts['lighting']
    trad = 3*(parts['grid, 1 point per pixel'] + parts[f'grid_sample of a {size} image']) + parts['lighting']
    print(f"  petnotes (2x2 samples): {sup:.3f} s = grid {parts['grid, 4 points per pixel']/sup:.0%} + samples "
          f"{parts['grid_sample, 4 per pixel']/sup:.0%} + average {parts['average 2x2']/sup:.0%} + lighting {parts['lighting']/sup:.0%}; "
          f"one sample per pixel: {one:.3f} s; traditional (3 grids and samples of a {size} image + lighting): {trad:.3f} s")
    print(f"RATIO supersampling cost: 2x2 samples / 1 sample = {sup/one:.2f}; traditional / 1 sample = {trad/one:.2f} "
          f"(the traditional stage reads a small image; its shrink was paid per item, by PIL, before the batch)")
    loader_sets(ims, N, size, a)

def loader_sets(ims, N, size, a):
    "The whole loader against decoding alone on three sets of files: as they are, 3x larger, and every one >= 2x the item"
    with tempfile.TemporaryDirectory() as d:
        for i,(label,scale,short) in enumerate((('photos and synthetic pets as they are (300-640 px)', 1., 0),
                                               ('the same enlarged 3x (900-1900 px)', 3., 0),
                                               (f'the same, each with a short side >= 2x the item ({2*N} px; draft always applies)', 1., 2*N))):
            sub = Path(d)/str(i); sub.mkdir()
            files = write_files(ims, sub, a.bs, scale, short)
            l,lc = loader_speed(files, N, size, a.bs, a.repeats)
            print(f'\nWhole loader vs decode only, {len(files)} JPEGs, {label}, one process: images/s (wall, CPU)')
            for k in l: print(f'  {k:24} {l[k]:8.1f} {lc[k]:8.1f}')
            for name,r in (('wall', l), ('CPU', lc)):
                dec = r['decode only']
                print(f"RATIO ({name}) decode+item stage / decode-only: with draft {r['decode+item (draft)']/dec:.2f} (goal >= 1.0), "
                      f"without draft {r['decode+item (no draft)']/dec:.2f} (goal >= 0.8); "
                      f"whole loader with the batch stage on this CPU: {r['whole loader on CPU']/dec:.2f}")

if __name__ == '__main__': main()
