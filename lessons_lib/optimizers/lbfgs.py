r"""L-BFGS: a quasi-Newton method that builds a curvature model from recent steps (``torch.optim.LBFGS``).

Unlike the other optimizers, L-BFGS evaluates the objective several times per update (a line search, or one
evaluation per inner iteration), so it cannot take one gradient and return. torch asks for a *closure* that
re-evaluates the loss and its gradient: ``optimizer.step(closure)``. The NumPy twin asks for the same thing as a
pure function: ``fun(params) -> (loss, grad)``::

    opt = LBFGS(lr=1, max_iter=20, line_search_fn="strong_wolfe")
    state = opt.init(x)
    x, state, loss = opt.step(x, fun, state)   # torch: loss = optimizer.step(closure)

One ``step`` is one call of torch's ``step(closure)``: up to ``max_iter`` inner iterations, each with one or more
evaluations of ``fun``; ``loss`` is the loss at the start (what torch returns). The state carries the curvature
pairs between calls, as torch's ``optimizer.state`` does.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional

import numpy as np

from .._checks import check_choice, check_int, check_nonneg

__all__ = ["LBFGS", "LBFGSState"]

Fun = Callable[[np.ndarray], "tuple[float, np.ndarray]"]


class LBFGSState(NamedTuple):
    func_evals: int  # evaluations of fun so far (all calls of step)
    n_iter: int  # inner iterations so far
    d: Optional[np.ndarray]  # the last search direction
    t: Optional[float]  # the last step length along d
    old_dirs: tuple  # y_i = g_{i+1} - g_i (the most recent history_size pairs)
    old_stps: tuple  # s_i = t d_i
    ro: tuple  # 1 / (y_i . s_i)
    H_diag: float  # gamma = (y . s)/(y . y) of the newest pair: the initial inverse-Hessian scale
    prev_flat_grad: Optional[np.ndarray]
    prev_loss: Optional[float]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to ``bounds`` (torch's formula)."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, lo), hi)
    return (lo + hi) / 2.0


def _strong_wolfe(obj, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    r"""A step length ``t`` along ``d`` satisfying the strong Wolfe conditions
    :math:`f(x+td) \le f + c_1 t\, g^\top d` and :math:`|\nabla f(x+td)^\top d| \le c_2 |g^\top d|`:
    bracketing by cubic extrapolation, then zoom by cubic interpolation (Nocedal & Wright, Alg. 3.5/3.6, as torch
    implements it). Returns ``(f_new, g_new, t, evaluations)``."""
    d_norm = np.max(np.abs(d))
    f_new, g_new = obj(t)
    evals, gtd_new = 1, g_new @ d
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done, ls_iter = False, 0
    while ls_iter < max_ls:  # 1. bracket a step that satisfies the conditions
        if f_new > f + c1 * t * gtd or (ls_iter > 1 and f_new >= f_prev):
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bf, bg, bgtd = [t], [f_new], [g_new], [gtd_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bf, bg, bgtd = [t_prev, t], [f_prev, f_new], [g_prev, g_new], [gtd_prev, gtd_new]
            break
        lo, hi = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, _cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(lo, hi))
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = obj(t)
        evals, gtd_new = evals + 1, g_new @ d
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bf, bg, bgtd = [0.0, t], [f, f_new], [g, g_new], [gtd, gtd_new]
    insuf_progress = False
    low, high = (0, 1) if bf[0] <= bf[-1] else (1, 0)
    while not done and ls_iter < max_ls:  # 2. zoom: shrink the bracket
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(bracket[0], bf[0], bgtd[0], bracket[1], bf[1], bgtd[1])
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:  # too close to an end: move away from it
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                t = max(bracket) - eps if abs(t - max(bracket)) < abs(t - min(bracket)) else min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj(t)
        evals, gtd_new = evals + 1, g_new @ d
        ls_iter += 1
        if f_new > f + c1 * t * gtd or f_new >= bf[low]:
            bracket[high], bf[high], bg[high], bgtd[high] = t, f_new, g_new, gtd_new
            low, high = (0, 1) if bf[0] <= bf[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bf[high], bg[high], bgtd[high] = bracket[low], bf[low], bg[low], bgtd[low]
            bracket[low], bf[low], bg[low], bgtd[low] = t, f_new, g_new, gtd_new
    return bf[low], bg[low], bracket[low], evals


class LBFGS:
    r"""Limited-memory BFGS (Nocedal, 1980; Liu & Nocedal, 1989), as ``torch.optim.LBFGS``.

    Each inner iteration :math:`j` of a :meth:`step`:

    1. direction: :math:`d = -g` on the very first iteration; otherwise store the newest pair
       :math:`s = t\,d_{\text{prev}},\ y = g - g_{\text{prev}}` if :math:`y^\top s > 10^{-10}` (dropping the oldest
       beyond ``history_size``), set :math:`\gamma = y^\top s / y^\top y`, and compute :math:`d = -H g` by the
       two-loop recursion with :math:`H_0 = \gamma I`;
    2. step length: :math:`t = \min(1, 1/\lVert g\rVert_1)\,\eta` on the very first iteration, else :math:`t = \eta`;
       with ``line_search_fn="strong_wolfe"`` a strong-Wolfe line search starting from that :math:`t`;
    3. :math:`\theta \leftarrow \theta + t\,d`, then re-evaluate :math:`f, g` (the line search already has them).

    It stops after ``max_iter`` iterations or ``max_eval`` evaluations, or when
    :math:`\max|g| \le` ``tolerance_grad``, :math:`g^\top d > -` ``tolerance_change``,
    :math:`\max|t d| \le` ``tolerance_change`` or :math:`|f - f_{\text{prev}}| <` ``tolerance_change``.

    torch flattens all parameters into one vector; here ``params`` is one array (of any shape, flattened the
    same way). ``fun(params) -> (loss, grad)`` is torch's closure. Keras 3 has no L-BFGS.
    """

    def __init__(self, lr: float = 1.0, max_iter: int = 20, max_eval: int | None = None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        self.lr = check_nonneg("lr", lr)
        self.max_iter = check_int("max_iter", max_iter, minimum=1)
        self.max_eval = self.max_iter * 5 // 4 if max_eval is None else check_int("max_eval", max_eval, minimum=1)
        self.tolerance_grad = check_nonneg("tolerance_grad", tolerance_grad)
        self.tolerance_change = check_nonneg("tolerance_change", tolerance_change)
        self.history_size = check_int("history_size", history_size, minimum=1)
        if line_search_fn is not None:
            check_choice("line_search_fn", line_search_fn, ("strong_wolfe",))
        self.line_search_fn = line_search_fn

    def init(self, params: Any) -> LBFGSState:
        """The empty state (no curvature pairs yet)."""
        if not isinstance(params, np.ndarray) or params.dtype.kind != "f":
            raise TypeError("params must be a floating-point ndarray (L-BFGS works on one flat vector), "
                            f"got {params!r}")
        return LBFGSState(0, 0, None, None, (), (), (), 1.0, None, None)

    def step(self, params: np.ndarray, fun: Fun, state: LBFGSState) -> tuple[np.ndarray, LBFGSState, float]:
        """One call of torch's ``step(closure)``: returns ``(new_params, new_state, loss_at_start)``."""
        if not isinstance(state, LBFGSState):
            raise TypeError(f"state must be the LBFGSState returned by init() or step(), got {type(state).__name__}")
        shape, dtype = params.shape, params.dtype
        x = np.array(params, dtype=dtype).ravel()

        def evaluate(at: np.ndarray) -> tuple[float, np.ndarray]:
            f, g = fun(at.reshape(shape))
            g = np.asarray(g, dtype=dtype).ravel()
            if g.shape != x.shape or not np.all(np.isfinite(g)):
                raise ValueError(f"fun must return a finite gradient of shape {shape}, got {np.shape(g)}")
            return float(f), g

        func_evals, n_iter = state.func_evals, state.n_iter
        d, t, H_diag = state.d, state.t, state.H_diag
        old_dirs, old_stps, ro = list(state.old_dirs), list(state.old_stps), list(state.ro)
        prev_flat_grad, prev_loss = state.prev_flat_grad, state.prev_loss

        orig_loss, flat_grad = evaluate(x)
        loss, current_evals = orig_loss, 1
        func_evals += 1
        if np.max(np.abs(flat_grad)) <= self.tolerance_grad:
            return x.reshape(shape), state._replace(func_evals=func_evals), orig_loss

        j = 0
        while j < self.max_iter:
            j += 1
            n_iter += 1
            if n_iter == 1:  # 1. the direction
                d, old_dirs, old_stps, ro, H_diag = -flat_grad, [], [], [], 1.0
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y @ s
                if ys > 1e-10:
                    if len(old_dirs) == self.history_size:
                        old_dirs.pop(0), old_stps.pop(0), ro.pop(0)
                    old_dirs.append(y), old_stps.append(s), ro.append(1.0 / ys)
                    H_diag = ys / (y @ y)
                al = [0.0] * len(old_dirs)
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    al[i] = (old_stps[i] @ q) * ro[i]
                    q = q - al[i] * old_dirs[i]
                d = q * H_diag
                for i in range(len(old_dirs)):
                    be_i = (old_dirs[i] @ d) * ro[i]
                    d = d + (al[i] - be_i) * old_stps[i]
            prev_flat_grad, prev_loss = flat_grad.copy(), loss
            # 2. the step length
            t = min(1.0, 1.0 / np.sum(np.abs(flat_grad))) * self.lr if n_iter == 1 else self.lr
            gtd = flat_grad @ d
            if gtd > -self.tolerance_change:
                break
            ls_evals = 0
            if self.line_search_fn == "strong_wolfe":
                x0 = x
                loss, flat_grad, t, ls_evals = _strong_wolfe(lambda tt: evaluate(x0 + tt * d), t, d, loss,
                                                             flat_grad, gtd, max_ls=self.max_eval - current_evals)
                x = x0 + t * d
                opt_cond = np.max(np.abs(flat_grad)) <= self.tolerance_grad
            else:  # 3. the move, then a fresh evaluation unless this was the last iteration
                x = x + t * d
                opt_cond = False
                if j != self.max_iter:
                    loss, flat_grad = evaluate(x)
                    opt_cond = np.max(np.abs(flat_grad)) <= self.tolerance_grad
                    ls_evals = 1
            current_evals += ls_evals
            func_evals += ls_evals
            if (j == self.max_iter or current_evals >= self.max_eval or opt_cond
                    or np.max(np.abs(d * t)) <= self.tolerance_change or abs(loss - prev_loss) < self.tolerance_change):
                break
        new = LBFGSState(func_evals, n_iter, d, t, tuple(old_dirs), tuple(old_stps), tuple(ro), H_diag,
                         prev_flat_grad, prev_loss)
        return x.reshape(shape), new, orig_loss

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"LBFGS({fields})"
