"""Each exercise's reference solution agrees with lessons_lib's own implementation (and, for clipping, PyTorch) on
every public and hidden case, for several seeds: the checkers grade against the book's conventions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lessons_lib import optimizers as O
from lessons_lib import schedules as S
from lessons_lib import train
from lessons_lib.exercises import EXERCISES
from lessons_lib.problems import numerical_gradient as lib_numerical_gradient

SEEDS = [20261122, 0, 1, 2]


def _cases(eid: str):
    for seed in SEEDS:
        yield from EXERCISES[eid].cases(np.random.default_rng(seed))


def _close(a, b, rtol=1e-12, atol=1e-15) -> None:
    a = a if isinstance(a, tuple) else (a,)
    b = b if isinstance(b, tuple) else (b,)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape
        tol = max(rtol, 1e-6) if np.float32 in (x.dtype, y.dtype) else rtol
        np.testing.assert_allclose(x.astype(float), y.astype(float), rtol=tol, atol=atol)


def _ref(eid: str):
    return EXERCISES[eid].reference


def test_gd_step_is_sgd_without_momentum() -> None:
    for (theta, g, lr), _ in _cases("gd_step"):
        opt = O.SGD(lr=lr)
        _close(_ref("gd_step")(theta, g, lr), opt.update(theta, g, opt.init(theta))[0])


def test_numerical_gradient_matches_the_library() -> None:
    for (f, x), kw in _cases("numerical_gradient"):
        _close(_ref("numerical_gradient")(f, x, **kw), lib_numerical_gradient(f, x, **kw), rtol=1e-9, atol=1e-9)


def test_minibatches_match_the_library_iterator() -> None:
    for (n, bs, seed), _ in _cases("minibatches"):
        ours = _ref("minibatches")(n, bs, seed)
        lib = list(train.minibatches(n, bs, np.random.default_rng(seed)))
        assert len(ours) == len(lib) and all(np.array_equal(a, b) for a, b in zip(ours, lib))


def test_sgd_epoch_matches_fit_on_least_squares() -> None:
    """One epoch of the exercise = the library's SGD fed the mean-squared-error gradient on the same batches."""
    for (w, X, y, lr, bs, seed), _ in _cases("sgd_epoch"):
        opt, p = O.SGD(lr=lr), w
        state = opt.init(p)
        for idx in train.minibatches(len(y), bs, np.random.default_rng(seed)):
            g = X[idx].T @ (X[idx] @ p - y[idx]) / len(idx)
            p, state = opt.update(p, g, state)
        _close(_ref("sgd_epoch")(w, X, y, lr, bs, seed), p, rtol=1e-10)


@pytest.mark.parametrize("eid, nesterov", [("momentum_step", False), ("nesterov_step", True)])
def test_momentum_steps_match_sgd(eid: str, nesterov: bool) -> None:
    for args, kw in _cases(eid):
        theta, g, buf, lr, mu, t = args
        opt = O.SGD(lr=lr, momentum=mu, nesterov=nesterov, dampening=kw.get("dampening", 0.0))
        new, state = opt.update(theta, g, O.SGDState(step=t - 1, momentum_buffer=buf))
        _close(_ref(eid)(*args, **kw), (new, state.momentum_buffer))


def test_adagrad_step_matches_adagrad() -> None:
    for (theta, g, s, lr), kw in _cases("adagrad_step"):
        opt = O.Adagrad(lr=lr, **kw)
        new, state = opt.update(theta, g, O.AdagradState(step=3, sum=s))
        _close(_ref("adagrad_step")(theta, g, s, lr, **kw), (new, state.sum))


def test_rmsprop_step_matches_rmsprop() -> None:
    for (theta, g, v, lr), kw in _cases("rmsprop_step"):
        opt = O.RMSprop(lr=lr, **kw)
        new, state = opt.update(theta, g, O.RMSpropState(step=3, square_avg=v, grad_avg=None, momentum_buffer=None))
        _close(_ref("rmsprop_step")(theta, g, v, lr, **kw), (new, state.square_avg))


@pytest.mark.parametrize("eid", ["adam_step", "adamw_step"])
def test_adam_steps_match_adam_and_adamw(eid: str) -> None:
    for (theta, g, m, v, t), kw in _cases(eid):
        lr, b1, b2, eps = kw.get("lr", 1e-3), kw.get("beta1", 0.9), kw.get("beta2", 0.999), kw.get("eps", 1e-8)
        if eid == "adamw_step":
            opt = O.AdamW(lr=lr, betas=(b1, b2), eps=eps, weight_decay=kw.get("weight_decay", 1e-2))
        else:
            opt = O.Adam(lr=lr, betas=(b1, b2), eps=eps)
        new, state = opt.update(theta, g, O.AdamState(step=t - 1, exp_avg=m, exp_avg_sq=v, max_exp_avg_sq=None))
        _close(_ref(eid)(theta, g, m, v, t, **kw), (new, state.exp_avg, state.exp_avg_sq))


def test_clip_by_global_norm_matches_the_library_and_torch() -> None:
    import torch

    for (grads, c), _ in _cases("clip_by_global_norm"):
        ours = _ref("clip_by_global_norm")(grads, c)
        lib = train.clip_by_global_norm({f"g{i}": g for i, g in enumerate(grads)}, c)[0]
        _close(ours, tuple(lib[f"g{i}"] for i in range(len(grads))))
        ts = [torch.tensor(g, dtype=torch.float64, requires_grad=True) for g in grads]
        for t_, g in zip(ts, grads):
            t_.grad = torch.tensor(g, dtype=torch.float64)
        torch.nn.utils.clip_grad_norm_(ts, c)
        # torch divides by (norm + 1e-6): equal to ours up to that relative 1e-6
        _close(ours, tuple(t_.grad.numpy() for t_ in ts), rtol=2e-6, atol=1e-12)


def _schedule_pairs():
    return {
        "step_decay": lambda lr0, gamma, s, e: S.StepDecay(lr0, s, gamma)(e),
        "exponential_decay": lambda lr0, r, d, k, staircase=False: S.ExponentialDecay(lr0, r, d, staircase)(k),
        "inverse_time_decay": lambda lr0, r, d, k, staircase=False: S.InverseTimeDecay(lr0, r, d, staircase)(k),
        "cosine_annealing": lambda lr0, T, k, eta_min=0.0: S.CosineAnnealing(lr0, T, eta_min)(k),
        "warmup_cosine": lambda p, W, T, k: S.warmup_cosine(p, W, T - W)(k),
        "triangular_clr": lambda b, m, s, k: S.Cyclic(b, m, step_size_up=s)(k),
        "one_cycle": lambda m, T, k, **kw: S.OneCycle(m, T, **kw)(k),
        "legacy_keras_decay": lambda lr, d, it: S.InverseTimeDecay(lr, d, 1)(it),
    }


@pytest.mark.parametrize("eid", sorted(_schedule_pairs()))
def test_schedule_exercises_match_lessons_lib_schedules(eid: str) -> None:
    lib = _schedule_pairs()[eid]
    for args, kw in _cases(eid):
        _close(float(_ref(eid)(*args, **kw)), float(lib(*args, **kw)), rtol=1e-12, atol=1e-15)


def test_plateau_decision_matches_reduce_lr_on_plateau() -> None:
    for (lr, metric, best, num_bad, patience), kw in _cases("plateau_decision"):
        sched = S.ReduceLROnPlateau(lr, patience=patience, factor=kw.get("factor", 0.1),
                                    threshold=kw.get("threshold", 1e-4))
        sched.best, sched.num_bad = best, num_bad
        new_lr = sched.step(metric)
        assert _ref("plateau_decision")(lr, metric, best, num_bad, patience, **kw) == pytest.approx(
            (new_lr, sched.best, sched.num_bad), rel=1e-15)


def test_lion_step_matches_the_library() -> None:
    from lessons_lib.optimizers import Lion

    for (theta, m, g, lr), kw in _cases("lion_step"):
        opt = Lion(lr=lr, betas=kw.get("betas", (0.9, 0.99)), weight_decay=kw.get("weight_decay", 0.0))
        new, state = opt.update(theta, g, opt.init(theta)._replace(exp_avg=m))
        _close(_ref("lion_step")(theta, m, g, lr, **kw), (new, state.exp_avg), rtol=1e-6, atol=1e-12)


def test_factored_second_moment_matches_the_library() -> None:
    from lessons_lib.optimizers.adafactor import factored_second_moment

    for (r, c), _ in _cases("factored_second_moment"):
        _close(_ref("factored_second_moment")(r, c), factored_second_moment(r[:, None], c[None, :]), rtol=1e-6)


def test_newton_schulz_and_shampoo_step_match_the_library() -> None:
    from lessons_lib.optimizers import Shampoo
    from lessons_lib.optimizers.muon import newton_schulz

    for (G,), kw in _cases("newton_schulz"):
        _close(_ref("newton_schulz")(G, **kw), newton_schulz(G, **kw), rtol=1e-5, atol=1e-6)
    for (W, G, L, R, lr), _ in _cases("shampoo_step"):
        opt = Shampoo(lr=lr)
        new, state = opt.update(W, G, opt.init(W)._replace(left=L, right=R))
        _close(_ref("shampoo_step")(W, G, L, R, lr), (new, state.left, state.right), rtol=1e-9, atol=1e-12)


def test_averaging_exercises_match_the_library() -> None:
    from lessons_lib.optimizers import EMA, ScheduleFreeSGD

    for (y, z, x, g, lr, t), kw in _cases("schedule_free_sgd_step"):
        opt = ScheduleFreeSGD(lr=lr, momentum=kw.get("beta", 0.9), weight_lr_power=0.0)
        state = opt.init(y)._replace(step=t - 1, z=z, x=x, weight_sum=float(t - 1), lr_max=lr)
        new, state = opt.update(y, g, state)
        _close(_ref("schedule_free_sgd_step")(y, z, x, g, lr, t, **kw), (new, state.z, state.x), rtol=1e-5)
    for (a, th, d, n), _ in _cases("ema_update"):
        ema = EMA(d)
        out = ema.update(ema.init(a)._replace(n_averaged=n, average=a), th)
        got = _ref("ema_update")(a, th, d, n)
        _close(got[0], out.average, rtol=1e-6)
        assert got[1] == out.n_averaged


def test_accumulate_gradients_matches_the_big_batch_gradient() -> None:
    """The reference against the definition it encodes: the mean gradient of the concatenated micro-batches."""
    from lessons_lib.problems import load_dataset
    from lessons_lib.train import MLP

    data, net = load_dataset("digits"), MLP(64, 8, 10)
    params = net.init(0)
    sizes = [10, 10, 5]
    idx = np.split(np.arange(25), np.cumsum(sizes)[:-1])
    micro = [net.loss_and_grad(params, data.X_train[i], data.y_train[i])[1]["W1"] for i in idx]
    full = net.loss_and_grad(params, data.X_train[:25], data.y_train[:25])[1]["W1"]
    _close(_ref("accumulate_gradients")(micro, sizes), full, rtol=1e-12)
def test_large_batch_exercises_match_the_library() -> None:
    from lessons_lib.optimizers import LARS
    from lessons_lib.schedules import Constant, LinearWarmup

    for (w, g), kw in _cases("lars_local_lr"):
        gamma, wd = kw.get("trust_coefficient", 1e-3), kw.get("weight_decay", 0.0)
        opt = LARS(lr=1.0, momentum=0.0, weight_decay=wd, trust_coefficient=gamma, exclude_vectors=False)
        new, _ = opt.update(w, g, opt.init(w))
        rho = _ref("lars_local_lr")(w, g, **kw)
        _close(w - rho * (g + wd * w), new, rtol=1e-6 if w.dtype == np.float32 else 1e-12, atol=1e-12)
    for (base_lr, base_batch, batch, warmup, k), _ in _cases("linear_scaled_lr"):
        peak = base_lr * batch / base_batch
        lib = float(LinearWarmup(Constant(peak), warmup, start_lr=base_lr)(k)) if warmup > 0 else peak
        assert _ref("linear_scaled_lr")(base_lr, base_batch, batch, warmup, k) == pytest.approx(lib, rel=1e-12)


def test_clipping_exercises_match_the_library() -> None:
    from lessons_lib.stability import clip_by_global_norm, clip_by_norm

    for (grads, c), _ in _cases("clip_global_norm"):
        as_dict = {f"g{i}": g for i, g in enumerate(grads)}
        lib_global, lib_each = clip_by_global_norm(as_dict, c)[0], clip_by_norm(as_dict, c)
        _close(tuple(_ref("clip_global_norm")(grads, c)), tuple(lib_global[f"g{i}"] for i in range(len(grads))),
               rtol=1e-6)
        _close(tuple(_ref("clip_each_tensor")(grads, c)), tuple(lib_each[f"g{i}"] for i in range(len(grads))),
               rtol=1e-6)


def test_tuning_exercises_match_the_library_and_optuna() -> None:
    optuna = pytest.importorskip("optuna")
    from optuna.trial import TrialState, create_trial

    from lessons_lib.tuning import median_should_prune, trials_needed

    for (q, p), _ in _cases("trials_needed"):
        n = _ref("trials_needed")(q, p)
        assert n == trials_needed(q, p) and 1 - (1 - q) ** n >= p and (n == 1 or 1 - (1 - q) ** (n - 1) < p)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for (values, completed), kw in _cases("median_prune"):
        as_dicts = [dict(enumerate(map(float, c))) for c in completed]
        expected = _ref("median_prune")(values, completed, **kw)
        assert expected == median_should_prune(values, as_dicts, **kw)
        # Optuna's own MedianPruner on a study holding the completed trials and the running one
        pruner = optuna.pruners.MedianPruner(n_startup_trials=kw.get("n_startup_trials", 5),
                                             n_warmup_steps=kw.get("n_warmup_steps", 0))
        study = optuna.create_study(pruner=pruner)
        for d in as_dicts:
            study.add_trial(create_trial(value=min(d.values()), intermediate_values=d, state=TrialState.COMPLETE))
        trial = study.ask()
        for step, v in enumerate(values):
            trial.report(float(v), step)
        assert trial.should_prune() == expected, (values, completed, kw)
def test_initialisation_exercises_match_the_library_and_torch() -> None:
    import math

    import torch

    from lessons_lib.init import effective_learning_rate, init_bound, init_std, sq_norm_history

    for (fan_in, fan_out, scheme), kw in _cases("init_scale"):
        gain, dist = kw.get("gain", 1.0), kw.get("distribution", "normal")
        lib = (init_std if dist == "normal" else init_bound)(fan_in, fan_out, scheme, gain=gain)
        assert _ref("init_scale")(fan_in, fan_out, scheme, **kw) == pytest.approx(lib, rel=1e-14)
        # and draw for draw against torch.nn.init with the same seed (a float64 tensor of shape (fan_out, fan_in))
        fill = {("xavier", "normal"): lambda w: torch.nn.init.xavier_normal_(w, gain=gain),
                ("xavier", "uniform"): lambda w: torch.nn.init.xavier_uniform_(w, gain=gain),
                ("kaiming", "normal"): lambda w: torch.nn.init.normal_(w, 0.0, gain / math.sqrt(w.shape[1])),
                ("kaiming", "uniform"): lambda w: torch.nn.init.kaiming_uniform_(
                    w, a=math.sqrt(max(0.0, 2 / gain**2 - 1)), nonlinearity="leaky_relu") if gain <= math.sqrt(2) else None}
        w = torch.empty(fan_out, fan_in, dtype=torch.float64)
        torch.manual_seed(0)
        if fill[scheme, dist](w) is None:
            continue
        torch.manual_seed(0)
        unit = torch.empty_like(w).normal_() if dist == "normal" else torch.empty_like(w).uniform_(-1, 1)
        scale = _ref("init_scale")(fan_in, fan_out, scheme, **kw)
        np.testing.assert_allclose(w.numpy(), scale * unit.numpy(), rtol=1e-10, atol=1e-15)
    for (rho0, lr, wd, G2), _ in _cases("effective_lr_history"):
        rho, eff = _ref("effective_lr_history")(rho0, lr, wd, G2)
        _close(rho, sq_norm_history(rho0, lr, wd, G2), rtol=1e-12)
        _close(eff, np.array([effective_learning_rate(lr, np.array([math.sqrt(r)])) for r in rho]), rtol=1e-12)
def test_precision_exercises_match_torch() -> None:
    import torch

    dtypes = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}
    for (x, fmt), _ in _cases("ulp"):
        dt = dtypes[fmt]
        v = torch.tensor(np.abs(np.asarray(x, dtype=np.float64))).to(dt)
        gap = torch.nextafter(v, torch.full_like(v, float("inf"))).double() - v.double()  # the gap at the rounded x
        _close(_ref("ulp")(v.double().numpy(), fmt), gap.numpy(), rtol=0)
    for (flags,), kw in _cases("loss_scale_sequence"):
        scaler = torch.amp.GradScaler("cpu", **kw)
        w = torch.nn.Parameter(torch.ones(1))
        opt = torch.optim.SGD([w], lr=0.1)
        scales, applied = [], []
        for f in flags:
            opt.zero_grad()
            scales.append(scaler.get_scale())
            scaler.scale((w * (float("inf") if f else 1.0)).sum()).backward()
            before = w.detach().clone()
            scaler.step(opt)
            scaler.update()
            applied.append(0 if torch.equal(before, w.detach()) else 1)
        _close(_ref("loss_scale_sequence")(flags, **kw), (np.array(scales), np.array(applied)), rtol=0)


def test_gd_run_matches_the_library_minimize() -> None:
    for (grad_fn, x0, lr, steps), _ in _cases("gd_run"):
        traj = train.minimize(O.SGD(lr=lr), lambda x: 0.0, grad_fn, x0, steps=steps)
        _close(_ref("gd_run")(grad_fn, x0, lr, steps), traj.xs, rtol=1e-12)


def test_debug_loops_match_the_library() -> None:
    for (grad_fn, x0, steps), kw in _cases("adam_run"):
        opt = O.Adam(lr=kw.get("lr", 1e-3), betas=(kw.get("beta1", 0.9), kw.get("beta2", 0.999)), eps=kw.get("eps", 1e-8))
        traj = train.minimize(opt, lambda x: 0.0, grad_fn, x0, steps=steps)
        _close(_ref("adam_run")(grad_fn, x0, steps, **kw), traj.xs, rtol=1e-12)
    for (lr0, gamma, step_size, epochs, batches), _ in _cases("rates_per_update"):
        lib = S.per_epoch(S.StepDecay(lr0, step_size, gamma), batches)(np.arange(epochs * batches))
        _close(_ref("rates_per_update")(lr0, gamma, step_size, epochs, batches), np.asarray(lib, dtype=float),
               rtol=1e-12)


def test_capstone_exercises_match_pytorch() -> None:
    """wsd_lr against a LambdaLR-free PyTorch composition (SequentialLR of LinearLR, ConstantLR and LinearLR);
    adam_update_rms against the updates torch.optim.Adam makes in float64."""
    torch = pytest.importorskip("torch")
    for (peak, warmup, decay, total, k), _ in _cases("wsd_lr"):
        want = _ref("wsd_lr")(peak, warmup, decay, total, k)
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=float(peak))
        phases, milestones = [], []
        if warmup > 0:
            phases.append(torch.optim.lr_scheduler.LinearLR(opt, 1 / warmup, 1.0, total_iters=max(warmup - 1, 1)))
            milestones.append(warmup)
        stable = total - decay - warmup
        if stable > 0:
            phases.append(torch.optim.lr_scheduler.ConstantLR(opt, 1.0, total_iters=stable))
            milestones.append(warmup + stable)
        phases.append(torch.optim.lr_scheduler.LinearLR(opt, 1.0, 0.0, total_iters=decay))
        sched = torch.optim.lr_scheduler.SequentialLR(opt, phases, milestones) if len(phases) > 1 else phases[0]
        assert warmup <= total - decay  # the cases never overlap warmup and decay
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(min(k, total)):
                opt.step()
                sched.step()
        got = opt.param_groups[0]["lr"] if k < total else 0.0
        np.testing.assert_allclose(want, got, rtol=1e-6, atol=1e-12, err_msg=str((peak, warmup, decay, total, k)))
    for (grads, lr), kw in _cases("adam_update_rms"):
        g = torch.tensor(np.asarray(grads, dtype=np.float64))
        p = torch.nn.Parameter(torch.zeros(g.shape[1], dtype=torch.float64))
        opt = torch.optim.Adam([p], lr=lr, betas=(kw.get("beta1", 0.9), kw.get("beta2", 0.999)),
                               eps=kw.get("eps", 1e-8))
        sizes = []
        for gt in g:
            before = p.detach().clone()
            p.grad = gt.clone()
            opt.step()
            sizes.append(float((p.detach() - before).pow(2).mean().sqrt()))
        _close(_ref("adam_update_rms")(grads, lr, **kw), np.array(sizes), rtol=1e-9, atol=1e-15)


def test_every_exercise_with_a_library_counterpart_is_cross_checked() -> None:
    """Exercises without one are the applied ones: time_to_accuracy (a list search) and allreduce_mean (a mean over
    ranks, which tests/test_distributed.py checks DDP performs)."""
    checked = {"gd_step", "numerical_gradient", "minibatches", "sgd_epoch", "momentum_step", "nesterov_step",
               "adagrad_step", "rmsprop_step", "adam_step", "adamw_step", "clip_by_global_norm",
               "plateau_decision", "lion_step", "factored_second_moment", "newton_schulz", "shampoo_step",
               "schedule_free_sgd_step", "ema_update", "accumulate_gradients", "lars_local_lr", "linear_scaled_lr",
               "clip_global_norm", "clip_each_tensor", "trials_needed", "median_prune", "init_scale", "gd_run",
               "adam_run", "rates_per_update", "effective_lr_history", "ulp", "loss_scale_sequence", "wsd_lr",
               "adam_update_rms",
               *_schedule_pairs()}
    assert set(EXERCISES) - checked == {"time_to_accuracy", "allreduce_mean"}
