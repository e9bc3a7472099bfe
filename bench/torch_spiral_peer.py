#!/usr/bin/python3
"""The spiral training job of issue 3 in PyTorch, as a peer for `make bench`'s spiral lines.

torchdiffeq is not packaged for Debian, so this script carries its own Dormand-Prince 5(4)
(the same method, tolerances and controller family) and lets PyTorch's autograd differentiate
through it: backprop through the solver. Everything else follows the classic demo recipe:

  truth dy/dt = (y^3) A, A = [[-0.1, 2], [-2, -0.1]], y0 = (2, 0), 1000 points on [0, 25];
  model 2-50-2 tanh on y^3, weights N(0, 0.1^2), zero biases, float64;
  per iteration 20 windows of 10 points (start indices without replacement), mean absolute
  error, one RMSprop step (lr 1e-3, PyTorch defaults); dopri5 rtol 1e-7 atol 1e-9; 2000 iterations.
  final_mse: the trained model's trajectory from y0 against the truth at all 1000 points.

It answers one question: what does this recipe reach, seed by seed, in an implementation that
shares no code with neuralode.h?  Needs python3-torch (Debian: apt-get install python3-torch).

  usage: bench/torch_spiral_peer.py [--iters N] [--seeds 0,1,2]
  prints: BENCH name=torch_spiral_backprop seed=S iters=N seconds=... final_mse=... late_median_mse=...
          per seed, then BENCH name=torch_spiral_summary with the median and spread over the seeds
"""
import argparse
import time

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

# Dormand & Prince (1980) 5(4) tableau; error weights = b5 - b4.
C = [0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0]
A = [[],
     [1 / 5],
     [3 / 40, 9 / 40],
     [44 / 45, -56 / 15, 32 / 9],
     [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
     [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
     [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]
B5 = [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0]
B4 = [5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40]
E = [b5 - b4 for b5, b4 in zip(B5, B4)]
# Shampine (1986) weights for the solution at the middle of a step (dense output of order 4).
CMID = [6025192743 / 30085553152 / 2, 0.0, 51252292925 / 65400821598 / 2,
        -2691868925 / 45128329728 / 2, 187940372067 / 1594534317056 / 2,
        -1776094331 / 19743644256 / 2, 11237099 / 235043384 / 2]


def wrms(err, y0, y1, rtol, atol):
    sc = atol + rtol * torch.maximum(y0.abs(), y1.abs())
    return float(torch.sqrt(torch.mean((err / sc) ** 2)))


def first_step(f, t0, y0, f0, rtol, atol):
    """Hairer, Norsett & Wanner, Solving ODEs I, II.4 (starting step size), order 5."""
    with torch.no_grad():
        sc = atol + rtol * y0.abs()
        d0 = float(torch.sqrt(torch.mean((y0 / sc) ** 2)))
        d1 = float(torch.sqrt(torch.mean((f0 / sc) ** 2)))
        h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
        f1 = f(t0 + h0, y0 + h0 * f0)
        d2 = float(torch.sqrt(torch.mean(((f1 - f0) / sc) ** 2))) / h0
        h1 = max(1e-6, h0 * 1e-3) if max(d1, d2) <= 1e-15 else (0.01 / max(d1, d2)) ** (1 / 5)
        return min(100 * h0, h1)


def odeint_dopri5(f, y0, ts, rtol=1e-7, atol=1e-9):
    """Solution at the increasing times ts (ts[0] = start); outputs by the quartic dense output."""
    t = float(ts[0])
    y = y0
    fy = f(t, y)
    h = first_step(f, t, y, fy, rtol, atol)
    out = [y0]
    i = 1
    while i < len(ts):
        k = [fy]
        for s in range(1, 7):
            ys = y + h * sum(a * kk for a, kk in zip(A[s], k) if a != 0.0)
            k.append(f(t + C[s] * h, ys))
        y1 = y + h * sum(b * kk for b, kk in zip(B5, k) if b != 0.0)
        err = h * sum(e * kk for e, kk in zip(E, k) if e != 0.0)
        r = wrms(err.detach(), y.detach(), y1.detach(), rtol, atol)
        if r <= 1.0:
            t1 = t + h
            f1 = k[6]
            ymid = y + h * sum(c * kk for c, kk in zip(CMID, k) if c != 0.0)
            while i < len(ts) and float(ts[i]) <= t1:
                x = (float(ts[i]) - t) / h
                # quartic p(x) with p(0)=y, p(1)=y1, p'(0)=h f0, p'(1)=h f1, p(1/2)=ymid
                a4 = 2 * h * (f1 - fy) - 8 * (y1 + y) + 16 * ymid
                a3 = h * (5 * fy - 3 * f1) + 18 * y + 14 * y1 - 32 * ymid
                a2 = h * (f1 - 4 * fy) - 11 * y - 5 * y1 + 16 * ymid
                out.append((((a4 * x + a3) * x + a2) * x + h * fy) * x + y)
                i += 1
            t, y, fy = t1, y1, f1
        fac = 10.0 if r == 0.0 else min(10.0, max(0.2, 0.9 * r ** (-1 / 5)))
        h *= fac
    return torch.stack(out)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 50), torch.nn.Tanh(), torch.nn.Linear(50, 2))
        for m in self.net.modules():
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.normal_(m.weight, mean=0.0, std=0.1)
                torch.nn.init.constant_(m.bias, 0.0)

    def forward(self, t, y):
        return self.net(y ** 3)


def run(seed, iters, true_y, t):
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    f = Net()
    opt = torch.optim.RMSprop(f.parameters(), lr=1e-3)
    n, T, B = len(t), 10, 20
    late, every = [], max(1, iters // 10 // 10)
    w0 = time.perf_counter()
    evals = 0.0
    for it in range(1, iters + 1):
        s = torch.from_numpy(rng.choice(np.arange(n - T), B, replace=False))
        by0, bt = true_y[s], t[:T]
        by = torch.stack([true_y[s + j] for j in range(T)])
        opt.zero_grad()
        loss = torch.mean(torch.abs(odeint_dopri5(f, by0, bt) - by))
        loss.backward()
        opt.step()
        if it > iters - iters // 10 and (iters - it) % every == 0:
            e0 = time.perf_counter()
            with torch.no_grad():
                late.append(float(torch.mean((odeint_dopri5(f, true_y[0], t) - true_y) ** 2)))
            evals += time.perf_counter() - e0
    sec = time.perf_counter() - w0 - evals
    with torch.no_grad():
        mse = float(torch.mean((odeint_dopri5(f, true_y[0], t) - true_y) ** 2))
    return sec, mse, float(np.median(late)) if late else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=2000)
    ap.add_argument("--seeds", default="0,1,2")
    args = ap.parse_args()
    A_true = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]])
    t = torch.linspace(0.0, 25.0, 1000)
    with torch.no_grad():
        true_y = odeint_dopri5(lambda tt, y: (y ** 3) @ A_true, torch.tensor([[2.0, 0.0]]), t)  # (1000, 1, 2)
    secs, mses = [], []
    for seed in [int(s) for s in args.seeds.split(",")]:
        sec, mse, late = run(seed, args.iters, true_y, t)
        secs.append(sec)
        mses.append(mse)
        print(f"BENCH name=torch_spiral_backprop seed={seed} iters={args.iters} seconds={sec:.2f} "
              f"ms_per_iter={1e3 * sec / args.iters:.3f} final_mse={mse:.4g} late_median_mse={late:.4g}",
              flush=True)
    print(f"BENCH name=torch_spiral_summary seeds={len(mses)} median_seconds={np.median(secs):.2f} "
          f"min_final_mse={min(mses):.4g} median_final_mse={np.median(mses):.4g} max_final_mse={max(mses):.4g} "
          f"seeds_at_or_below_0.03={sum(m <= 0.03 for m in mses)}")


if __name__ == "__main__":
    main()
