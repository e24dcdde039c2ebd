"""Synthetic pets: drawing speed, serial vs 2 processes, measured in one run (both under the same load).
Usage: python bench/synthpets_speed.py [n_per_breed] [size]"""
import sys, time, tempfile, os
from pathlib import Path
from petnotes.synthpets import make_pets
from petnotes.labelling import BREEDS

n, size = int(sys.argv[1]) if len(sys.argv) > 1 else 10, int(sys.argv[2]) if len(sys.argv) > 2 else 160
res = {}
with tempfile.TemporaryDirectory() as d:
    c0 = time.process_time(); make_pets(Path(d)/'cpu', n_per_breed=n, size=size, n_workers=1)
    cpu_ms = (time.process_time() - c0)/(len(BREEDS)*n)*1000
    for workers in (1, 2):
        t0 = time.perf_counter(); make_pets(Path(d)/f'w{workers}', n_per_breed=n, size=size, n_workers=workers)
        res[workers] = len(BREEDS)*n/(time.perf_counter() - t0)
load = os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan')
print(f"{len(BREEDS)*n} images of long side {size}px (load average {load:.1f})")
print(f"serial: {res[1]:.0f} images/s; 2 processes: {res[2]:.0f} images/s; ratio 2-proc/serial = {res[2]/res[1]:.2f}")
print(f"quick set (37 x 40) at the 2-process rate: {37*40/res[2]:.1f} s")
print(f"CPU time per image (serial, hardly affected by load): {cpu_ms:.1f} ms = {1000/cpu_ms:.0f} images/s per free core"
      f" -> quick set {37*40*cpu_ms/1000/2:.1f} s of CPU per core on 2 free cores")
