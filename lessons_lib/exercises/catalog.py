"""The exercises: reference solutions, test cases and catalogues of known-wrong variants.

Conventions match the book: ``t`` is the 1-based update number, ``k`` the 0-based schedule index, PyTorch's forms
(epsilon outside the root, learning rate outside momentum buffers). Cases mix public ones with seeded hidden ones
chosen so that the common mistakes give different answers: non-default hyperparameters, tiny gradients, first and
later steps, boundary epochs, float32 inputs.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ._core import Exercise, Variant
from .._exercise_inputs import bowl_grad as _bowl_grad, quartic as _quartic, rosen as _rosen, \
    rosen_grad as _rosen_grad

Case = tuple[tuple, dict]


def _vec(rng: np.random.Generator, n: int = 4, scale: float = 1.0, dtype: Any = np.float64) -> np.ndarray:
    return (rng.standard_normal(n) * scale).astype(dtype)


# ----------------------------------------------------------------------------------------------- gradient descent
def gd_step(theta, grad, lr):
    return theta - lr * grad


def _gd_cases(rng):
    return [((np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1), {}),
            ((np.array([0.0, 3.0, -1.0]), np.array([1.0, -1.0, 2.0]), 0.25), {})] + [
        ((_vec(rng, 5), _vec(rng, 5), float(rng.uniform(0.01, 1))), {}) for _ in range(4)] + [
        ((_vec(rng, 3, dtype=np.float32), _vec(rng, 3, dtype=np.float32), 0.5), {}),
        ((rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.3), {}),  # theta may be a matrix
        ((np.array([0.5, -1.5]), np.array([0.25, 0.5]), 2), {})]  # and the rate an integer


def gd_run(grad_fn, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x = x - lr * grad_fn(x)
        path.append(x)
    return np.array(path)


def _gd_run_frozen_gradient(grad_fn, x0, lr, steps):  # the planted bug: the gradient of the start, every step
    x = np.array(x0, dtype=float)
    g = grad_fn(x)
    path = [x]
    for _ in range(steps):
        x = x - lr * g
        path.append(x)
    return np.array(path)


def _gd_run_no_start(grad_fn, x0, lr, steps):
    return gd_run(grad_fn, x0, lr, steps)[1:]


def _gd_run_one_more(grad_fn, x0, lr, steps):
    return gd_run(grad_fn, x0, lr, steps + 1)


def _gd_run_cases(rng):
    return [((_bowl_grad, np.array([1.0, 1.0]), 0.05, 5), {}), ((_rosen_grad, np.array([-1.0, 1.0]), 1e-3, 4), {}),
            ((_bowl_grad, _vec(rng, 3), 0.15, 10), {}), ((_bowl_grad, _vec(rng, 2), 0.19, 30), {}),
            ((_rosen_grad, np.array([0.5, 0.5, 2.0]), 2e-3, 8), {}), ((_bowl_grad, np.array([2.0, -1.0]), 0.1, 0), {}),
            ((_bowl_grad, [3, 4], 0.01, 3), {})]  # a list of integers as the start

def numerical_gradient(f, x, h=1e-6):
    g = np.zeros_like(x, dtype=float)
    for i in range(x.size):
        e = np.zeros_like(x, dtype=float)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _numgrad_cases(rng):
    return [((_quartic, np.array([1.0, 2.0])), {"h": 1e-3}), ((_rosen, np.array([-0.5, 0.8])), {"h": 1e-4})] + [
        ((_quartic, _vec(rng, 3)), {"h": 1e-3}) for _ in range(3)] + [((_rosen, _vec(rng, 2)), {"h": 1e-2}),
        ((_quartic, rng.standard_normal((2, 2))), {"h": 1e-3}),  # x may be a matrix: every entry is a coordinate
        ((_quartic, np.array([0.5, -1.0, 2.0])), {})]


def _forward_diff(f, x, h=1e-6):
    g = np.zeros_like(x, dtype=float)
    for i in range(x.size):
        e = np.zeros_like(x, dtype=float)
        e.flat[i] = h
        g.flat[i] = (f(x + e) - f(x)) / h
    return g


def _no_two(f, x, h=1e-6):
    return 2 * numerical_gradient(f, x, h)


# ----------------------------------------------------------------------------------------------------------- SGD
def minibatches(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def _mb_cases(rng):
    return [((10, 3, 0), {}), ((8, 4, 1), {})] + [((int(rng.integers(5, 40)), int(rng.integers(1, 9)),
                                                   int(rng.integers(0, 100))), {}) for _ in range(4)]


def _mb_drop_last(n, batch_size, seed):
    order = np.random.default_rng(seed).permutation(n)
    return [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def _mb_no_shuffle(n, batch_size, seed):
    order = np.arange(n)
    return [order[i:i + batch_size] for i in range(0, n, batch_size)]


def sgd_epoch(w, X, y, lr, batch_size, seed):
    for idx in minibatches(len(y), batch_size, seed):
        r = X[idx] @ w - y[idx]
        w = w - lr * X[idx].T @ r / len(idx)
    return w


def _epoch_cases(rng):
    def one(n, d, bs, seed):
        X = rng.standard_normal((n, d))
        return ((_vec(rng, d), X, X @ _vec(rng, d) + 0.1 * rng.standard_normal(n), 0.1, bs, seed), {})
    return [one(12, 3, 4, 0), one(10, 2, 3, 1), one(30, 4, 7, 5), one(25, 3, 25, 2), one(17, 2, 1, 3)]


def _epoch_sum(w, X, y, lr, batch_size, seed):
    for idx in minibatches(len(y), batch_size, seed):
        w = w - lr * X[idx].T @ (X[idx] @ w - y[idx])
    return w


def _epoch_no_shuffle(w, X, y, lr, batch_size, seed):
    for i in range(0, len(y), batch_size):
        idx = np.arange(i, min(i + batch_size, len(y)))
        w = w - lr * X[idx].T @ (X[idx] @ w - y[idx]) / len(idx)
    return w


def _epoch_full_batch(w, X, y, lr, batch_size, seed):
    return w - lr * X.T @ (X @ w - y) / len(y)


# ------------------------------------------------------------------------------------------------------ momentum
def momentum_step(theta, grad, buf, lr, momentum, t, dampening=0.0):
    buf = grad if t == 1 else momentum * buf + (1 - dampening) * grad
    return theta - lr * buf, buf


def _mom_cases(rng, nesterov=False):
    cases = [((np.array([1.0, -1.0]), np.array([0.5, 2.0]), np.zeros(2), 0.1, 0.9, 1), {}),
             ((np.array([1.0, -1.0]), np.array([0.5, 2.0]), np.array([0.3, -0.2]), 0.1, 0.9, 2), {})]
    for t in (1, 3, 7):
        cases.append(((_vec(rng), _vec(rng), _vec(rng), float(rng.uniform(0.01, 0.5)), 0.8, t),
                      {} if nesterov else {"dampening": 0.25}))
    cases.append(((_vec(rng, dtype=np.float32), _vec(rng, dtype=np.float32), _vec(rng, dtype=np.float32), 0.5,
                   0.5, 4), {}))
    return cases


def _mom_damp_first(theta, grad, buf, lr, momentum, t, dampening=0.0):
    buf = momentum * buf + (1 - dampening) * grad if t > 1 else (1 - dampening) * grad
    return theta - lr * buf, buf


def _mom_grad_step(theta, grad, buf, lr, momentum, t, dampening=0.0):
    buf = grad if t == 1 else momentum * buf + (1 - dampening) * grad
    return theta - lr * grad, buf


def _mom_keras(theta, grad, buf, lr, momentum, t, dampening=0.0):
    v = momentum * buf - lr * grad
    return theta + v, v


def _mom_ignore_t(theta, grad, buf, lr, momentum, t, dampening=0.0):
    buf = momentum * buf + (1 - dampening) * grad
    return theta - lr * buf, buf


def nesterov_step(theta, grad, buf, lr, momentum, t):
    buf = grad if t == 1 else momentum * buf + grad
    return theta - lr * (grad + momentum * buf), buf


def _nes_plain(theta, grad, buf, lr, momentum, t):
    buf = grad if t == 1 else momentum * buf + grad
    return theta - lr * buf, buf


def _nes_keras(theta, grad, buf, lr, momentum, t):
    v = momentum * buf - lr * grad
    return theta + momentum * v - lr * grad, v


def _nes_ignore_t(theta, grad, buf, lr, momentum, t):
    buf = momentum * buf + grad
    return theta - lr * (grad + momentum * buf), buf


# ------------------------------------------------------------------------------------------------------ adaptive
def adagrad_step(theta, grad, s, lr, eps=1e-10):
    s = s + grad**2
    return theta - lr * grad / (np.sqrt(s) + eps), s


def _ada_cases(rng):
    return [((np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), 0.1), {}),
            ((np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.25, 4.0]), 0.1), {}),
            ((_vec(rng), _vec(rng), np.abs(_vec(rng)), 0.5), {"eps": 1e-3}),
            ((_vec(rng), _vec(rng, scale=1e-4), np.zeros(4), 1.0), {"eps": 1e-7}),
            ((_vec(rng), _vec(rng), np.abs(_vec(rng, scale=3)), 0.05), {}),
            ((_vec(rng, dtype=np.float32), _vec(rng, dtype=np.float32), np.ones(4, np.float32), 0.1), {}),
            ((rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), np.abs(rng.standard_normal((2, 3))), 1), {})]


def _ada_inside(theta, grad, s, lr, eps=1e-10):
    s = s + grad**2
    return theta - lr * grad / np.sqrt(s + eps), s


def _ada_abs(theta, grad, s, lr, eps=1e-10):
    s = s + np.abs(grad)
    return theta - lr * grad / (np.sqrt(s) + eps), s


def _ada_old_s(theta, grad, s, lr, eps=1e-10):
    return theta - lr * grad / (np.sqrt(s) + eps), s + grad**2


def rmsprop_step(theta, grad, v, lr, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / (np.sqrt(v) + eps), v


def _rms_cases(rng):
    return [((np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.zeros(2), 0.01), {}),
            ((np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.2, 0.1]), 0.01), {"alpha": 0.9}),
            ((_vec(rng), _vec(rng), np.abs(_vec(rng)), 0.1), {"alpha": 0.8, "eps": 1e-3}),
            ((_vec(rng), _vec(rng, scale=1e-5), np.zeros(4), 1.0), {"alpha": 0.9, "eps": 1e-7}),
            ((_vec(rng), _vec(rng), np.abs(_vec(rng)), 0.05), {}),
            ((_vec(rng, dtype=np.float32), _vec(rng, dtype=np.float32), np.ones(4, np.float32), 0.1), {"alpha": 0.9})]


def _rms_inside(theta, grad, v, lr, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * grad**2
    return theta - lr * grad / np.sqrt(v + eps), v


def _rms_swapped(theta, grad, v, lr, alpha=0.99, eps=1e-8):
    v = (1 - alpha) * v + alpha * grad**2
    return theta - lr * grad / (np.sqrt(v) + eps), v


def _rms_g(theta, grad, v, lr, alpha=0.99, eps=1e-8):
    v = alpha * v + (1 - alpha) * np.abs(grad)
    return theta - lr * grad / (np.sqrt(v) + eps), v


# ---------------------------------------------------------------------------------------------------------- Adam
def adam_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def _adam_cases(rng, extra=None):
    extra = extra or {}
    z = np.zeros(3)
    cases = [((np.array([1.0, -1.0, 0.5]), np.array([0.1, 0.2, -0.3]), z, z, 1), {"lr": 0.1, **extra}),
             ((np.array([1.0, -1.0, 0.5]), np.array([0.1, 0.2, -0.3]), np.full(3, 0.05), np.full(3, 0.01), 2),
              {"lr": 0.1, **extra})]
    for t in (1, 5, 30):
        cases.append(((_vec(rng, 3), _vec(rng, 3), _vec(rng, 3, 0.1), np.abs(_vec(rng, 3, 0.1)), t),
                      {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6, **extra}))
    cases.append(((_vec(rng, 3), _vec(rng, 3, 1e-6), np.zeros(3), np.zeros(3), 1), {"lr": 1.0, **extra}))
    cases.append(((_vec(rng, 3, dtype=np.float32), _vec(rng, 3, dtype=np.float32), np.zeros(3, np.float32),
                   np.zeros(3, np.float32), 3), {"lr": 0.01, **extra}))
    if "weight_decay" in extra:  # and once with the default weight decay
        cases.append(((_vec(rng, 3), _vec(rng, 3), _vec(rng, 3, 0.1), np.abs(_vec(rng, 3, 0.1)), 4), {"lr": 0.05}))
    return cases


def _adam_nobias(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def _adam_inside(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + eps), m, v


def _adam_offbyone(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_step(theta, grad, m, v, t + 1, lr, beta1, beta2, eps)


def _adam_g_not_g2(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.abs(grad)
    return theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps), m, v


def _adam_epshat(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    return theta - lr * math.sqrt(1 - beta2**t) / (1 - beta1**t) * m / (np.sqrt(v) + eps), m, v


def adamw_step(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    theta = theta * (1 - lr * weight_decay)
    return adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)


def _adamw_nobias(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return _adam_nobias(theta * (1 - lr * weight_decay), grad, m, v, t, lr, beta1, beta2, eps)


def _adamw_l2(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam_step(theta, grad + weight_decay * theta, m, v, t, lr, beta1, beta2, eps)


def _adamw_no_lr(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    return adam_step(theta * (1 - weight_decay), grad, m, v, t, lr, beta1, beta2, eps)


def _adamw_after(theta, grad, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2):
    new, m, v = adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)
    return new * (1 - lr * weight_decay), m, v


def _adam_loop(grad_fn, x0, steps, lr, beta1, beta2, eps, *, reset=False, frozen_t=False, corrected=True):
    """Adam's iterates; the keyword switches plant the catalogued mistakes of the debug exercise."""
    x = np.array(x0, dtype=float)
    m, v, path = np.zeros_like(x), np.zeros_like(x), [x]
    for t in range(1, steps + 1):
        if reset:
            m, v = np.zeros_like(x), np.zeros_like(x)
        g = grad_fn(x)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        tc = 1 if frozen_t else t
        c1, c2 = (1 - beta1**tc, 1 - beta2**tc) if corrected else (1.0, 1.0)
        x = x - lr * (m / c1) / (np.sqrt(v / c2) + eps)
        path.append(x)
    return np.array(path)


def adam_run(grad_fn, x0, steps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_loop(grad_fn, x0, steps, lr, beta1, beta2, eps)


def _adam_run_reset(grad_fn, x0, steps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):  # the planted bug
    return _adam_loop(grad_fn, x0, steps, lr, beta1, beta2, eps, reset=True)


def _adam_run_frozen_t(grad_fn, x0, steps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_loop(grad_fn, x0, steps, lr, beta1, beta2, eps, frozen_t=True)


def _adam_run_no_correction(grad_fn, x0, steps, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_loop(grad_fn, x0, steps, lr, beta1, beta2, eps, corrected=False)


def _adam_run_cases(rng):
    return [((_bowl_grad, np.array([1.0, -2.0]), 5), {"lr": 0.1}), ((_rosen_grad, np.array([-1.0, 1.0]), 6), {"lr": 0.01}),
            ((_bowl_grad, _vec(rng, 3), 20), {"lr": 0.05}), ((_bowl_grad, _vec(rng, 2), 30), {"lr": 0.2, "beta1": 0.8,
                                                                                                 "beta2": 0.99}),
            ((_rosen_grad, np.array([0.5, 0.5, 2.0]), 10), {"lr": 0.01, "eps": 1e-6}),
            ((_bowl_grad, np.array([2.0, -1.0]), 0), {}), ((_bowl_grad, [3, 4], 4), {"lr": 0.5})]

# ---------------------------------------------------------------------------------------------------- schedules
def step_decay(lr0, gamma, step_size, epoch):
    return lr0 * gamma ** (epoch // step_size)


def _step_cases(rng):
    return [((0.1, 0.5, 10, 9), {}), ((0.1, 0.5, 10, 10), {}), ((0.1, 0.5, 10, 25), {}),
            ((1.0, 0.1, 3, 2), {}), ((1.0, 0.1, 3, 3), {}), ((0.5, 0.7, 4, 0), {}), ((0.3, 0.9, 2, 11), {}),
            ((0.1, 0.5, 10, 6), {})]  # 6 / 10: round() says 1, one epoch early says 0, floor says 0


def exponential_decay(lr0, decay_rate, decay_steps, k, staircase=False):
    p = k // decay_steps if staircase else k / decay_steps
    return lr0 * decay_rate**p


def _exp_cases(rng):
    return [((0.1, 0.5, 10, 5), {}), ((0.1, 0.5, 10, 5), {"staircase": True}), ((1.0, 0.9, 3, 7), {}),
            ((1.0, 0.9, 3, 7), {"staircase": True}), ((0.2, 0.1, 100, 250), {"staircase": True}),
            ((0.2, 0.1, 100, 0), {}), ((0.3, 0.96, 1, 20), {}),
            ((0.1, 0.5, 10, 7), {"staircase": True})]  # 7 / 10 = 0.7: floor 0, not round 1


def inverse_time_decay(lr0, decay_rate, decay_steps, k, staircase=False):
    p = k // decay_steps if staircase else k / decay_steps
    return lr0 / (1 + decay_rate * p)


def cosine_annealing(lr0, T_max, k, eta_min=0.0):
    kk = min(k, T_max)
    return eta_min + (lr0 - eta_min) * 0.5 * (1 + math.cos(math.pi * kk / T_max))


def _cos_cases(rng):
    return [((1.0, 10, 5), {}), ((1.0, 10, 0), {}), ((0.1, 100, 30), {"eta_min": 0.01}), ((0.1, 100, 100), {"eta_min": 0.01}),
            ((0.1, 100, 150), {"eta_min": 0.01}), ((0.5, 7, 3), {}), ((0.5, 7, 13), {"eta_min": 0.05})]


def warmup_cosine(peak_lr, warmup_steps, total_steps, k):
    if k < warmup_steps:
        return peak_lr * k / warmup_steps
    return cosine_annealing(peak_lr, total_steps - warmup_steps, k - warmup_steps)


def _wc_cases(rng):
    return [((1.0, 10, 100, 5), {}), ((1.0, 10, 100, 10), {}), ((1.0, 10, 100, 55), {}), ((0.5, 4, 20, 0), {}),
            ((0.5, 4, 20, 3), {}), ((0.5, 4, 20, 19), {}), ((0.3, 100, 1000, 600), {}),
            ((1.0, 10, 100, 100), {}), ((1.0, 10, 100, 130), {})]  # past total_steps: held at 0


def triangular_clr(base_lr, max_lr, step_size, k):
    cycle = math.floor(1 + k / (2 * step_size))
    x = abs(k / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)


def _clr_cases(rng):
    return [((0.1, 1.0, 2, 0), {}), ((0.1, 1.0, 2, 1), {}), ((0.1, 1.0, 2, 2), {}), ((0.1, 1.0, 2, 6), {}),
            ((0.001, 0.01, 100, 250), {}), ((0.001, 0.01, 100, 399), {}), ((0.0, 1.0, 5, 17), {})]


def one_cycle(max_lr, total_steps, k, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    return _one_cycle(max_lr, total_steps, k, pct_start, max_lr / div_factor, max_lr / div_factor / final_div_factor)


def _one_cycle(max_lr, total_steps, k, pct_start, initial, final):
    peak = pct_start * total_steps - 1
    if k <= peak:
        return final_cos(initial, max_lr, k / peak)
    return final_cos(max_lr, final, (k - peak) / (total_steps - 1 - peak))


def final_cos(start, end, frac):
    return end + (start - end) / 2 * (1 + math.cos(math.pi * frac))


def _oc_cases(rng):
    return [((1.0, 10, 0), {}), ((1.0, 10, 2), {}), ((1.0, 10, 5), {}), ((1.0, 10, 9), {}),
            ((0.1, 100, 29), {}), ((0.1, 100, 50), {"pct_start": 0.25}), ((0.1, 100, 99), {"div_factor": 10.0}),
            ((1.0, 15, 3), {}), ((1.0, 15, 8), {})]  # pct_start * total_steps = 4.5, not an integer


def plateau_decision(lr, metric, best, num_bad, patience, factor=0.1, threshold=1e-4):
    """Return (lr, best, num_bad) after one epoch, with torch's counting, relative threshold, mode 'min'."""
    if metric < best * (1 - threshold):
        best, num_bad = metric, 0
    else:
        num_bad += 1
    if num_bad > patience:
        lr, num_bad = lr * factor, 0
    return lr, best, num_bad


def _plateau_cases(rng):
    return [((0.1, 0.5, 1.0, 0, 2), {}), ((0.1, 1.0, 1.0, 2, 2), {}), ((0.1, 1.0, 1.0, 1, 2), {}),
            ((0.1, 0.99995, 1.0, 2, 2), {}), ((0.1, 0.9, 1.0, 5, 2), {}), ((0.01, 2.0, 1.0, 0, 0), {"factor": 0.5}),
            ((0.1, 1.0, 1.0, 3, 3), {"threshold": 1e-2}), ((0.1, 9.9995, 10.0, 2, 2), {}),
            ((0.1, 1.5, 2.0, 2, 2), {"threshold": 0.25})]  # exactly at the threshold: no improvement, a cut


def _plateau_abs(lr, metric, best, num_bad, patience, factor=0.1, threshold=1e-4):
    if metric < best - threshold:
        best, num_bad = metric, 0
    else:
        num_bad += 1
    if num_bad > patience:
        lr, num_bad = lr * factor, 0
    return lr, best, num_bad


def clip_by_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return tuple(g * scale for g in grads)


def _clip_cases(rng):
    return [(((np.array([3.0, 0.0]), np.array([4.0])), 1.0), {}), (((np.array([0.3, 0.0]), np.array([0.4])), 1.0), {}),
            (((_vec(rng, 4, 3.0), _vec(rng, 2, 3.0)), 2.0), {}), (((_vec(rng, 3), _vec(rng, 5)), 100.0), {}),
            (((np.zeros(2), np.zeros(3)), 1.0), {}), (((_vec(rng, 4, 10.0),), 0.5), {})]


def _clip_always(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(g**2)) for g in grads))
    return tuple(g * (max_norm / norm if norm > 0 else math.nan) for g in grads)


def time_to_accuracy(accuracies, target):
    """The first epoch, counted from 1, whose accuracy is >= target, or inf if never reached (chapter 13's
    ``epochs_to``)."""
    for epoch, a in enumerate(accuracies, start=1):
        if a >= target:
            return float(epoch)
    return math.inf


def _tta_cases(rng):
    return [(([0.1, 0.5, 0.9, 0.95], 0.9), {}), (([0.1, 0.5, 0.7], 0.9), {}), (([0.95, 0.2], 0.9), {}),
            ((list(np.round(np.linspace(0, 1, 20), 3)), 0.5), {}), (([0.3, 0.6, 0.6, 0.61], 0.6), {})]


def legacy_keras_decay_lr(lr, decay, iterations):
    return lr / (1 + decay * iterations)


def _legacy_cases(rng):
    return [((1e-3, 1e-6, 0), {}), ((1e-3, 1e-6, 10**6), {}), ((0.1, 0.01, 50), {}), ((0.01, 1e-3, 12345), {}),
            ((0.5, 0.5, 3), {})]


def rates_per_update(lr0, gamma, step_size, epochs, batches_per_epoch):
    return np.array([lr0 * gamma ** (e // step_size) for e in range(epochs) for _ in range(batches_per_epoch)])


def _rates_per_batch(lr0, gamma, step_size, epochs, batches_per_epoch):  # the planted bug: counted in updates
    return np.array([lr0 * gamma ** (k // step_size) for k in range(epochs * batches_per_epoch)])


def _rates_early(lr0, gamma, step_size, epochs, batches_per_epoch):
    return np.array([lr0 * gamma ** ((e + 1) // step_size) for e in range(epochs) for _ in range(batches_per_epoch)])


def _rates_cases(rng):
    return [((0.1, 0.1, 2, 5, 3), {}), ((1.0, 0.5, 3, 7, 4), {}), ((0.1, 0.1, 30, 3, 100), {}),
            ((0.05, 0.9, 1, 4, 2), {}), ((0.2, 0.5, 4, 9, 1), {}), ((1, 0.5, 2, 6, 5), {})]

# --------------------------------------------------------------------------------------------- sign and memory
def lion_step(theta, m, g, lr, betas=(0.9, 0.99), weight_decay=0.0):
    b1, b2 = betas
    theta = theta * (1 - lr * weight_decay) - lr * np.sign(b1 * m + (1 - b1) * g)
    return theta, b2 * m + (1 - b2) * g


def _lion_cases(rng):
    def triple(shape, dtype=np.float64):
        return tuple((rng.standard_normal(shape)).astype(dtype) for _ in range(3))
    zero_dir = (np.array([1.0, 2.0]), np.array([0.9, -1.0]), np.array([-8.1, 9.0]))  # b1 m + (1-b1) g == 0 exactly
    return [(triple(3) + (0.01,), {}), (triple((2, 3)) + (0.001,), {"betas": (0.8, 0.95)}),
            (triple(4) + (0.01,), {"weight_decay": 0.5}),
            (triple(5, np.float32) + (0.003,), {"betas": (0.95, 0.98), "weight_decay": 0.1}),
            (zero_dir + (0.1,), {}),
            (triple((3, 2)) + (0.02,), {"betas": (0.5, 0.999), "weight_decay": 0.05})]


def factored_second_moment(row_mean, col_mean):
    return np.outer(row_mean, col_mean) / np.mean(row_mean)


def _factored_cases(rng):
    a, b = rng.random(4) + 0.1, rng.random(6) + 0.1
    v = np.outer(a, b)
    return [((v.mean(axis=1), v.mean(axis=0)), {})] + [
        ((rng.random(n) + 0.01, rng.random(k) + 0.01), {}) for n, k in ((3, 5), (7, 2), (1, 4))] + [
        (((rng.random(3) + 0.1).astype(np.float32), (rng.random(3) + 0.1).astype(np.float32)), {})]


# ------------------------------------------------------------------------------------------- muon and shampoo
def newton_schulz(G, steps=5, coefficients=(3.4445, -4.7750, 2.0315)):
    a, b, c = coefficients
    X = G / np.linalg.norm(G)
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X


def _ns_cases(rng):
    return [((rng.standard_normal((3, 5)),), {}), ((rng.standard_normal((6, 2)),), {"steps": 3}),
            ((rng.standard_normal((4, 4)),), {"coefficients": (1.5, -0.5, 0.0), "steps": 8}),
            ((np.diag([5.0, 1.0, 0.2]),), {}), ((rng.standard_normal((2, 3)) * 100,), {"steps": 1}),
            ((rng.standard_normal((3, 3)).astype(np.float32),), {"steps": 2})]


def _ns_unscaled(G, steps, coefficients):
    a, b, c = coefficients
    X = G
    for _ in range(steps):
        A = X @ X.T
        X = a * X + (b * A + c * A @ A) @ X
    return X


def _inv_root(a, p):
    w, v = np.linalg.eigh(a)
    return (v * w ** (-1.0 / p)) @ v.T


def shampoo_step(W, G, L, R, lr):
    L = L + G @ G.T
    R = R + G.T @ G
    return W - lr * _inv_root(L, 4) @ G @ _inv_root(R, 4), L, R


def _shampoo_cases(rng):
    out = []
    for n, m in ((3, 2), (2, 4), (3, 3)):
        g = rng.standard_normal((n, m))
        out.append(((rng.standard_normal((n, m)), g, 1e-3 * np.eye(n), 1e-3 * np.eye(m), 0.1), {}))
    g = rng.standard_normal((2, 3))
    out.append(((np.zeros((2, 3)), g, np.eye(2) + np.outer([1.0, 2.0], [1.0, 2.0]), 2 * np.eye(3), 0.5), {}))
    return out


# ------------------------------------------------------------------------------------- averaging, schedule-free
def schedule_free_sgd_step(y, z, x, grad, lr, t, beta=0.9):
    z = z - lr * grad
    x = (1 - 1 / t) * x + z / t
    return (1 - beta) * z + beta * x, z, x


def _sf_cases(rng):
    def three(shape, dtype=np.float64):
        return tuple(rng.standard_normal(shape).astype(dtype) for _ in range(4))
    return [(three(3) + (0.1, 1), {}), (three(3) + (0.05, 2), {}), (three((2, 2)) + (0.2, 7), {"beta": 0.5}),
            (three(4) + (0.01, 100), {"beta": 0.95}), (three(2, np.float32) + (0.1, 3), {})]


def ema_update(average, theta, decay, n_averaged):
    if n_averaged == 0:
        return theta.copy(), 1
    return decay * average + (1 - decay) * theta, n_averaged + 1


def _ema_cases(rng):
    return [((rng.standard_normal(3), rng.standard_normal(3), 0.9, 0), {}),
            ((rng.standard_normal(3), rng.standard_normal(3), 0.9, 1), {}),
            ((rng.standard_normal((2, 3)), rng.standard_normal((2, 3)), 0.99, 10), {}),
            ((rng.standard_normal(2), rng.standard_normal(2), 0.5, 0), {}),
            ((rng.standard_normal(4).astype(np.float32), rng.standard_normal(4).astype(np.float32), 0.75, 3), {})]


# ---------------------------------------------------------------------------------------------- data parallel
def accumulate_gradients(micro_grads, micro_sizes):
    total = sum(micro_sizes)
    return sum(g * (n / total) for g, n in zip(micro_grads, micro_sizes))


def _accumulate_cases(rng):
    def grads(k, shape, dtype=np.float64):
        return [rng.standard_normal(shape).astype(dtype) for _ in range(k)]
    return [((grads(4, 3), [8, 8, 8, 8]), {}), ((grads(2, (2, 2)), [16, 16]), {}),
            ((grads(3, 4), [10, 10, 5]), {}), ((grads(1, 3), [7]), {}),
            ((grads(3, 2, np.float32), [4, 2, 2]), {})]


def allreduce_mean(rank_grads):
    return [sum(parts) / len(parts) for parts in zip(*rank_grads)]


def _allreduce_cases(rng):
    def ranks(n, shapes):
        return [[rng.standard_normal(s) for s in shapes] for _ in range(n)]
    return [((ranks(2, [(3,), (2, 2)]),), {}), ((ranks(4, [(5,)]),), {}), ((ranks(1, [(2,), (3,)]),), {}),
            ((ranks(3, [(2, 3), (1,)]),), {})]
# --------------------------------------------------------------------------------------------- large batches
def lars_local_lr(w, g, trust_coefficient=1e-3, weight_decay=0.0):
    w_norm, g_norm = float(np.linalg.norm(w)), float(np.linalg.norm(g))
    denom = g_norm + weight_decay * w_norm
    if w_norm == 0 or denom == 0:
        return 1.0
    return trust_coefficient * w_norm / denom


def _lars_cases(rng):
    return [((rng.standard_normal((4, 3)), rng.standard_normal((4, 3))), {}),
            ((rng.standard_normal(5), 0.1 * rng.standard_normal(5)), {"trust_coefficient": 0.02}),
            ((rng.standard_normal((3, 3)), rng.standard_normal((3, 3))), {"weight_decay": 0.5}),
            ((rng.standard_normal((2, 6)).astype(np.float32), rng.standard_normal((2, 6)).astype(np.float32)),
             {"trust_coefficient": 0.01, "weight_decay": 0.1}),
            ((np.zeros((3, 2)), rng.standard_normal((3, 2))), {}),  # a zero tensor: ratio 1
            ((rng.standard_normal(4), np.zeros(4)), {}),  # zero gradient, no decay: denominator 0, ratio 1
            ((rng.standard_normal(4), np.zeros(4)), {"weight_decay": 0.25}),  # zero gradient with decay: gamma/lambda
            ((np.array([[3.0, 0.0], [0.0, 4.0]]), np.array([[0.0, 1.0], [0.0, 0.0]])), {"trust_coefficient": 0.5})]


def _lars_per_entry(w, g, trust_coefficient=1e-3, weight_decay=0.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = trust_coefficient * np.abs(w) / (np.abs(g) + weight_decay * np.abs(w))
    return np.where(np.isfinite(r), r, 1.0)


def _lars_no_decay(w, g, trust_coefficient=1e-3, weight_decay=0.0):
    w_norm, g_norm = float(np.linalg.norm(w)), float(np.linalg.norm(g))
    return trust_coefficient * w_norm / g_norm if w_norm > 0 and g_norm > 0 else 1.0


def _lars_zero_is_zero(w, g, trust_coefficient=1e-3, weight_decay=0.0):
    w_norm, g_norm = float(np.linalg.norm(w)), float(np.linalg.norm(g))
    denom = g_norm + weight_decay * w_norm
    return trust_coefficient * w_norm / denom if denom > 0 else 0.0


def linear_scaled_lr(base_lr, base_batch, batch, warmup_steps, k):
    peak = base_lr * batch / base_batch
    if k >= warmup_steps:
        return peak
    return base_lr + (peak - base_lr) * k / warmup_steps


def _lsr_cases(rng):
    return [((0.1, 256, 8192, 100, 0), {}), ((0.1, 256, 8192, 100, 50), {}), ((0.1, 256, 8192, 100, 100), {}),
            ((0.1, 256, 8192, 100, 250), {}), ((0.05, 32, 512, 40, 39), {}), ((0.2, 128, 128, 10, 3), {}),
            ((0.1, 256, 64, 8, 2), {}), ((0.01, 64, 1024, 0, 0), {}), ((0.3, 32, 96, 1, 0), {}),
            ((float(rng.uniform(0.01, 0.5)), 32, int(rng.integers(2, 64)) * 32, int(rng.integers(5, 50)),
              int(rng.integers(0, 5))), {})]


def _lsr_from_zero(base_lr, base_batch, batch, warmup_steps, k):
    peak = base_lr * batch / base_batch
    return peak if k >= warmup_steps else peak * k / warmup_steps


def _lsr_sqrt(base_lr, base_batch, batch, warmup_steps, k):
    return linear_scaled_lr(base_lr, base_batch ** 0.5, batch ** 0.5, warmup_steps, k)


def _lsr_late(base_lr, base_batch, batch, warmup_steps, k):
    return linear_scaled_lr(base_lr, base_batch, batch, warmup_steps, k + 1)


# --------------------------------------------------------------------------------------------------- stability
def clip_global_norm(grads, max_norm):
    norm = math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads]


def clip_each_tensor(grads, max_norm):
    return [g * (max_norm / max(float(np.linalg.norm(g)), max_norm)) for g in grads]


def _clip_cases(rng):
    def gs(shapes, scale, dtype=np.float64):
        return [(rng.standard_normal(s) * scale).astype(dtype) for s in shapes]
    return [((gs([(3,), (2, 2)], 3.0), 1.0), {}), ((gs([(4,)], 0.1), 1.0), {}),  # below the threshold: unchanged
            (([np.array([3.0, 4.0]), np.array([0.0, 12.0])], 6.5), {}),
            (([np.zeros(3), np.array([10.0])], 1.0), {}), ((gs([(2,), (3,)], 5.0, np.float32), 2.0), {}),
            (([np.zeros(2)], 1.0), {})]


# ---------------------------------------------------------------------------------------------------- capstone
def wsd_lr(peak_lr, warmup_steps, decay_steps, total_steps, k):
    if k >= total_steps:
        return 0.0 * peak_lr
    if k < warmup_steps:
        return peak_lr * (k + 1) / warmup_steps
    if k >= total_steps - decay_steps:
        return peak_lr * (total_steps - k) / decay_steps
    return peak_lr


def _wsd_cases(rng):
    p, f32 = 0.02, np.array(3e-3, dtype=np.float32)  # a 0-d array: the checker allows float32 rounding
    return [((1.0, 10, 20, 100, 0), {}), ((1.0, 10, 20, 100, 90), {}),
            ((p, 10, 20, 100, 9), {}), ((p, 10, 20, 100, 10), {}), ((p, 10, 20, 100, 50), {}),   # warmup's end
            ((p, 10, 20, 100, 79), {}), ((p, 10, 20, 100, 80), {}), ((p, 10, 20, 100, 99), {}),  # decay's ends
            ((p, 10, 20, 100, 100), {}), ((p, 10, 20, 100, 130), {}),                            # past the end
            ((f32, 4, 6, 30, 2), {}), ((f32, 4, 6, 30, 27), {}), ((0.5, 0, 5, 10, 0), {}),     # float32, no warmup
            ((0.5, 0, 5, 10, 7), {}), ((0.1, 3, 7, 10, 3), {}),                                 # no stable phase
            ((float(rng.uniform(0.001, 0.1)), int(rng.integers(1, 20)), 30, 100, int(rng.integers(70, 110))), {})]


def _wsd_from_zero(peak_lr, warmup_steps, decay_steps, total_steps, k):
    return peak_lr * k / warmup_steps if k < warmup_steps else wsd_lr(peak_lr, warmup_steps, decay_steps,
                                                                       total_steps, k)


def _wsd_no_stable(peak_lr, warmup_steps, decay_steps, total_steps, k):
    if warmup_steps <= k < total_steps:
        return max(0.0, peak_lr * (1 - (k - warmup_steps) / decay_steps))
    return wsd_lr(peak_lr, warmup_steps, decay_steps, total_steps, k)


def _wsd_unclamped(peak_lr, warmup_steps, decay_steps, total_steps, k):
    if k >= total_steps - decay_steps and k >= warmup_steps:
        return peak_lr * (total_steps - k) / decay_steps
    return wsd_lr(peak_lr, warmup_steps, decay_steps, total_steps, k)


def _wsd_late(peak_lr, warmup_steps, decay_steps, total_steps, k):
    if warmup_steps <= k < total_steps and k >= total_steps - decay_steps - 1:
        return peak_lr * (total_steps - 1 - k) / decay_steps
    return wsd_lr(peak_lr, warmup_steps, decay_steps, total_steps, k)


def _adam_update_sizes(grads, lr, beta1, beta2, eps, *, correct_m=True, correct_v=True, eps_inside=False):
    """RMS of Adam's updates over the rows of ``grads``; the switches plant the exercise's catalogued mistakes."""
    g = np.asarray(grads, dtype=np.float64)
    m, v, out = np.zeros(g.shape[1]), np.zeros(g.shape[1]), []
    for t, gt in enumerate(g, start=1):
        m = beta1 * m + (1 - beta1) * gt
        v = beta2 * v + (1 - beta2) * gt * gt
        m_hat = m / (1 - beta1 ** t) if correct_m else m
        v_hat = v / (1 - beta2 ** t) if correct_v else v
        u = lr * m_hat / (np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps)
        out.append(math.sqrt(float(np.mean(u * u))))
    return np.array(out)


def adam_update_rms(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_update_sizes(grads, lr, beta1, beta2, eps)


def _rms_adam_cases(rng):
    def g(t, p, scale, dtype=np.float64):
        return (rng.standard_normal((t, p)) * scale).astype(dtype)
    return [((g(5, 3, 1.0), 0.01), {}), ((g(4, 2, 1e3), 0.001), {}),
            ((g(6, 4, 1e-9), 0.01), {}),                                       # tiny gradients: eps matters
            ((g(3, 5, 0.1, np.float32), 0.02), {}), ((g(1, 1, 2.0), 0.1), {}),  # float32; one step, one weight
            ((g(8, 3, 1.0), 0.01), {"beta1": 0.5, "beta2": 0.9}), ((g(5, 2, 1.0), 0.01), {"eps": 0.1}),
            ((np.vstack([g(3, 4, 1.0), np.zeros((2, 4))]), 0.01), {}),         # gradients that stop
            ((g(int(rng.integers(2, 12)), int(rng.integers(1, 6)), float(rng.uniform(0.01, 10))),
              float(rng.uniform(1e-4, 0.1))), {})]


def _rms_no_bias_correction(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_update_sizes(grads, lr, beta1, beta2, eps, correct_m=False, correct_v=False)


def _rms_m_only(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_update_sizes(grads, lr, beta1, beta2, eps, correct_v=False)


def _rms_eps_inside(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam_update_sizes(grads, lr, beta1, beta2, eps, eps_inside=True)


def _rms_norm(grads, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_update_rms(grads, lr, beta1, beta2, eps) * math.sqrt(np.shape(grads)[1])


# ------------------------------------------------------------------------------------------------------ tuning
def trials_needed(q, p):
    n = max(1, math.ceil(math.log1p(-p) / math.log1p(-q)))
    while n > 1 and 1 - (1 - q) ** (n - 1) >= p:
        n -= 1
    while 1 - (1 - q) ** n < p:
        n += 1
    return n


def _trials_cases(rng):
    return [((0.05, 0.95), {}), ((0.01, 0.95), {}), ((0.5, 0.75), {}), ((0.5, 0.875), {}), ((0.2, 0.5), {}),
            ((0.9, 0.5), {}), ((0.3, 0.99), {}), ((0.001, 0.9), {}), ((0.25, 0.1), {})]


def median_prune(values, completed, n_startup_trials=5, n_warmup_steps=0):
    step = len(values) - 1
    if not completed or len(completed) < n_startup_trials or step < n_warmup_steps:
        return False
    at_step = [float(c[step]) for c in completed if len(c) > step]
    if not at_step:
        return False
    return float(min(values)) > float(np.median(at_step))


def _prune_cases(rng):
    done = [[0.9, 0.5, 0.30, 0.2], [1.0, 0.6, 0.40, 0.3], [0.8, 0.7, 0.50, 0.45], [1.2, 0.9, 0.35, 0.3],
            [0.7, 0.4, 0.32, 0.25]]
    return [(([1.0, 0.45], done), {}),                                   # best so far 0.45 < median 0.6 at step 1
            (([1.0, 0.3, 0.6], done), {}),                               # got worse, but its best (0.3) is below 0.35
            (([1.5, 0.8, 0.9], done), {}),                               # clearly behind: pruned
            (([1.5, 0.8, 0.9], done[:4]), {}),                           # 4 completed, 5 startup trials: not yet
            (([1.5, 0.8, 0.9], done[:4]), {"n_startup_trials": 4}),      # exactly n_startup_trials: allowed
            (([1.5, 0.95], done), {"n_warmup_steps": 1}),                # step == n_warmup_steps: judged
            (([1.5, 0.95], done), {"n_warmup_steps": 2}),                # still warming up
            (([1.0, 0.8, 0.35], done), {}),                              # a tie with the median: not pruned
            (([2.0, 1.5, 1.2, 1.0, 0.9], done), {}),                     # no completed trial reached step 4
            ((np.array([3.0, 2.0], dtype=np.float32), [[1, 0.5], [2, 1], [3, 4]]), {"n_startup_trials": 2}),
            (([1.0, 0.9, 0.8], [[0.9, 0.5], [1.0, 0.6, 0.4, 0.3], [0.8, 0.7, 0.5], [1.1, 0.2, 0.1]]), {}),
            (([1.0, 0.8], [[1, 0.5], [1, 0.6], [1, 0.7], [1, 0.4], [9, 5.0]]), {}),  # one diverged run: median 0.6
            (([5.0], []), {"n_startup_trials": 0})]                      # nothing completed yet


def _prune_with(values, completed, n_startup_trials, n_warmup_steps, *, latest=False, centre=np.median, tie=False,
                all_steps=False):
    step = len(values) - 1
    if not completed or len(completed) < n_startup_trials or step < n_warmup_steps:
        return False
    at_step = ([float(x) for c in completed for x in c] if all_steps else
               [float(c[step]) for c in completed if len(c) > step])
    if not at_step:
        return False
    mine, mid = float(values[-1] if latest else min(values)), float(centre(at_step))
    return mine >= mid if tie else mine > mid


# ----------------------------------------------------------------------------------------------- initialisation
def init_scale(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    std = gain * math.sqrt(2.0 / (fan_in + fan_out)) if scheme == "xavier" else gain / math.sqrt(fan_in)
    return std if distribution == "normal" else math.sqrt(3.0) * std


def _init_cases(rng):
    return [((256, 128, "kaiming"), {"gain": math.sqrt(2)}), ((300, 100, "xavier"), {"distribution": "uniform"}),
            ((64, 10, "kaiming"), {}), ((64, 10, "xavier"), {"gain": 5 / 3}),
            ((100, 400, "kaiming"), {"gain": math.sqrt(2), "distribution": "uniform"}),
            ((50, 50, "xavier"), {"gain": 2.0, "distribution": "normal"}), ((1, 1, "kaiming"), {"gain": 0.5}),
            ((784, 1, "xavier"), {"distribution": "uniform", "gain": 1.0 / math.sqrt(3)}),
            ((int(rng.integers(2, 500)), int(rng.integers(501, 900)), "kaiming"),
             {"gain": float(rng.uniform(1.1, 2.0)), "distribution": "uniform"}),
            ((int(rng.integers(2, 500)), int(rng.integers(501, 900)), "xavier"), {"gain": float(rng.uniform(0.5, 0.9))})]


def _init_fan_out(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    return init_scale(fan_out, fan_in, scheme, gain, distribution)


def _init_no_gain(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    return init_scale(fan_in, fan_out, scheme, 1.0, distribution)


def _init_std_as_bound(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    return init_scale(fan_in, fan_out, scheme, gain, "normal")


def _init_xavier_fan_in(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    return init_scale(fan_in, fan_out, "kaiming", gain, distribution)


def _init_gain_in_sqrt(fan_in, fan_out, scheme, gain=1.0, distribution="normal"):
    return init_scale(fan_in, fan_out, scheme, math.sqrt(gain), distribution)


def effective_lr_history(sq_norm0, lr, weight_decay, unit_grad_sq_norms):
    rho = [float(sq_norm0)]
    for G2 in unit_grad_sq_norms:
        rho.append((1 - lr * weight_decay) ** 2 * rho[-1] + lr * lr * float(G2) / rho[-1])
    rho = np.array(rho)
    return rho, lr / rho


def _eff_cases(rng):
    return [((4.0, 0.1, 0.0, np.array([1.0, 2.0, 0.5])), {}),
            ((20.0, 0.1, 0.05, np.array([2.5, 2.5, 2.5, 2.5])), {}),
            ((0.5, 0.3, 0.01, rng.uniform(0.5, 3.0, 6)), {}),
            ((1.0, 1.0, 0.1, np.array([4.0])), {}),
            ((3.0, 0.2, 0.02, np.array([], dtype=float)), {}),  # no steps: only the initial norm
            ((338.0, 0.1, 0.1, rng.uniform(0.1, 2.0, 40)), {}),
            ((2.0, 0.05, 0.5, rng.uniform(0.5, 1.5, 5).astype(np.float32)), {}),
            ((float(rng.uniform(0.5, 50)), float(rng.uniform(0.01, 0.5)), float(rng.uniform(0.0, 0.2)),
              rng.uniform(0.1, 5.0, 12)), {})]


def _eff_sqrt(sq_norm0, lr, weight_decay, unit_grad_sq_norms):
    rho, _ = effective_lr_history(sq_norm0, lr, weight_decay, unit_grad_sq_norms)
    return rho, lr / np.sqrt(rho)


def _eff_unsquared_decay(sq_norm0, lr, weight_decay, unit_grad_sq_norms):
    rho = [float(sq_norm0)]
    for G2 in unit_grad_sq_norms:
        rho.append((1 - lr * weight_decay) * rho[-1] + lr * lr * float(G2) / rho[-1])
    rho = np.array(rho)
    return rho, lr / rho


def _eff_unscaled_grad(sq_norm0, lr, weight_decay, unit_grad_sq_norms):
    rho = [float(sq_norm0)]
    for G2 in unit_grad_sq_norms:
        rho.append((1 - lr * weight_decay) ** 2 * rho[-1] + lr * lr * float(G2))
    rho = np.array(rho)
    return rho, lr / rho


def _eff_decay_without_lr(sq_norm0, lr, weight_decay, unit_grad_sq_norms):
    rho = [float(sq_norm0)]
    for G2 in unit_grad_sq_norms:
        rho.append((1 - weight_decay) ** 2 * rho[-1] + lr * lr * float(G2) / rho[-1])
    rho = np.array(rho)
    return rho, lr / rho

# --------------------------------------------------------------------------------------------------- precision
def loss_scale_sequence(found_inf, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
    scale, good, scales, applied = float(init_scale), 0, [], []
    for flag in found_inf:
        scales.append(scale)
        applied.append(0 if flag else 1)
        if flag:
            scale, good = scale * backoff_factor, 0
        else:
            good += 1
            if good == growth_interval:
                scale, good = scale * growth_factor, 0
    return np.array(scales, dtype=float), np.array(applied, dtype=int)


def _ls_variant(skip=True, reset=True, count_skipped=False, late=0):
    def fn(found_inf, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000):
        scale, good, scales, applied = float(init_scale), 0, [], []
        for flag in found_inf:
            scales.append(scale)
            applied.append(0 if flag and skip else 1)
            if flag:
                scale *= backoff_factor
                good = 0 if reset else good + (1 if count_skipped else 0)
            else:
                good += 1
            if good >= growth_interval + late:
                scale, good = scale * growth_factor, 0
        return np.array(scales, dtype=float), np.array(applied, dtype=int)
    return fn


def _ls_cases(rng):
    f = lambda *bits: [bool(b) for b in bits]
    random = [bool(b) for b in rng.random(40) < 0.15]
    return [((f(0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0),), dict(init_scale=4.0, growth_interval=2)),
            ((f(0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0),), dict(init_scale=1024.0, growth_interval=3)),
            ((f(0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0),), dict(init_scale=2.0 ** 16, growth_interval=4,
                                                             growth_factor=4.0, backoff_factor=0.25)),
            ((f(0, 0, 0, 0, 0),), dict(init_scale=1.0, growth_interval=1)),  # grows after every step
            ((f(1, 1, 1, 0, 0, 0),), dict(init_scale=2.0 ** 15, growth_interval=2)),
            ((f(0, 0, 0),), {}),  # defaults: no growth within 2000 steps
            ((f(*([0] * 6 + [1] + [0] * 6)),), dict(init_scale=8.0, growth_interval=5, growth_factor=3.0)),
            ((random,), dict(init_scale=256.0, growth_interval=3))]


def ulp(x, fmt):
    p, e_min = {"float32": (23, -126), "float16": (10, -14), "bfloat16": (7, -126)}[fmt]
    a = np.abs(np.asarray(x, dtype=np.float64))
    _, e = np.frexp(a)
    exponent = np.where(a > 0, e - 1, e_min)
    return np.ldexp(1.0, np.maximum(exponent, e_min) - p)


_FMT = {"float32": (23, -126), "float16": (10, -14), "bfloat16": (7, -126)}


def _ulp_eps_times_x(x, fmt):
    return np.abs(np.asarray(x, dtype=np.float64)) * 2.0 ** -_FMT[fmt][0]


def _ulp_no_subnormals(x, fmt):
    a = np.abs(np.asarray(x, dtype=np.float64))
    with np.errstate(divide="ignore"):
        return 2.0 ** (np.floor(np.log2(a)) - _FMT[fmt][0])


def _ulp_cases(rng):
    def logu(lo, hi, n, dtype=np.float64):
        return (rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(lo, hi, n)).astype(dtype)
    return [((np.array([1.0, 1.5, 2.0, 1000.0]), "bfloat16"), {}),
            ((np.array([1.0, 0.1, 60000.0, -3.0]), "float16"), {}),
            ((np.array([1e-5, 3e-7, 6e-8, 0.0, -2e-6]), "float16"), {}),  # subnormals (below 2^-14) and 0
            ((np.array([0.25, 0.5, 4.0, 2.0 ** -14, 2.0 ** 15]), "float16"), {}),  # exact powers of two
            ((logu(-30, 30, 12), "bfloat16"), {}), ((logu(-30, 30, 12, np.float32), "float32"), {}),
            ((logu(-4, 4.5, 12), "float16"), {}), ((np.array([1e-39, 1e-42, 0.0]), "bfloat16"), {}),
            ((np.array([1e-39, 1e-44]), "float32"), {})]


def _one_cycle_final_from_max(max_lr, total_steps, k, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    return _one_cycle(max_lr, total_steps, k, pct_start, max_lr / div_factor, max_lr / final_div_factor)


def _mb_fixed_seed(n, batch_size, seed):
    perm = np.random.default_rng(0).permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]


# ----------------------------------------------------------------------------------------------------- registry
def _ex(id, chapter, title, fn, cases, variants, **kw) -> Exercise:
    import inspect

    sig = f"{fn.__name__}{inspect.signature(fn)}"
    return Exercise(id=id, chapter=chapter, title=title, signature=sig, doc=kw.pop("doc", ""), reference=fn,
                    cases=cases, variants=variants, **kw)


def _v(name: str, fn: Callable[..., Any], message: str) -> Variant:
    return Variant(name, fn, message)


EXERCISES: list[Exercise] = [
    _ex("gd_step", "gradient-descent", "One gradient-descent step", gd_step, _gd_cases, [
        _v("a step uphill", lambda th, g, lr: th + lr * g, "Gradient descent subtracts: theta - lr * grad."),
        _v("the learning rate left out", lambda th, g, lr: th - g, "Multiply the gradient by lr."),
        _v("the learning rate divided", lambda th, g, lr: th - g / lr, "Multiply the gradient by lr; dividing "
           "makes a small rate take huge steps."),
    ], doc="Return theta - lr * grad."),
    _ex("numerical_gradient", "gradient-descent", "A numerical gradient by central differences", numerical_gradient,
        _numgrad_cases, [
            _v("one-sided (forward) differences", _forward_diff,
               "Use (f(x + h e_i) - f(x - h e_i)) / (2h); one-sided differences have an O(h) error."),
            _v("dividing by h instead of 2h", _no_two, "The two evaluations are 2h apart: divide by 2h."),
            _v("all coordinates perturbed at once", lambda f, x, h=1e-6: np.full(np.shape(x), (f(x + h) - f(x - h)) / (2 * h)),
           "Perturb one coordinate at a time (x + h e_i): adding h to every entry gives one directional derivative, "
           "not the gradient."),
    ], rtol=1e-9, doc="Central differences (f(x + h e_i) - f(x - h e_i)) / (2h) for every coordinate i."),
    _ex("gd_run", "gradient-descent", "Debug: a gradient-descent loop", gd_run, _gd_run_cases, [
        _v("the gradient of the starting point at every step", _gd_run_frozen_gradient,
           "The planted bug is still there: the gradient is computed once, before the loop. Evaluate grad_fn at the "
           "current x inside the loop."),
        _v("the starting point left out", _gd_run_no_start, "Return steps + 1 rows: x0 first, then every iterate."),
        _v("one step too many", _gd_run_one_more, "Take exactly `steps` updates."),
    ], kind="debug", doc="The iterates x_0 = x0, x_{t+1} = x_t - lr * grad_fn(x_t) for t < steps, as a (steps + 1, "
                         "dim) array."),
    _ex("minibatches", "sgd", "A mini-batch iterator", minibatches, _mb_cases, iterable=True, variants=[
        _v("the last, smaller batch dropped", _mb_drop_last,
           "Keep the final partial batch so every example is used once per epoch."),
        _v("no shuffling", _mb_no_shuffle,
           "Shuffle with np.random.default_rng(seed).permutation(n) before splitting."),
        _v("a hard-coded seed", _mb_fixed_seed, "Use the seed you are given: "
           "np.random.default_rng(seed).permutation(n), not a fixed seed."),
    ], doc="Shuffle range(n) with np.random.default_rng(seed).permutation(n) and split it into consecutive "
           "batches of batch_size (the last may be smaller). Return the list of index arrays."),
    _ex("sgd_epoch", "sgd", "One epoch of mini-batch SGD for least squares", sgd_epoch, _epoch_cases, [
        _v("the summed gradient instead of the mean", _epoch_sum,
           "The loss is the mean over the batch: divide X_b^T r by the batch size."),
        _v("batches taken in order, not shuffled", _epoch_no_shuffle,
           "Use the shuffled batches from minibatches(n, batch_size, seed)."),
        _v("a single full-batch step", _epoch_full_batch, "Make one update per mini-batch, not one per epoch."),
    ], doc="Loss (1/2|B|) sum_i (x_i.w - y_i)^2 per batch; one update per batch from minibatches(n, batch_size, seed)."),
    _ex("momentum_step", "momentum", "A momentum (heavy-ball) step, PyTorch's form", momentum_step, _mom_cases, [
        _v("dampening applied on the first step", _mom_damp_first,
           "PyTorch sets the buffer to the raw gradient on step 1 (t == 1), without dampening."),
        _v("a step along the gradient instead of the buffer", _mom_grad_step, "Step along the buffer: theta - lr * buf."),
        _v("Keras's velocity form", _mom_keras, "This exercise uses PyTorch's form: buf = momentum * buf + g, "
           "theta - lr * buf (the learning rate stays outside the buffer)."),
        _v("the first-step rule ignored", _mom_ignore_t,
           "On step t == 1 the buffer is the gradient itself, whatever buf holds."),
    ], doc="buf = g if t == 1 else momentum * buf + (1 - dampening) * g; return (theta - lr * buf, buf)."),
    _ex("nesterov_step", "momentum", "A Nesterov momentum step, PyTorch's form", nesterov_step,
        lambda rng: _mom_cases(rng, nesterov=True), [
            _v("plain momentum (or the old buffer in the look-ahead)", _nes_plain,
               "Nesterov steps along g + momentum * buf with the *updated* buffer; g + momentum * (old buffer) is "
               "the same as plain momentum."),
            _v("Keras's velocity form", _nes_keras, "This exercise uses PyTorch's form: buf = momentum * buf + g, "
               "theta - lr * (g + momentum * buf); Keras keeps v = momentum * v - lr * g instead."),
            _v("the first-step rule ignored", _nes_ignore_t,
               "On step t == 1 the buffer is the gradient itself, whatever buf holds."),
        ], doc="buf = g if t == 1 else momentum * buf + g; return (theta - lr * (g + momentum * buf), buf)."),
    _ex("adagrad_step", "adaptive", "An AdaGrad step", adagrad_step, _ada_cases, [
        _v("epsilon inside the square root", _ada_inside, "PyTorch adds eps outside: g / (sqrt(s) + eps)."),
        _v("|g| accumulated instead of g squared", _ada_abs, "Accumulate the squared gradient: s + g**2."),
        _v("the old accumulator used for the step", _ada_old_s, "Update s first, then divide by sqrt(s)."),
    ], doc="s = s + g**2; return (theta - lr * g / (sqrt(s) + eps), s)."),
    _ex("rmsprop_step", "adaptive", "An RMSprop step", rmsprop_step, _rms_cases, [
        _v("epsilon inside the square root", _rms_inside, "PyTorch adds eps outside: g / (sqrt(v) + eps)."),
        _v("alpha and 1 - alpha swapped", _rms_swapped, "v = alpha * v + (1 - alpha) * g**2: alpha weighs the past."),
        _v("|g| averaged instead of g squared", _rms_g, "Average the squared gradient."),
    ], doc="v = alpha * v + (1 - alpha) * g**2; return (theta - lr * g / (sqrt(v) + eps), v)."),
    _ex("adam_step", "adam", "An Adam step (returning the moments too)", adam_step, _adam_cases, [
        _v("Adam without bias correction", _adam_nobias,
           "Divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step."),
        _v("epsilon inside the square root", _adam_inside, "PyTorch adds eps to sqrt(v_hat): m_hat / (sqrt(v_hat) + eps)."),
        _v("the step counter off by one", _adam_offbyone, "t is the 1-based number of this update: use beta**t with "
           "the t you were given, not t + 1."),
        _v("|g| instead of g squared in v", _adam_g_not_g2, "The second moment averages g**2."),
        _v("Keras's epsilon-hat form", _adam_epshat, "This exercise uses PyTorch's form: eps is added to sqrt(v_hat), "
           "not to sqrt(v)."),
    ], doc="PyTorch's Adam: update m and v, bias-correct with t (1-based), return (theta, m, v)."),
    _ex("adamw_step", "adam", "An AdamW step (decoupled weight decay)", adamw_step,
        lambda rng: _adam_cases(rng, {"weight_decay": 0.1}), [
            _v("L2 regularization instead of decoupled decay", _adamw_l2,
               "Decoupled decay shrinks theta directly: theta * (1 - lr * weight_decay), not grad + wd * theta."),
            _v("decay without the learning rate", _adamw_no_lr, "The decay is theta * (1 - lr * weight_decay)."),
            _v("decay applied after the Adam step", _adamw_after,
               "PyTorch decays the parameters before the Adam update, using the old theta."),
            _v("Adam without bias correction", _adamw_nobias,
               "The Adam part still divides m by (1 - beta1**t) and v by (1 - beta2**t)."),
        ], doc="theta = theta * (1 - lr * weight_decay), then the Adam step; return (theta, m, v)."),
    _ex("adam_run", "adam", "Debug: an Adam training loop", adam_run, _adam_run_cases, [
        _v("the moments reset at every step", _adam_run_reset,
           "The planted bug is still there: m and v are created inside the loop, so every step forgets the past "
           "and Adam takes sign-like steps of size lr. Create them once, before the loop."),
        _v("the step count frozen at 1", _adam_run_frozen_t, "The bias corrections use the step count t = 1, 2, ..., "
           "not 1 at every step."),
        _v("no bias correction", _adam_run_no_correction, "Divide m by 1 - beta1**t and v by 1 - beta2**t."),
    ], kind="debug", rtol=1e-9, doc="Adam's iterates from x0 (PyTorch's update, t = 1, 2, ...) as a (steps + 1, dim) "
                                    "array."),
    _ex("clip_by_global_norm", "comparing", "Gradient clipping by global norm", clip_by_global_norm,
        _clip_cases, [
            _v("each gradient clipped separately", lambda gs, c: tuple(
                g * min(1.0, c / np.linalg.norm(g)) if np.linalg.norm(g) > 0 else g for g in gs),
               "Use the norm of all gradients together: sqrt(sum of all squares)."),
            _v("always rescaled to max_norm", _clip_always,
               "Only scale down: the factor is min(1, max_norm / norm)."),
            _v("clipping by value", lambda gs, c: tuple(np.clip(g, -c, c) for g in gs),
               "Clipping by global norm rescales every gradient by the same factor, keeping their direction; "
               "np.clip clips each entry separately."),
        ], doc="Scale all gradients by min(1, max_norm / global_norm); return them as a tuple."),
    _ex("step_decay", "why-schedules", "Step decay per epoch", step_decay, _step_cases, [
        _v("one epoch early", lambda lr0, g, s, e: lr0 * g ** ((e + 1) // s), "The first drop happens at epoch "
           "step_size (0-based), not one epoch earlier."),
        _v("the floor left out", lambda lr0, g, s, e: lr0 * g ** (e / s), "Step decay is piecewise constant: use "
           "epoch // step_size."),
        _v("decay every epoch", lambda lr0, g, s, e: lr0 * g**e, "Multiply by gamma once every step_size epochs."),
    ], doc="lr0 * gamma ** (epoch // step_size), epoch 0-based."),
    _ex("exponential_decay", "decay", "Exponential decay with a staircase option", exponential_decay, _exp_cases, [
        _v("staircase ignored", lambda lr0, r, d, k, staircase=False: lr0 * r ** (k / d),
           "With staircase=True the exponent is k // decay_steps."),
        _v("the exponent k * decay_steps", lambda lr0, r, d, k, staircase=False: lr0 * r ** (k * d),
           "The exponent is k / decay_steps."),
        _v("always staircase", lambda lr0, r, d, k, staircase=False: lr0 * r ** (k // d),
           "Without staircase the exponent is the real number k / decay_steps."),
    ], doc="lr0 * decay_rate ** (k / decay_steps), or k // decay_steps when staircase."),
    _ex("inverse_time_decay", "decay", "Inverse-time (time-based) decay", inverse_time_decay,
        lambda rng: [((0.1, 0.5, 10, 5), {}), ((0.1, 0.5, 10, 5), {"staircase": True}), ((1.0, 1.0, 1, 9), {}),
                     ((1.0, 2.0, 4, 7), {"staircase": True}), ((0.2, 0.1, 100, 250), {}), ((0.2, 0.1, 100, 0), {})], [
            _v("staircase ignored", lambda lr0, r, d, k, staircase=False: lr0 / (1 + r * k / d),
               "With staircase=True use k // decay_steps."),
            _v("decay_steps left out", lambda lr0, r, d, k, staircase=False: lr0 / (1 + r * k),
               "Divide k by decay_steps."),
            _v("exponential instead of inverse-time", lambda lr0, r, d, k, staircase=False: lr0 * r ** (k / d),
               "Inverse-time decay divides: lr0 / (1 + decay_rate * k / decay_steps)."),
        ], doc="lr0 / (1 + decay_rate * k / decay_steps), with k // decay_steps when staircase."),
    _ex("cosine_annealing", "cyclical", "Cosine annealing (clamped after T_max)", cosine_annealing, _cos_cases, [
        _v("no clamp after T_max (periodic)", lambda lr0, T, k, eta_min=0.0: eta_min + (lr0 - eta_min) * 0.5 * (
            1 + math.cos(math.pi * k / T)), "After T_max the rate stays at eta_min (use min(k, T_max)); PyTorch's "
           "CosineAnnealingLR rises again, but this exercise follows Keras and optax."),
        _v("eta_min ignored", lambda lr0, T, k, eta_min=0.0: lr0 * 0.5 * (1 + math.cos(math.pi * min(k, T) / T)),
           "The curve runs from lr0 down to eta_min: eta_min + (lr0 - eta_min) * ..."),
        _v("the 1 + cos(...) missing", lambda lr0, T, k, eta_min=0.0: eta_min + (lr0 - eta_min) * 0.5 * math.cos(
            math.pi * min(k, T) / T), "Use (1 + cos(pi k / T_max)) / 2, which runs from 1 to 0."),
        _v("one update late (k + 1)", lambda lr0, T, k, eta_min=0.0: cosine_annealing(lr0, T, k + 1, eta_min),
           "k is the 0-based update index: at k = 0 the rate is lr0 itself."),
    ], doc="eta_min + (lr0 - eta_min) * (1 + cos(pi * min(k, T_max) / T_max)) / 2."),
    _ex("warmup_cosine", "warmup", "Linear warmup followed by cosine decay", warmup_cosine, _wc_cases, [
        _v("the warmup one step late", lambda p, W, T, k: p * (k + 1) / W if k < W else cosine_annealing(
            p, T - W, k - W), "At k = 0 the rate is 0 and it reaches peak_lr at k = warmup_steps: peak_lr * k / W."),
        _v("the cosine over total_steps", lambda p, W, T, k: p * k / W if k < W else cosine_annealing(p, T, k - W),
           "After warmup the cosine lasts total_steps - warmup_steps updates."),
        _v("the cosine not restarted after warmup", lambda p, W, T, k: p * k / W if k < W else cosine_annealing(
            p, T - W, k), "The cosine starts at k = warmup_steps: pass k - warmup_steps."),
    ], doc="peak_lr * k / warmup_steps for k < warmup_steps, then a cosine from peak_lr to 0 over the remaining updates."),
    _ex("triangular_clr", "cyclical", "A triangular cyclical learning rate", triangular_clr, _clr_cases, [
        _v("the triangular2 halving", lambda b, m, s, k: b + (m - b) * max(0.0, 1 - abs(k / s - 2 * math.floor(
            1 + k / (2 * s)) + 1)) / 2 ** (math.floor(1 + k / (2 * s)) - 1),
           "In plain triangular mode every cycle has the full amplitude."),
        _v("a full cycle of step_size instead of 2 * step_size", lambda b, m, s, k: b + (m - b) * max(
            0.0, 1 - abs(k / (s / 2) - 2 * math.floor(1 + k / s) + 1)),
           "step_size is half a cycle: up for step_size updates, down for step_size."),
        _v("the cycle counted from 0", lambda b, m, s_, k: b + (m - b) * max(0.0, 1 - abs(
            k / s_ - 2 * math.floor(k / (2 * s_)) + 1)), "Smith's formula counts cycles from 1: "
           "cycle = floor(1 + k / (2 step_size))."),
    ], doc="Smith's triangular policy: cycle = floor(1 + k / (2 step_size)), x = |k / step_size - 2 cycle + 1|, "
           "lr = base_lr + (max_lr - base_lr) * max(0, 1 - x)."),
    _ex("one_cycle", "cyclical", "The one-cycle schedule (PyTorch's cos form)", one_cycle, _oc_cases, [
        _v("the peak one update late", lambda m, T, k, pct_start=0.3, div_factor=25.0, final_div_factor=1e4: (
            final_cos(m / div_factor, m, k / (pct_start * T)) if k <= pct_start * T else final_cos(
                m, m / div_factor / final_div_factor, (k - pct_start * T) / (T - 1 - pct_start * T))),
            "PyTorch's peak is at update pct_start * total_steps - 1 (0-based)."),
        _v("linear annealing", lambda m, T, k, pct_start=0.3, div_factor=25.0, final_div_factor=1e4: (
            m / div_factor + (m - m / div_factor) * k / (pct_start * T - 1) if k <= pct_start * T - 1 else
            m + (m / div_factor / final_div_factor - m) * (k - pct_start * T + 1) / (T - pct_start * T)),
            "Use cosine annealing between the phase values (the 'cos' strategy)."),
        _v("the final rate without div_factor", lambda max_lr, T, k, pct_start=0.3, div_factor=25.0,
                                                       final_div_factor=1e4: _one_cycle_final_from_max(
            max_lr, T, k, pct_start, div_factor, final_div_factor),
           "The final rate is the initial one divided by final_div_factor: max_lr / (div_factor * "
           "final_div_factor), not max_lr / final_div_factor."),
    ], doc="From max_lr/div_factor up to max_lr at k = pct_start*total_steps - 1, then down to "
           "max_lr/(div_factor*final_div_factor) at k = total_steps - 1, along half-cosines."),
    _ex("plateau_decision", "plateau", "The ReduceLROnPlateau decision (PyTorch's counting)", plateau_decision,
        _plateau_cases, [
            _v("an absolute threshold", _plateau_abs, "PyTorch's default threshold_mode is 'rel': the metric must "
               "beat best * (1 - threshold), not best - threshold."),
            _v("Keras's counting (cut at patience, not patience + 1)", lambda lr, m, b, n, p, factor=0.1,
               threshold=1e-4: (lambda nb, bb: (lr * factor, bb, 0) if nb >= p else (lr, bb, nb))(
                   0 if m < b * (1 - threshold) else n + 1, m if m < b * (1 - threshold) else b),
               "PyTorch cuts when num_bad > patience: on the (patience + 1)-th bad epoch."),
            _v("the threshold ignored", lambda lr, m, b, n, p, factor=0.1, threshold=1e-4: plateau_decision(
                lr, m, b, n, p, factor, 0.0), "An improvement must beat best * (1 - threshold)."),
        ], doc="Mode 'min', relative threshold: improvement if metric < best * (1 - threshold); cut by factor when "
               "num_bad > patience. Return (lr, best, num_bad)."),
    _ex("legacy_keras_decay", "frameworks", "What old Keras's decay= argument computed", legacy_keras_decay_lr,
        _legacy_cases, [
            _v("exponential decay", lambda lr, d, it: lr * (1 - d) ** it, "Old Keras used time-based decay: "
               "lr / (1 + decay * iterations)."),
            _v("decay per epoch", lambda lr, d, it: lr / (1 + d * (it // 100)), "It was applied per batch "
               "(iteration), not per epoch."),
            _v("iterations counted after the increment", lambda lr, d, it: lr / (1 + d * (it + 1)),
           "The rate of a batch used the iteration count before it was incremented: 0 for the first batch."),
    ], doc="lr / (1 + decay * iterations), iterations counted in batches (before the increment)."),
    _ex("rates_per_update", "frameworks", "Debug: a step decay stepped in the wrong place", rates_per_update,
        _rates_cases, [
            _v("the decay counted in updates", _rates_per_batch,
               "The planted bug is still there: the decay counts updates (scheduler.step() after every batch). Count "
               "epochs: every batch of epoch e uses lr0 * gamma ** (e // step_size)."),
            _v("one epoch early", _rates_early, "Epoch e (from 0) uses gamma ** (e // step_size): the first decay "
               "comes at epoch step_size, not one epoch before."),
        ], kind="debug", doc="The rate of every update: lr0 * gamma ** (epoch // step_size) for each of the "
                             "batches_per_epoch updates of each epoch."),
    _ex("time_to_accuracy", "schedules-matter", "Time to accuracy", time_to_accuracy, _tta_cases, [
        _v("0-based index", lambda acc, target: next((float(i) for i, a in enumerate(acc) if a >= target), math.inf),
           "Epochs are counted from 1: the accuracy after the first epoch is entry 0, so return its index + 1."),
        _v("strictly greater", lambda acc, target: next((float(i + 1) for i, a in enumerate(acc) if a > target),
                                                        math.inf),
           "Reaching the target counts: use >=."),
        _v("-1 for never", lambda acc, target: next((float(i + 1) for i, a in enumerate(acc) if a >= target), -1.0),
           "When the target is never reached, return inf (as chapter 13 does), so that 'never' sorts after every "
           "epoch."),
    ], doc="The first epoch, counted from 1, whose accuracy is >= target, or inf if it is never reached."),
    _ex("lion_step", "sign-and-memory", "One Lion update", lion_step, _lion_cases, [
        _v("the betas swapped", lambda th, m, g, lr, betas=(0.9, 0.99), weight_decay=0.0: lion_step(
            th, m, g, lr, (betas[1], betas[0]), weight_decay),
           "beta1 (0.9) mixes the gradient into this step's direction; beta2 (0.99) is the memory's decay."),
        _v("the momentum updated before the direction", lambda th, m, g, lr, betas=(0.9, 0.99), weight_decay=0.0: (
            lambda m2: (th * (1 - lr * weight_decay) - lr * np.sign(betas[0] * m2 + (1 - betas[0]) * g), m2))(
            betas[1] * m + (1 - betas[1]) * g),
           "The direction uses the old momentum m_{t-1}; update m only after the step."),
        _v("the weight decay inside the sign", lambda th, m, g, lr, betas=(0.9, 0.99), weight_decay=0.0: (
            th - lr * np.sign(betas[0] * m + (1 - betas[0]) * g + weight_decay * th),
            betas[1] * m + (1 - betas[1]) * g),
           "Lion's decay is decoupled: theta * (1 - lr * weight_decay), outside the sign."),
        _v("no sign (a momentum step)", lambda th, m, g, lr, betas=(0.9, 0.99), weight_decay=0.0: (
            th * (1 - lr * weight_decay) - lr * (betas[0] * m + (1 - betas[0]) * g), betas[1] * m + (1 - betas[1]) * g),
           "Lion steps by lr * sign(c): every coordinate moves by exactly lr."),
    ], doc="c = b1 m + (1 - b1) g; theta <- theta (1 - lr wd) - lr sign(c); m <- b2 m + (1 - b2) g. Return "
           "(theta, m)."),
    _ex("factored_second_moment", "sign-and-memory", "Adafactor's factored second moment", factored_second_moment,
        _factored_cases, [
            _v("no normalisation", lambda r, c: np.outer(r, c), "Divide the outer product by mean(row_mean): each "
               "factor carries the overall scale once."),
            _v("divided by the sum", lambda r, c: np.outer(r, c) / np.sum(r), "Divide by the mean of row_mean, "
               "not its sum."),
            _v("the square root of the product", lambda r, c: np.sqrt(np.outer(r, c)),
               "The estimate is R C^T / mean(R), a product of means, not a geometric mean."),
        ], doc="The n x m estimate outer(row_mean, col_mean) / mean(row_mean)."),
    _ex("newton_schulz", "muon-and-shampoo", "Newton-Schulz orthogonalisation", newton_schulz, _ns_cases, [
        _v("no normalisation", lambda G, steps=5, coefficients=(3.4445, -4.7750, 2.0315): _ns_unscaled(
            G, steps, coefficients),
           "Start from X = G / ||G||_F: the polynomial only maps [0, 1] towards 1; larger values blow up."),
        _v("b and c swapped", lambda G, steps=5, coefficients=(3.4445, -4.7750, 2.0315): newton_schulz(
            G, steps, (coefficients[0], coefficients[2], coefficients[1])),
           "b multiplies X X^T X (the cube), c the fifth power (X X^T)^2 X."),
        _v("one step short", lambda G, steps=5, coefficients=(3.4445, -4.7750, 2.0315): newton_schulz(
            G, steps - 1, coefficients), "Apply the iteration exactly `steps` times."),
    ], doc="X = G / ||G||_F, then `steps` times X <- a X + (b X X^T + c (X X^T)^2) X."),
    _ex("shampoo_step", "muon-and-shampoo", "One Shampoo update of a weight matrix", shampoo_step, _shampoo_cases, [
        _v("inverse square roots", lambda W, G, L, R, lr: (lambda L2, R2: (
            W - lr * _inv_root(L2, 2) @ G @ _inv_root(R2, 2), L2, R2))(L + G @ G.T, R + G.T @ G),
           "Each side gets the inverse fourth root: together they make the -1/2 power of the Kronecker product."),
        _v("statistics updated after the step", lambda W, G, L, R, lr: (
            W - lr * _inv_root(L, 4) @ G @ _inv_root(R, 4), L + G @ G.T, R + G.T @ G),
           "Add G G^T and G^T G to the statistics first, then precondition with the new L and R."),
        _v("the gradient not preconditioned on the right", lambda W, G, L, R, lr: (lambda L2, R2: (
            W - lr * _inv_root(L2, 4) @ G, L2, R2))(L + G @ G.T, R + G.T @ G),
           "Multiply by R^(-1/4) on the right as well: L^(-1/4) G R^(-1/4)."),
    ], doc="L += G G^T; R += G^T G; W -= lr L^(-1/4) G R^(-1/4) (inverse roots from eigh). Return (W, L, R)."),
    _ex("ema_update", "averaging", "One update of an exponential moving average of the weights", ema_update,
        _ema_cases, [
            _v("decay and 1 - decay swapped", lambda a, th, d, n: (th.copy(), 1) if n == 0 else (
                (1 - d) * a + d * th, n + 1), "The old average keeps weight decay (close to 1)."),
            _v("no copy at the first update", lambda a, th, d, n: (d * a + (1 - d) * th, n + 1),
               "When nothing has been averaged yet (n_averaged == 0), the average becomes a copy of theta, as in "
               "PyTorch's AveragedModel and Keras's use_ema."),
            _v("the count not incremented", lambda avg, th, d, n: (ema_update(avg, th, d, n)[0], n),
           "Return n_averaged + 1: the count of averaged models grows by one at every update."),
    ], doc="Copy theta when n_averaged == 0, else decay * average + (1 - decay) * theta. Return (average, n)."),
    _ex("schedule_free_sgd_step", "averaging", "One schedule-free SGD update", schedule_free_sgd_step, _sf_cases, [
        _v("x averages y instead of z", lambda y, z, x, g, lr, t, beta=0.9: (lambda z2: (lambda x2: (
            (1 - beta) * z2 + beta * x2, z2, x2))((1 - 1 / t) * x + y / t))(z - lr * g),
           "x is the running average of the SGD iterates z."),
        _v("the average off by one (1/(t+1))", lambda y, z, x, g, lr, t, beta=0.9: (lambda z2: (lambda x2: (
            (1 - beta) * z2 + beta * x2, z2, x2))((1 - 1 / (t + 1)) * x + z2 / (t + 1)))(z - lr * g),
           "At update t (1-based) the new z gets weight 1/t: at t = 1, x becomes z itself."),
        _v("beta on the wrong sequence", lambda y, z, x, g, lr, t, beta=0.9: (lambda z2: (lambda x2: (
            beta * z2 + (1 - beta) * x2, z2, x2))((1 - 1 / t) * x + z2 / t))(z - lr * g),
           "y = (1 - beta) z + beta x: with beta = 0.9, y stays close to the average x."),
        _v("the SGD step from x", lambda y, z, x, g, lr, t, beta=0.9: (lambda z2: (lambda x2: (
            (1 - beta) * z2 + beta * x2, z2, x2))((1 - 1 / t) * x + z2 / t))(x - lr * g),
           "The SGD step updates z: z <- z - lr * grad."),
    ], doc="z <- z - lr grad; x <- (1 - 1/t) x + z / t; y <- (1 - beta) z + beta x. Return (y, z, x)."),
    _ex("accumulate_gradients", "data-parallel", "Accumulating micro-batch gradients", accumulate_gradients,
        _accumulate_cases, [
            _v("not divided (the sum)", lambda gs, ns: sum(gs), "Each micro-batch gradient is a mean over its own "
               "examples: weight them by n_j / sum(n) (1/k for equal sizes); the plain sum is k times too large."),
            _v("an unweighted mean", lambda gs, ns: sum(gs) / len(gs), "With unequal micro-batch sizes, weight each "
               "mean by its number of examples: the big batch averages examples, not micro-batches."),
            _v("weighted by the sizes but not normalised", lambda gs, ns: sum(g * n for g, n in zip(gs, ns)),
           "Divide by the total number of examples, sum(micro_sizes): the result must be a mean gradient."),
    ], doc="The big batch's mean gradient from micro-batch mean gradients: sum_j g_j * n_j / sum(n)."),
    _ex("allreduce_mean", "data-parallel", "What an all-reduce gives every rank", allreduce_mean, _allreduce_cases, [
        _v("the sum over ranks", lambda rg: [sum(parts) for parts in zip(*rg)],
           "DDP averages: divide the sum by the number of ranks."),
        _v("averaged twice", lambda rg: [sum(parts) / len(parts) ** 2 for parts in zip(*rg)],
           "Divide by the number of ranks once."),
        _v("rank 0's gradient only", lambda rg: [p.copy() for p in rg[0]],
           "Every rank contributes: average over all of them."),
    ], doc="rank_grads[r][i] is rank r's gradient for parameter i; return, per parameter, the mean over ranks."),
    _ex("linear_scaled_lr", "large-batches", "The linear-scaling rule with Goyal et al.'s warmup", linear_scaled_lr,
        _lsr_cases, [
            _v("the warmup starting at 0", _lsr_from_zero,
               "Goyal et al.'s warmup starts at the small-batch rate base_lr, not at 0."),
            _v("square-root scaling", _lsr_sqrt, "The linear rule multiplies the rate by batch / base_batch, not by "
               "its square root."),
            _v("the warmup one update late (k + 1)", _lsr_late,
               "k is the 0-based update index: at k = 0 the rate is base_lr itself."),
        ], doc="peak = base_lr * batch / base_batch; for k < warmup_steps rise linearly from base_lr (k = 0) towards "
               "peak (reached at k = warmup_steps), then stay at peak."),
    _ex("lars_local_lr", "large-batches", "LARS's local learning rate (a trust ratio per tensor)", lars_local_lr,
        _lars_cases, [
            _v("a ratio per entry instead of per tensor", _lars_per_entry,
               "Use the norms of the whole tensor: one number per tensor, np.linalg.norm(w) / np.linalg.norm(g)."),
            _v("weight decay left out of the denominator", _lars_no_decay,
               "The denominator is ||g|| + weight_decay * ||w||."),
            _v("0 instead of 1 for a zero norm", _lars_zero_is_zero,
               "Where ||w|| or the denominator is zero the local rate is 1 (the tensor takes a plain step)."),
        ], doc="trust_coefficient * ||w|| / (||g|| + weight_decay * ||w||), norms of the whole tensors; 1 where ||w|| "
               "or the denominator is 0. Return a float."),
    _ex("clip_global_norm", "stability", "Clipping by global norm", clip_global_norm, _clip_cases, [
        _v("each tensor clipped separately", clip_each_tensor, "Compute one norm over all the tensors together "
           "and scale every tensor by the same factor (that is clip_grad_norm_ and global_clipnorm)."),
        _v("always rescaled to max_norm", lambda gs, c: [g * (c / math.sqrt(sum(float(np.sum(h * h)) for h in gs)))
                                                         if any(np.any(h) for h in gs) else g for g in gs],
           "Scale only when the norm exceeds max_norm: the factor is min(1, max_norm / norm)."),
        _v("the squared norm", lambda gs, c: (lambda n2: [g * (min(1.0, c / n2) if n2 > 0 else 1.0) for g in gs])(
            sum(float(np.sum(h * h)) for h in gs)), "The norm is the square root of the sum of squares."),
    ], doc="Scale every tensor by min(1, max_norm / norm), norm = sqrt(sum of all squared entries); 0 stays 0."),
    _ex("clip_each_tensor", "stability", "Clipping each tensor (Keras clipnorm)", clip_each_tensor, _clip_cases, [
        _v("one global norm", clip_global_norm, "Keras's clipnorm scales each tensor by its own norm."),
        _v("clipped by value", lambda gs, c: [np.clip(g, -c, c) for g in gs],
           "Scale the whole tensor (keep its direction), do not clip entries."),
        _v("every tensor rescaled to max_norm", lambda gs, c: [g * (c / np.linalg.norm(g)) if np.any(g) else g
                                                             for g in gs],
           "Scale only the tensors whose norm exceeds max_norm: the factor is max_norm / max(||g||, max_norm)."),
    ], doc="Each tensor g scaled to norm at most max_norm: g * max_norm / max(||g||, max_norm)."),
    _ex("trials_needed", "tuning", "Sizing a random search", trials_needed, _trials_cases, [
        _v("floor instead of ceiling", lambda q, p: max(1, int(math.log(1 - p) / math.log(1 - q))),
           "Round up: with one trial fewer the probability falls below p."),
        _v("the ratio upside down", lambda q, p: max(1, math.ceil(math.log(1 - q) / math.log(1 - p))),
           "Solve (1 - q)**n <= 1 - p: n >= ln(1 - p) / ln(1 - q)."),
        _v("the small-q approximation", lambda q, p: max(1, math.ceil(-math.log(1 - p) / q)),
           "ln(1 - q) is close to -q only for small q; use ln(1 - q) itself."),
        _v("the probability that all miss set to p", lambda q, p: max(1, math.ceil(math.log(p) / math.log(1 - q))),
           "p is the probability that at least one trial lands; all of them miss with probability 1 - p."),
    ], doc="The smallest integer n >= 1 with 1 - (1 - q)**n >= p, as computed in floating point."),
    _ex("median_prune", "tuning", "The median pruning rule", median_prune, _prune_cases, [
        _v("the latest value instead of the best so far",
           lambda v, c, n_startup_trials=5, n_warmup_steps=0: _prune_with(v, c, n_startup_trials, n_warmup_steps,
                                                                         latest=True),
           "Optuna compares the best value the trial has reported so far, not its latest one."),
        _v("the mean instead of the median",
           lambda v, c, n_startup_trials=5, n_warmup_steps=0: _prune_with(v, c, n_startup_trials, n_warmup_steps,
                                                                         centre=np.mean),
           "Compare with the median of the completed trials' values at this step: one bad trial moves the mean."),
        _v("one warmup step too many",
           lambda v, c, n_startup_trials=5, n_warmup_steps=0: _prune_with(v, c, n_startup_trials,
                                                                         n_warmup_steps + 1),
           "The first step that can be judged is step == n_warmup_steps (steps count from 0)."),
        _v("pruned on a tie", lambda v, c, n_startup_trials=5, n_warmup_steps=0: _prune_with(
            v, c, n_startup_trials, n_warmup_steps, tie=True), "Prune only when strictly worse than the median."),
        _v("all steps of the completed trials", lambda v, c, n_startup_trials=5, n_warmup_steps=0: _prune_with(
            v, c, n_startup_trials, n_warmup_steps, all_steps=True),
           "Take the completed trials' values at the same step as the running trial, not at every step."),
    ], doc="True if the best of values (step = len(values) - 1) is above the median of the completed trials' "
           "values at that step; False before n_startup_trials completed trials, before step n_warmup_steps, or when "
           "no completed trial reached the step."),
    _ex("init_scale", "initialisation", "The scale of Xavier and He initialisation", init_scale, _init_cases, [
        _v("fan_out instead of fan_in", _init_fan_out, "He (Kaiming) in fan-in mode divides by sqrt(fan_in), the "
           "number of inputs each output sums over; fan_out is the number of outputs (PyTorch stores a linear weight "
           "as (out_features, in_features))."),
        _v("the gain left out", _init_no_gain, "Multiply the standard deviation by gain (sqrt(2) for ReLU, 5/3 for "
           "tanh): it corrects for what the nonlinearity does to the variance."),
        _v("the normal std used as the uniform bound", _init_std_as_bound, "U[-b, b] has standard deviation "
           "b / sqrt(3): for distribution='uniform' return the bound b = sqrt(3) * std."),
        _v("Xavier with fan_in only", _init_xavier_fan_in, "Xavier (Glorot) averages the two fans: "
           "gain * sqrt(2 / (fan_in + fan_out)); gain / sqrt(fan_in) is He's formula."),
        _v("the gain inside the square root", _init_gain_in_sqrt, "The gain multiplies the standard deviation, so "
           "the variance gets gain**2: std = gain * sqrt(...), not sqrt(gain * ...)."),
    ], doc="std = gain * sqrt(2 / (fan_in + fan_out)) for 'xavier', gain / sqrt(fan_in) for 'kaiming'; return std "
           "for distribution='normal' and the bound sqrt(3) * std for 'uniform'."),
    _ex("effective_lr_history", "initialisation", "The norm and effective learning rate of a scale-invariant weight",
        effective_lr_history, _eff_cases, [
            _v("lr / ||w|| instead of lr / ||w||^2", _eff_sqrt, "The direction turns by lr / ||w||^2: the gradient "
               "shrinks like 1/||w|| and the step is divided by ||w|| once more. sq_norms already holds ||w||^2."),
            _v("the decay factor not squared", _eff_unsquared_decay, "w is multiplied by (1 - lr * weight_decay), so "
               "its squared norm by (1 - lr * weight_decay)**2."),
            _v("the unit-sphere gradient used as the gradient", _eff_unscaled_grad, "The gradient at w is the one at "
               "the unit-norm point divided by ||w||: its squared norm is G_t**2 / rho_t, so the growth is "
               "lr**2 * G_t**2 / rho_t."),
            _v("weight decay without the learning rate", _eff_decay_without_lr, "PyTorch's SGD adds weight_decay * w "
               "to the gradient, which is then multiplied by lr: the factor is (1 - lr * weight_decay)."),
        ], doc="rho_{t+1} = (1 - lr*wd)**2 * rho_t + lr**2 * G2_t / rho_t from rho_0 = sq_norm0; return the arrays "
               "(rho_0..rho_T, lr / rho_0..lr / rho_T)."),
    _ex("ulp", "precision", "The gap between neighbouring numbers of a format", ulp, _ulp_cases, [
        _v("epsilon times |x|", _ulp_eps_times_x, "The gap is constant within a binade [2^e, 2^(e+1)): use "
           "2^(floor(log2|x|) - p), a power of two, not 2^-p * |x|."),
        _v("machine epsilon, whatever x", lambda x, fmt: np.full(np.shape(x), 2.0 ** -_FMT[fmt][0]),
           "Epsilon is the gap at 1 only; the gap grows with |x|: 2^(floor(log2|x|) - p)."),
        _v("no subnormal floor", _ulp_no_subnormals, "Below 2^e_min the numbers are subnormal and evenly spaced: "
           "the exponent never goes below e_min (and at 0 the gap is 2^(e_min - p))."),
        _v("half an ulp", lambda x, fmt: ulp(x, fmt) / 2, "Half an ulp is the largest rounding error; the gap "
           "between neighbours is a whole ulp, 2^(floor(log2|x|) - p)."),
    ], doc="2^(max(floor(log2|x|), e_min) - p) elementwise, with (p, e_min) = (23, -126) for float32, (10, -14) for "
           "float16, (7, -126) for bfloat16; at x = 0, 2^(e_min - p). Return a float64 array."),
    _ex("loss_scale_sequence", "precision", "Dynamic loss scaling, step by step", loss_scale_sequence, _ls_cases, [
        _v("the step applied on overflow", _ls_variant(skip=False), "A step with an inf or NaN gradient is skipped: "
           "the weights must not move (applied = 0), only the scale changes."),
        _v("the counter not reset on overflow", _ls_variant(reset=False), "An overflow resets the count of good "
           "steps to 0: growth needs growth_interval finite steps in a row after it."),
        _v("skipped steps counted as good ones", _ls_variant(reset=False, count_skipped=True),
           "Only finite steps count towards growth_interval, and an overflow resets the count to 0."),
        _v("growth one step late", _ls_variant(late=1), "The scale grows right after the growth_interval-th "
           "finite step (the next step already uses the larger scale), not after growth_interval + 1."),
    ], doc="Return (scales, applied): the scale each step's loss is multiplied by, and 1/0 integers for applied/"
           "skipped. Overflow: skip, scale *= backoff_factor, counter = 0. Finite: apply, counter += 1; at "
           "growth_interval, scale *= growth_factor and counter = 0."),
    _ex("wsd_lr", "capstone", "Warmup-stable-decay (WSD)", wsd_lr, _wsd_cases, [
        _v("the warmup starting at 0", _wsd_from_zero, "In this chapter's convention (LambdaLR with (step + 1) / W) "
           "the first update already uses peak_lr / warmup_steps, so that no update is wasted at rate 0: "
           "peak_lr * (k + 1) / warmup_steps."),
        _v("the decay started right after warmup", _wsd_no_stable, "The decay takes the last decay_steps updates, "
           "from k = total_steps - decay_steps; the rate stays at peak_lr until then (the stable phase)."),
        _v("past the end not clamped", _wsd_unclamped, "For k >= total_steps the rate is 0: the linear formula "
           "would go negative."),
        _v("the decay one step late", _wsd_late, "At k = total_steps - decay_steps the rate is still peak_lr and "
           "it falls by peak_lr / decay_steps per update: peak_lr * (total_steps - k) / decay_steps."),
    ], doc="peak_lr * (k + 1) / warmup_steps for k < warmup_steps; peak_lr up to total_steps - decay_steps; then "
           "peak_lr * (total_steps - k) / decay_steps; 0 from k = total_steps on (k counts updates from 0)."),
    _ex("adam_update_rms", "capstone", "How large Adam's first updates are", adam_update_rms, _rms_adam_cases, [
        _v("no bias correction", _rms_no_bias_correction, "Divide m by 1 - beta1**t and v by 1 - beta2**t "
           "(t from 1): without it the first update is about 3 times lr with the default betas."),
        _v("bias correction of m only", _rms_m_only, "Correct v too: sqrt(v / (1 - beta2**t))."),
        _v("eps inside the square root", _rms_eps_inside, "PyTorch adds eps after the square root: "
           "m_hat / (sqrt(v_hat) + eps)."),
        _v("the norm instead of the RMS", _rms_norm, "Return the root mean square of the update's entries, "
           "sqrt(mean(u**2)), not its norm."),
    ], rtol=1e-7, atol=1e-15, doc="grads has shape (T, P): the gradients of P weights over T steps. Run Adam "
                                 "(PyTorch's form) from m = v = 0 and return the T root-mean-square sizes of its "
                                 "updates lr * m_hat / (sqrt(v_hat) + eps)."),
]
