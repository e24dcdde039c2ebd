"""Stage offline stand-ins for what full mode downloads, exactly where the real downloads land (CI only).

    python .ci/stage_full.py --fastai-home DIR --torch-home DIR [--per-breed N] [--digits-per-class N] [--archs resnet34]

Full mode reads the Oxford-IIIT Pets and MNIST through fastai's `untar_data`, and ImageNet weights through
torchvision's `weights=`. Neither can download here, but both look in their cache first and use what is there
(fastai returns an extracted folder that exists; torch checks a file's hash only when it downloads it). So this script
fills those caches and the *real* loading code runs unchanged:
- FASTAI_HOME/data/oxford-iiit-pet/images/: Oxford-named JPEGs of all 37 breeds drawn by `petnotes.synthpets` at
  Oxford-like sizes (long side 300-500 px), plus the oddities the real folder has: a grayscale and a CMYK JPEG, and
  three `.mat` files that are not images; FASTAI_HOME/data/oxford-iiit-pet/annotations/ (empty, as a marker);
- FASTAI_HOME/data/mnist_png/{training,testing}/<digit>/<n>.png: scikit-learn's 8x8 digits scaled to 28x28;
- TORCH_HOME/hub/checkpoints/<the file torchvision asks for>: a randomly initialised state dict of each architecture.

This is never part of the library: users must never get fake weights. It writes only under the two folders it is given.
"""
import argparse, os, sys
from pathlib import Path

def draw_breed(images:Path, breed:str, per_breed:int, seed:int=42)->int:
    "`{breed}_{i}.jpg`, i = 1..per_breed: Oxford-named synthetic pictures, long side 300-500 px"
    from petnotes.synthpets import draw_pet, _pet_rng
    for i in range(1, per_breed+1):
        rng = _pet_rng(seed, breed, i)
        draw_pet(breed, rng, int(rng.integers(300, 501))).save(images/f'{breed}_{i}.jpg', quality=90)
    return per_breed

def add_oddities(images:Path):
    "What the real folder has besides RGB JPEGs: a grayscale and a CMYK JPEG, and three MATLAB files"
    from PIL import Image
    from petnotes.labelling import BREEDS
    Image.open(images/f'{BREEDS[0]}_1.jpg').convert('L').save(images/f'{BREEDS[0]}_1.jpg', quality=90)
    Image.open(images/f'{BREEDS[-1]}_1.jpg').convert('CMYK').save(images/f'{BREEDS[-1]}_1.jpg', quality=90)
    for name in ('Abyssinian_100.mat', 'Abyssinian_101.mat', 'Abyssinian_102.mat'): (images/name).write_bytes(b'MATLAB 5.0 MAT-file\0')

def pets_folder(data:Path)->Path:
    "data/oxford-iiit-pet/images (created, with the empty annotations/ beside it), where `untar_data(URLs.PETS)` looks"
    images = data/'oxford-iiit-pet'/'images'; images.mkdir(parents=True, exist_ok=True)
    (data/'oxford-iiit-pet'/'annotations').mkdir(exist_ok=True)
    return images

def stage_pets(data:Path, per_breed:int, seed:int=42)->int:
    "Oxford-named synthetic pets of every breed, plus the real folder's non-RGB files and .mat files"
    from petnotes.labelling import BREEDS
    images = pets_folder(data)
    n = sum(draw_breed(images, breed, per_breed, seed) for breed in BREEDS)
    add_oddities(images)
    return n

def stage_mnist(data:Path, per_class:int)->int:
    "mnist_png/{training,testing}/<digit>/<n>.png from scikit-learn's 8x8 digits, scaled to 28x28 (white on black)"
    import numpy as np
    from PIL import Image
    from sklearn.datasets import load_digits
    d = load_digits()
    n = 0
    for split, offset in (('training', 0), ('testing', 1)):
        for digit in range(10):
            folder = data/'mnist_png'/split/str(digit); folder.mkdir(parents=True, exist_ok=True)
            idx = np.flatnonzero(d.target == digit)[offset::2][:per_class]   # training and testing never share a picture
            for j, k in enumerate(idx):
                img = Image.fromarray((d.images[k]*255/16).astype(np.uint8)).resize((20, 20), Image.Resampling.BILINEAR)
                canvas = Image.new('L', (28, 28)); canvas.paste(img, (4, 4))   # MNIST: 20x20 digits centred in 28x28
                canvas.save(folder/f'{k}.png'); n += 1
    return n

def stage_weights(torch_home:Path, archs)->list:
    "Random weights of each torchvision architecture, under the file name its DEFAULT weights download to"
    import torch, torchvision
    folder = torch_home/'hub'/'checkpoints'; folder.mkdir(parents=True, exist_ok=True)
    written = []
    for arch in archs:
        weights = torchvision.models.get_model_weights(arch).DEFAULT
        dest = folder/os.path.basename(weights.url)
        torch.manual_seed(0)
        torch.save(getattr(torchvision.models, arch)(weights=None).state_dict(), dest)
        written.append(dest)
    return written

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--fastai-home', type=Path, required=True, help="what FASTAI_HOME will be (data goes to its data/)")
    p.add_argument('--torch-home', type=Path, required=True, help="what TORCH_HOME will be (weights go to hub/checkpoints/)")
    p.add_argument('--per-breed', type=int, default=4, help="pictures per breed (Oxford has ~200)")
    p.add_argument('--digits-per-class', type=int, default=40, help="MNIST stand-in pictures per digit and split")
    p.add_argument('--archs', nargs='+', default=['resnet34'], help="torchvision architectures full mode builds pretrained")
    a = p.parse_args(argv)
    data = a.fastai_home/'data'
    n_pets = stage_pets(data, a.per_breed)
    n_digits = stage_mnist(data, a.digits_per_class)
    weights = stage_weights(a.torch_home, a.archs)
    print(f"staged {n_pets} pet pictures (+1 grayscale, +1 CMYK, 3 .mat) in {data/'oxford-iiit-pet'/'images'}")
    print(f"staged {n_digits} digit pictures in {data/'mnist_png'}")
    for w in weights: print(f"staged random (not ImageNet) weights {w} ({w.stat().st_size/1e6:.0f} MB)")

if __name__ == '__main__': main()
