"""The exact PyTorch and Keras 3 equivalents of :mod:`lessons_lib.optimizers`, and runs in all three.

``torch_optimizer(opt, params)`` and ``keras_optimizer(opt)`` build the framework optimizer that computes what
``opt`` computes, or raise :class:`~lessons_lib.schedules._base.NoEquivalentError` saying which switch has no
counterpart. ``run_numpy``/``run_torch``/``run_keras`` apply the same gradients in each framework (float64) and
return the trajectories, which is what the book's "the three frameworks agree" cells compare;
``run_lbfgs_numpy``/``run_lbfgs_torch`` do the same for L-BFGS, which takes ``fun(params) -> (loss, grad)``
(torch's closure) instead of one gradient per update. ``run_torch`` hands ``SparseAdam`` sparse gradients.

One trap when comparing with Keras on the TensorFlow backend: Keras casts Python-float hyperparameters such as
``momentum``, ``beta_1``, ``beta_2`` and ``epsilon`` with ``ops.cast(x, variable.dtype)``, and TensorFlow first
turns a Python float into a float32 tensor. So even with float64 variables, ``momentum=0.9`` is applied as
0.89999997615814..., a relative error of about 3e-8. Hyperparameters that are exact in float32 (0.875, 0.5,
2**-7, ...) avoid it; :func:`keras_rounded` shows what Keras will actually use.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .._lazy import import_keras, import_torch
from ..optimizers import (
    ASGD,
    LARS,
    LBFGS,
    SGD,
    Adadelta,
    Adafactor,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Ftrl,
    Lamb,
    Lion,
    Muon,
    NAdam,
    Optimizer,
    RAdam,
    RMSprop,
    Rprop,
    ScheduleFreeAdamW,
    ScheduleFreeSGD,
    Shampoo,
    SparseAdam,
)
from ..schedules._base import NoEquivalentError

__all__ = ["torch_optimizer", "keras_optimizer", "reference_optimizer", "run_numpy", "run_torch", "run_keras",
           "keras_rounded", "run_lbfgs_numpy", "run_lbfgs_torch", "NoEquivalentError"]

GradFn = Callable[[np.ndarray, int], np.ndarray]


def _lr0(opt: Any) -> float:
    return opt.learning_rate(0) if isinstance(opt, Optimizer) else float(opt.lr)


def _no(reason: str) -> NoEquivalentError:
    return NoEquivalentError(reason)


def torch_optimizer(opt: Optimizer, params: Any) -> Any:
    """The ``torch.optim`` optimizer with the same hyperparameters as ``opt`` over ``params`` (torch tensors).

    If ``opt.lr`` is a schedule, the torch optimizer starts at its value for ``k = 0``; attach
    ``opt.lr.torch_scheduler(optimizer)`` and step it once per update, after ``optimizer.step()``.
    """
    torch = import_torch()
    lr = _lr0(opt)
    wd_dec = getattr(opt, "decoupled_weight_decay", False) and getattr(opt, "weight_decay", 0) > 0
    if isinstance(opt, SGD):
        if opt.lr_in_velocity and opt.momentum > 0:  # without momentum the two forms are the same algorithm
            raise _no("SGD(lr_in_velocity=True) is Keras's velocity form; torch.optim.SGD keeps the learning rate "
                      "outside the buffer (the two differ whenever the learning rate changes). Use SGD(...) "
                      "without lr_in_velocity for torch.")
        if wd_dec:
            raise _no("torch.optim.SGD has only L2 weight decay (added to the gradient); "
                      "decoupled_weight_decay=True is Keras's form.")
        return torch.optim.SGD(params, lr=lr, momentum=opt.momentum, dampening=opt.dampening,
                               weight_decay=opt.weight_decay, nesterov=opt.nesterov, maximize=opt.maximize)
    if isinstance(opt, Adagrad):
        if opt.eps_inside_sqrt:
            raise _no("torch.optim.Adagrad adds eps outside the square root; eps_inside_sqrt=True is Keras/optax.")
        if wd_dec:
            raise _no("torch.optim.Adagrad has only L2 weight decay; decoupled_weight_decay=True is Keras's form.")
        return torch.optim.Adagrad(params, lr=lr, lr_decay=opt.lr_decay, weight_decay=opt.weight_decay,
                                   initial_accumulator_value=opt.initial_accumulator_value, eps=opt.eps)
    if isinstance(opt, RMSprop):
        if opt.eps_inside_sqrt or (opt.lr_in_momentum and opt.momentum > 0):
            raise _no("torch.optim.RMSprop adds eps outside the root and keeps lr outside the momentum buffer; "
                      "eps_inside_sqrt / lr_in_momentum are Keras's form.")
        if wd_dec:
            raise _no("torch.optim.RMSprop has only L2 weight decay; decoupled_weight_decay=True is Keras's form.")
        return torch.optim.RMSprop(params, lr=lr, alpha=opt.alpha, eps=opt.eps, weight_decay=opt.weight_decay,
                                   momentum=opt.momentum, centered=opt.centered)
    if isinstance(opt, Adadelta):
        if wd_dec:
            raise _no("torch.optim.Adadelta has only L2 weight decay; decoupled_weight_decay=True is Keras's form.")
        return torch.optim.Adadelta(params, lr=lr, rho=opt.rho, eps=opt.eps, weight_decay=opt.weight_decay)
    if isinstance(opt, Adam):  # includes AdamW
        if opt.eps_hat:
            raise _no("torch.optim.Adam adds eps to sqrt(v_hat); eps_hat=True is Keras's epsilon-hat form "
                      "(equivalent to a time-varying torch eps = eps_hat / sqrt(1 - beta2**t)).")
        cls = torch.optim.AdamW if isinstance(opt, AdamW) else torch.optim.Adam
        kwargs = dict(lr=lr, betas=opt.betas, eps=opt.eps, weight_decay=opt.weight_decay, amsgrad=opt.amsgrad)
        if cls is torch.optim.Adam:
            kwargs["decoupled_weight_decay"] = opt.decoupled_weight_decay
        return cls(params, **kwargs)
    if isinstance(opt, NAdam):
        return torch.optim.NAdam(params, lr=lr, betas=opt.betas, eps=opt.eps, weight_decay=opt.weight_decay,
                                 momentum_decay=opt.momentum_decay, decoupled_weight_decay=opt.decoupled_weight_decay)
    if isinstance(opt, RAdam):
        return torch.optim.RAdam(params, lr=lr, betas=opt.betas, eps=opt.eps, weight_decay=opt.weight_decay,
                                 decoupled_weight_decay=opt.decoupled_weight_decay)
    if isinstance(opt, ASGD):
        return torch.optim.ASGD(params, lr=lr, lambd=opt.lambd, alpha=opt.alpha, t0=opt.t0,
                                weight_decay=opt.weight_decay, maximize=opt.maximize)
    if isinstance(opt, Rprop):
        return torch.optim.Rprop(params, lr=lr, etas=opt.etas, step_sizes=opt.step_sizes, maximize=opt.maximize)
    if isinstance(opt, SparseAdam):  # give it sparse gradients: run_torch does (grad.to_sparse())
        return torch.optim.SparseAdam(params, lr=lr, betas=opt.betas, eps=opt.eps, maximize=opt.maximize)
    if isinstance(opt, LBFGS):  # step it with a closure: see run_lbfgs_torch
        return torch.optim.LBFGS(params, lr=opt.lr, max_iter=opt.max_iter, max_eval=opt.max_eval,
                                 tolerance_grad=opt.tolerance_grad, tolerance_change=opt.tolerance_change,
                                 history_size=opt.history_size, line_search_fn=opt.line_search_fn)
    if isinstance(opt, Adamax):
        if not opt.eps_in_max or opt.decoupled_weight_decay:
            raise _no("torch.optim.Adamax takes max(beta2 * u, |g| + eps) and L2 weight decay; eps_in_max=False "
                      "and decoupled_weight_decay=True are Keras's form.")
        return torch.optim.Adamax(params, lr=lr, betas=opt.betas, eps=opt.eps, weight_decay=opt.weight_decay,
                                  maximize=opt.maximize)
    if isinstance(opt, Adafactor):
        if opt.keras_form:
            raise _no("torch.optim.Adafactor clamps the second-moment estimate at eps1**2 instead of adding eps1 "
                      "to g**2, and decays after computing the relative step; keras_form=True is Keras's variant.")
        return torch.optim.Adafactor(params, lr=lr, beta2_decay=opt.beta2_decay, eps=opt.eps, d=opt.d,
                                     weight_decay=opt.weight_decay, maximize=opt.maximize)
    if isinstance(opt, Muon):
        if opt.keras is not None:
            raise _no("Muon.from_keras is keras.optimizers.Muon (AdamW for non-matrix weights, Moonlight's "
                      "rms_rate scale, momentum without the (1 - mu) factor); use Muon(...) for torch.optim.Muon.")
        return torch.optim.Muon(params, lr=lr, weight_decay=opt.weight_decay, momentum=opt.momentum,
                                nesterov=opt.nesterov, ns_coefficients=opt.ns_coefficients, eps=opt.eps,
                                ns_steps=opt.ns_steps, adjust_lr_fn=opt.adjust_lr_fn)
    if isinstance(opt, (Lion, Lamb, LARS, Shampoo, ScheduleFreeSGD, ScheduleFreeAdamW)):
        raise _no(f"torch.optim has no {type(opt).__name__}; reference_optimizer(opt, params) builds the "
                  "implementation of a well-kept package (lion-pytorch, pytorch-optimizer, schedulefree).")
    if isinstance(opt, Ftrl):
        raise _no("torch.optim has no FTRL-Proximal optimizer (Keras's Ftrl); the nearest is torch.optim.Adagrad, "
                  "which has the same n_t = n_{t-1} + g^2 accumulator but no L1 closed form.")
    raise TypeError(f"opt must be a lessons_lib optimizer, got {type(opt).__name__}")


def _keras_lr(opt: Optimizer) -> Any:
    if callable(opt.lr):
        if hasattr(opt.lr, "keras_schedule"):
            return opt.lr.keras_schedule()
        raise _no("a plain callable lr has no Keras schedule; use a lessons_lib.schedules schedule")
    return float(opt.lr)


def keras_optimizer(opt: Optimizer) -> Any:
    """The ``keras.optimizers`` optimizer that computes what ``opt`` computes (``opt`` must be in Keras form).

    Build ``opt`` with ``Opt.from_keras(...)``; a torch-form optimizer raises :class:`NoEquivalentError`
    naming the switch that differs.
    """
    keras = import_keras()
    if isinstance(opt, ASGD):
        raise _no("Keras 3 has no ASGD; the nearest is keras.optimizers.SGD with use_ema=True, which averages "
                  "with a fixed exponential weight instead of ASGD's 1/(t - t0).")
    wd = getattr(opt, "weight_decay", 0.0)
    if wd > 0 and not getattr(opt, "decoupled_weight_decay", True):  # Lion, Muon, Adafactor: decoupled by design
        raise _no("Keras's weight_decay is always decoupled (theta -= lr * wd * theta); L2 weight decay added to "
                  "the gradient has no Keras optimizer argument. Use decoupled_weight_decay=True or from_keras().")
    kw: dict[str, Any] = {"learning_rate": _keras_lr(opt), "weight_decay": wd or None}
    if isinstance(opt, SGD):
        if opt.momentum > 0 and not opt.lr_in_velocity:
            raise _no("keras.optimizers.SGD keeps the learning rate inside the velocity; use lr_in_velocity=True "
                      "(SGD.from_keras). The two agree only while the learning rate is constant.")
        if opt.maximize:  # (dampening needs momentum, and lr_in_velocity=True already excludes it)
            raise _no("keras.optimizers.SGD has no maximize; negate the loss instead.")
        return keras.optimizers.SGD(momentum=opt.momentum, nesterov=opt.nesterov, **kw)
    if isinstance(opt, Adagrad):
        if not opt.eps_inside_sqrt or opt.lr_decay != 0:
            raise _no("keras.optimizers.Adagrad puts epsilon inside the root and has no lr_decay; "
                      "use Adagrad.from_keras (and a schedule for decay).")
        return keras.optimizers.Adagrad(initial_accumulator_value=opt.initial_accumulator_value,
                                        epsilon=opt.eps, **kw)
    if isinstance(opt, RMSprop):
        if not opt.eps_inside_sqrt or (opt.momentum > 0 and not opt.lr_in_momentum):
            raise _no("keras.optimizers.RMSprop puts epsilon inside the root and the learning rate inside the "
                      "momentum buffer; use RMSprop.from_keras.")
        return keras.optimizers.RMSprop(rho=opt.alpha, momentum=opt.momentum, epsilon=opt.eps,
                                        centered=opt.centered, **kw)
    if isinstance(opt, Adadelta):
        return keras.optimizers.Adadelta(rho=opt.rho, epsilon=opt.eps, **kw)
    if isinstance(opt, Adam):
        if not opt.eps_hat:
            raise _no("keras.optimizers.Adam adds epsilon-hat to sqrt(v) (not eps to sqrt(v_hat)); "
                      "use Adam.from_keras or eps_hat=True.")
        args = dict(beta_1=opt.betas[0], beta_2=opt.betas[1], epsilon=opt.eps, amsgrad=opt.amsgrad)
        if isinstance(opt, AdamW):
            kw["weight_decay"] = wd
            return keras.optimizers.AdamW(**args, **kw)
        return keras.optimizers.Adam(**args, **kw)
    if isinstance(opt, NAdam):
        if opt.momentum_decay != 1.0:
            raise _no("keras.optimizers.Nadam uses the momentum schedule 0.96**t, i.e. momentum_decay=1.0 "
                      f"(torch's default is 0.004); got momentum_decay={opt.momentum_decay}. Use NAdam.from_keras.")
        return keras.optimizers.Nadam(beta_1=opt.betas[0], beta_2=opt.betas[1], epsilon=opt.eps, **kw)
    if isinstance(opt, RAdam):
        raise _no("Keras 3 has no RAdam; the nearest is keras.optimizers.Adam with a learning-rate warmup.")
    if isinstance(opt, Ftrl):
        return keras.optimizers.Ftrl(
            learning_rate_power=opt.learning_rate_power, initial_accumulator_value=opt.initial_accumulator_value,
            l1_regularization_strength=opt.l1_regularization_strength,
            l2_regularization_strength=opt.l2_regularization_strength,
            l2_shrinkage_regularization_strength=opt.l2_shrinkage_regularization_strength, beta=opt.beta, **kw)
    if isinstance(opt, Adamax):
        if opt.eps_in_max or opt.maximize:
            raise _no("keras.optimizers.Adamax divides by max(beta2 * u, |g|) + epsilon and has no maximize; "
                      "use Adamax.from_keras (eps_in_max=False).")
        return keras.optimizers.Adamax(beta_1=opt.betas[0], beta_2=opt.betas[1], epsilon=opt.eps, **kw)
    if isinstance(opt, Lion):
        if opt.maximize:
            raise _no("keras.optimizers.Lion has no maximize; negate the loss instead.")
        return keras.optimizers.Lion(beta_1=opt.betas[0], beta_2=opt.betas[1], **kw)
    if isinstance(opt, Adafactor):
        if not opt.keras_form or opt.eps[0] is None or opt.maximize:
            raise _no("keras.optimizers.Adafactor adds epsilon_1 to g**2 and decays before the relative step; "
                      "use Adafactor.from_keras (keras_form=True with a number for eps1).")
        return keras.optimizers.Adafactor(beta_2_decay=opt.beta2_decay, epsilon_1=opt.eps[0], epsilon_2=opt.eps[1],
                                          clip_threshold=opt.d, **kw)
    if isinstance(opt, Lamb):
        if opt.bias_correction != "moments" or opt.trust_eps != 0 or opt.max_weight_norm is not None:
            raise _no("keras.optimizers.Lamb bias-corrects both moments, divides by ||r|| exactly and does not clip "
                      "||w||; use Lamb.from_keras.")
        return keras.optimizers.Lamb(beta_1=opt.betas[0], beta_2=opt.betas[1], epsilon=opt.eps, **kw)
    if isinstance(opt, Muon):
        k = opt.keras
        if k is None:
            raise _no("keras.optimizers.Muon differs from torch.optim.Muon (momentum without (1 - mu), Moonlight's "
                      "0.2 sqrt(max(A, B)) scale, AdamW for non-matrix weights); use Muon.from_keras.")
        kw["weight_decay"] = opt.weight_decay
        a, b, c = opt.ns_coefficients
        return keras.optimizers.Muon(adam_beta_1=k["betas"][0], adam_beta_2=k["betas"][1],
                                     adam_weight_decay=k["adam_weight_decay"], epsilon=k["epsilon"],
                                     exclude_layers=list(k["exclude_layers"]),
                                     exclude_embeddings=k["exclude_embeddings"], muon_a=a, muon_b=b, muon_c=c,
                                     adam_lr_ratio=k["adam_lr_ratio"], momentum=opt.momentum,
                                     ns_steps=opt.ns_steps, nesterov=opt.nesterov, rms_rate=k["rms_rate"], **kw)
    if isinstance(opt, ScheduleFreeAdamW):
        if not opt.keras_form:
            raise _no("keras.optimizers.ScheduleFreeAdamW averages with c_t = 1/t and decays y itself; "
                      "use ScheduleFreeAdamW.from_keras.")
        return keras.optimizers.ScheduleFreeAdamW(beta_1=opt.betas[0], beta_2=opt.betas[1], epsilon=opt.eps,
                                                  warmup_steps=opt.warmup_steps, **kw)
    if isinstance(opt, (LARS, Shampoo, ScheduleFreeSGD)):
        raise _no(f"Keras 3 has no {type(opt).__name__}.")
    if isinstance(opt, Rprop):
        raise _no("Keras 3 has no Rprop (sign-based steps with adaptive per-coordinate sizes); "
                  "the nearest sign-based optimizer is keras.optimizers.Lion.")
    if isinstance(opt, SparseAdam):
        raise _no("Keras 3 has no SparseAdam: keras.optimizers.Adam applied to sparse (IndexedSlices) gradients "
                  "still decays the moments of every row, i.e. dense Adam semantics.")
    if isinstance(opt, LBFGS):
        raise _no("Keras 3 has no L-BFGS (keras.optimizers are one-gradient-per-update; L-BFGS needs a closure). "
                  "The nearest is scipy.optimize.minimize(method='L-BFGS-B') on the flattened weights.")
    raise TypeError(f"opt must be a lessons_lib optimizer, got {type(opt).__name__}")


def reference_optimizer(opt: Optimizer, params: Any) -> Any:
    """The implementation of ``opt`` in a well-kept PyTorch package, where ``torch.optim`` has none.

    ``Lion``: ``lion_pytorch.Lion``; ``Lamb`` (with ``bias_correction="step", trust_eps=eps,
    max_weight_norm=10``), ``LARS`` and ``Shampoo``: ``pytorch_optimizer``; ``ScheduleFreeSGD`` and
    ``ScheduleFreeAdamW``: ``schedulefree``'s reference implementations (call ``.train()`` before stepping).
    These packages are installed for the tests (``pip install -e ".[test]"``).
    """
    lr = _lr0(opt)
    if isinstance(opt, Lion):
        from lion_pytorch import Lion as TorchLion

        if opt.maximize:
            raise _no("lion_pytorch.Lion has no maximize")
        return TorchLion(params, lr=lr, betas=opt.betas, weight_decay=opt.weight_decay)
    if isinstance(opt, Lamb):
        import pytorch_optimizer

        if opt.bias_correction != "step" or opt.max_weight_norm != 10.0 or opt.trust_eps != opt.eps:
            raise _no("pytorch_optimizer.Lamb divides the step (not the moments) by 1 - beta1**t, clips ||w|| at 10 "
                      "and divides by ||r|| + eps: Lamb(bias_correction='step', trust_eps=eps, max_weight_norm=10.0)")
        return pytorch_optimizer.Lamb(params, lr=lr, betas=opt.betas, eps=opt.eps, weight_decay=opt.weight_decay,
                                      weight_decouple=opt.decoupled_weight_decay, max_grad_norm=0.0, foreach=False)
    if isinstance(opt, LARS):
        import pytorch_optimizer

        if not opt.exclude_vectors:
            raise _no("pytorch_optimizer.LARS leaves vectors unscaled (exclude_vectors=True)")
        return pytorch_optimizer.LARS(params, lr=lr, weight_decay=opt.weight_decay, momentum=opt.momentum,
                                      dampening=opt.dampening, trust_coefficient=opt.trust_coefficient,
                                      nesterov=opt.nesterov, foreach=False)
    if isinstance(opt, Shampoo):
        import pytorch_optimizer

        return pytorch_optimizer.Shampoo(params, lr=lr, momentum=0.0, matrix_eps=opt.eps)
    if isinstance(opt, ScheduleFreeSGD):
        from schedulefree import SGDScheduleFreeReference

        ref = SGDScheduleFreeReference(params, lr=lr, momentum=opt.momentum, weight_decay=opt.weight_decay,
                                       warmup_steps=opt.warmup_steps, r=opt.r, weight_lr_power=opt.weight_lr_power)
        _quiet(ref.train)
        return ref
    if isinstance(opt, ScheduleFreeAdamW):
        from schedulefree import AdamWScheduleFreeReference

        if opt.keras_form:
            raise _no("schedulefree's AdamW is the paper's form; keras_form=True is keras.optimizers.ScheduleFreeAdamW")
        ref = AdamWScheduleFreeReference(params, lr=lr, betas=opt.betas, eps=opt.eps, weight_decay=opt.weight_decay,
                                         warmup_steps=opt.warmup_steps, r=opt.r, weight_lr_power=opt.weight_lr_power)
        _quiet(ref.train)
        return ref
    return torch_optimizer(opt, params)


def _quiet(fn: Callable[[], Any]) -> Any:
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):  # the reference implementations print "Switching to train mode"
        return fn()


def keras_rounded(x: float) -> float:
    """The value Keras (TensorFlow backend) actually uses for a Python-float hyperparameter: ``float(float32(x))``."""
    return float(np.float32(x))


def run_numpy(opt: Optimizer, params0: np.ndarray, grad_fn: GradFn, steps: int) -> np.ndarray:
    """Trajectory ``(steps + 1, *shape)`` of ``opt`` from ``params0`` with gradients ``grad_fn(params, t)``."""
    p = np.array(params0, dtype=np.float64)
    state = opt.init(p)
    out = [p]
    for t in range(1, steps + 1):
        p, state = opt.update(p, grad_fn(p, t), state)
        out.append(p)
    return np.array(out)


def run_torch(opt: Optimizer, params0: np.ndarray, grad_fn: GradFn, steps: int,
              build: Callable[[Optimizer, Any], Any] = torch_optimizer) -> np.ndarray:
    """The same run with the torch equivalent (float64), its scheduler stepped after each ``optimizer.step()``.

    ``build=reference_optimizer`` runs a third-party package's implementation instead of ``torch.optim``'s.
    """
    torch = import_torch()
    # torch keeps scalar state (step counts, NAdam's mu_product) in the default dtype: float64 here, so that
    # 0.96 ** (step * momentum_decay) is not computed in float32.
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        x = torch.tensor(np.array(params0, dtype=np.float64), requires_grad=True)
        topt = build(opt, [x])
        sched = opt.lr.torch_scheduler(topt) if callable(opt.lr) and hasattr(opt.lr, "torch_scheduler") else None
        if callable(opt.lr) and sched is None:
            lr0 = _lr0(opt)
            sched = torch.optim.lr_scheduler.LambdaLR(topt, lambda k: opt.learning_rate(k) / lr0)
        out = [x.detach().numpy().copy()]
        for t in range(1, steps + 1):
            x.grad = torch.from_numpy(np.asarray(grad_fn(x.detach().numpy().copy(), t), dtype=np.float64))
            if isinstance(opt, SparseAdam):
                x.grad = x.grad.to_sparse()  # only the nonzero entries are stored
            topt.step()
            if sched is not None:
                sched.step()
            out.append(x.detach().numpy().copy())
    finally:
        torch.set_default_dtype(default)
    return np.array(out)


def run_keras(opt: Optimizer, params0: np.ndarray, grad_fn: GradFn, steps: int) -> np.ndarray:
    """The same run with the Keras equivalent on float64 variables.

    On the TensorFlow backend a run of 50 or more updates wraps the update in one ``tf.function`` (traced once,
    then about five times faster than eager calls; the numbers are identical).
    """
    keras = import_keras()
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")  # so the optimizer's learning-rate variable is float64 too
    try:
        kopt = keras_optimizer(opt)
        x = keras.Variable(np.array(params0, dtype=np.float64), dtype="float64")
        kopt.build([x])

        def apply(g: Any) -> None:
            kopt.apply_gradients([(g, x)])

        if keras.backend.backend() == "tensorflow" and steps >= 50:  # tracing costs about 50 eager updates
            import tensorflow as tf

            apply = tf.function(apply)
        out = [np.array(x.numpy())]
        for t in range(1, steps + 1):
            g = keras.ops.convert_to_tensor(np.asarray(grad_fn(np.array(x.numpy()), t), dtype=np.float64))
            apply(g)
            out.append(np.array(x.numpy()))
    finally:
        keras.config.set_floatx(floatx)
    return np.array(out)


LossGradFn = Callable[[np.ndarray], "tuple[float, np.ndarray]"]


def run_lbfgs_numpy(opt: LBFGS, params0: np.ndarray, fun: LossGradFn, steps: int) -> np.ndarray:
    """Parameters after each of ``steps`` calls of ``opt.step`` (each one torch ``step(closure)``)."""
    x = np.array(params0, dtype=np.float64)
    state = opt.init(x)
    out = [x]
    for _ in range(steps):
        x, state, _ = opt.step(x, fun, state)
        out.append(x)
    return np.array(out)


def run_lbfgs_torch(opt: LBFGS, params0: np.ndarray, fun: LossGradFn, steps: int) -> np.ndarray:
    """The same with ``torch.optim.LBFGS``: the closure sets ``x.grad`` from ``fun`` and returns the loss."""
    torch = import_torch()
    x = torch.tensor(np.array(params0, dtype=np.float64), requires_grad=True)
    topt = torch_optimizer(opt, [x])

    def closure() -> Any:
        f, g = fun(x.detach().numpy().copy())
        x.grad = torch.from_numpy(np.asarray(g, dtype=np.float64).copy())
        return torch.tensor(float(f), dtype=torch.float64)

    out = [x.detach().numpy().copy()]
    for _ in range(steps):
        topt.step(closure)
        out.append(x.detach().numpy().copy())
    return np.array(out)
