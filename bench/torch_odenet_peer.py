#!/usr/bin/python3
"""Chapter 12's ODE-Net in PyTorch, as the peer of `make bench`'s odenet_fmnist_epoch line.

The same model and training (issue 10; chapters/odenet.h), float64, one thread:
  z0 = tanh(W0 x + b0), x = pixel / 255 (784 -> 64);
  dz/dt = W2 tanh(W1 [z, t] + b1) + b2 (65 -> 128 -> 64), t in [0, 1];
  logits = W3 z(1) + b3 (64 -> 10); softmax cross-entropy;
  dopri5 at rtol = atol = 1e-3 (bench/torch_spiral_peer.py's own Dormand-Prince, as
  torchdiffeq is not packaged for Debian), autograd through the solver (backprop);
  Adam lr 1e-3, batch 128, a seeded shuffle, the 468 full batches of one epoch;
  Glorot-uniform weights, zero biases (the chapter's initialisation).
The data is read with Python's gzip and numpy (no code shared with neuralode.h).

On a shared machine compare CPU times (process_time here, CLOCK_PROCESS_CPUTIME_ID in
bench_odenet.c): wall times are inflated by the other processes.

  usage: bench/torch_odenet_peer.py [--iters N] [--ours-cpu-ms MS] [--floor-ms MS]
  prints: BENCH name=torch_odenet_epoch seconds=... ms_per_iter=... cpu_seconds=...
          cpu_ms_per_iter=... nfe_fwd_per_iter=... iters=... test_acc=...
          [cpu_ratio_torch_over_ours=...] [ratio_torch_over_products_floor=...]
The last is the peer's time over OpenBLAS's for the iteration's dense products alone
(make bench's odenet_openblas_products line): the largest speed-up over this peer that
any implementation doing those products at OpenBLAS's rate, and nothing else, could show.
"""
import argparse
import gzip
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_spiral_peer import odeint_dopri5  # noqa: E402

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path):
    """An IDX file (gzip) as a numpy array: magic 0 0 type ndim, big-endian sizes, ubyte data."""
    with gzip.open(path, "rb") as f:
        b = f.read()
    assert b[0] == 0 and b[1] == 0 and b[2] == 8, "expected an unsigned-byte IDX file"
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


class ODENet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = torch.nn.Linear(784, 64)
        self.f1 = torch.nn.Linear(65, 128)
        self.f2 = torch.nn.Linear(128, 64)
        self.head = torch.nn.Linear(64, 10)
        for m in (self.enc, self.f1, self.f2, self.head):
            torch.nn.init.xavier_uniform_(m.weight)
            torch.nn.init.zeros_(m.bias)
        self.nfe = 0

    def f(self, t, z):
        self.nfe += 1
        tt = torch.full((z.shape[0], 1), float(t))
        return self.f2(torch.tanh(self.f1(torch.cat([z, tt], dim=1))))

    def forward(self, x, tol=1e-3):
        z0 = torch.tanh(self.enc(x))
        zT = odeint_dopri5(self.f, z0, torch.tensor([0.0, 1.0]), rtol=tol, atol=tol)[-1]
        return self.head(zT)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=468)
    ap.add_argument("--ours-cpu-ms", type=float, default=0.0, help="our CPU ms per iteration, for the ratio")
    ap.add_argument("--floor-ms", type=float, default=0.0,
                    help="OpenBLAS's time for the iteration's products alone (odenet_openblas_products)")
    args = ap.parse_args()
    if not os.path.exists(os.path.join(DATA, "train-images-idx3-ubyte.gz")):
        print("# torch_odenet_epoch skipped: apt-get install -y dataset-fashion-mnist")
        return
    xtr = torch.from_numpy(idx(os.path.join(DATA, "train-images-idx3-ubyte.gz")).reshape(-1, 784) / 255.0)
    ytr = torch.from_numpy(idx(os.path.join(DATA, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    xte = torch.from_numpy(idx(os.path.join(DATA, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784) / 255.0)
    yte = torch.from_numpy(idx(os.path.join(DATA, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    torch.manual_seed(12)
    model = ODENet()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    perm = torch.from_numpy(np.random.RandomState(13).permutation(len(ytr)))
    iters = min(args.iters, len(ytr) // 128)
    nfe = 0
    w0, c0 = time.perf_counter(), time.process_time()
    for it in range(iters):
        rows = perm[it * 128:(it + 1) * 128]
        model.nfe = 0
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xtr[rows]), ytr[rows])
        loss.backward()
        opt.step()
        nfe += model.nfe
    sec, cpu = time.perf_counter() - w0, time.process_time() - c0
    with torch.no_grad():
        correct = sum(int((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum()) for i in range(0, 10000, 1000))
    ms, cpu_ms = 1e3 * sec / iters, 1e3 * cpu / iters
    ratio = f" cpu_ratio_torch_over_ours={cpu_ms / args.ours_cpu_ms:.2f}" if args.ours_cpu_ms > 0 else ""
    if args.floor_ms > 0:  # the most any implementation on OpenBLAS's products could gain over this peer
        ratio += f" ratio_torch_over_products_floor={cpu_ms / args.floor_ms:.2f}"
    print(f"BENCH name=torch_odenet_epoch seconds={sec:.2f} ms_per_iter={ms:.2f} cpu_seconds={cpu:.2f} "
          f"cpu_ms_per_iter={cpu_ms:.2f} nfe_fwd_per_iter={nfe / iters:.1f} iters={iters} "
          f"test_acc={correct / 10000:.4f}{ratio}")


if __name__ == "__main__":
    main()
