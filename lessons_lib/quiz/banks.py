"""Question banks, one per chapter id. Numeric answers are computed here from lessons_lib, never typed."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from ..problems import quadratic

Question = dict[str, Any]


def _mc(qid: str, question: str, *options: tuple[str, bool, str]) -> Question:
    """A multiple-choice question. The options are stored in an order drawn from the question's id (stable across
    runs and machines), so the correct one is not always where the author wrote it."""
    order = np.random.default_rng(zlib.crc32(qid.encode())).permutation(len(options))
    return {"id": qid, "type": "multiple_choice", "question": question,
            "answers": [{"answer": a, "correct": c, "feedback": f} for a, c, f in (options[i] for i in order)]}


def _num(qid: str, question: str, answer: float, tolerance: float, right: str, wrong: str) -> Question:
    return {"id": qid, "type": "numeric", "question": question, "answer": float(answer),
            "tolerance": float(tolerance), "feedback_correct": right, "feedback_wrong": wrong}


def _gradient_descent() -> list[Question]:
    q = quadratic(L=8.0, mu=2.0)
    return [
        _num("gd-limit", "Gradient descent runs on a quadratic whose Hessian has eigenvalues 8 and 2. "
             "Above which learning rate does it diverge? (2 decimals)", 2 / q.L, 0.005,
             "Right: 2/L with L = 8, the largest curvature.",
             "The limit is 2/L, set by the largest eigenvalue (the steepest direction), not the smallest."),
        _num("gd-best", "For the same quadratic (eigenvalues 8 and 2), what is the best fixed learning rate "
             "2/(mu+L)? (2 decimals)", 2 / (q.L + q.mu), 0.005, "Right: 2/(2+8) = 0.2.",
             "Balance |1 - eta*mu| = |1 - eta*L|: eta = 2/(mu + L)."),
        _num("gd-rate", "At that best step, by what factor does the distance to the minimum shrink per step, "
             "at worst? (2 decimals)", (q.kappa - 1) / (q.kappa + 1), 0.005,
             "Right: (kappa-1)/(kappa+1) = 3/5.",
             "Use (kappa - 1)/(kappa + 1) with kappa = L/mu = 4."),
        _mc("gd-kappa", "Doubling the condition number kappa of a quadratic (at the best fixed step) makes "
            "gradient descent need roughly...",
            ("the same number of steps", False, "The rate (kappa-1)/(kappa+1) gets closer to 1 as kappa grows."),
            ("twice as many steps", True, "Right: about kappa/2 steps per factor e, so the count scales with kappa."),
            ("four times as many steps", False, "That would be kappa squared; plain gradient descent scales with kappa."),
            ("half as many steps", False, "Worse conditioning never helps gradient descent.")),
        _mc("gd-check", "Why check a hand-written gradient with central differences (f(x+h) - f(x-h))/(2h) "
            "rather than one-sided ones?",
            ("Their error shrinks like h^2 instead of h", True, "Right: the first-order error terms cancel."),
            ("They are exact for every function", False, "Only for quadratics (up to rounding)."),
            ("They need fewer function evaluations", False, "They need two per coordinate, one-sided need one (plus f(x))."),
            ("Rounding error does not affect them", False, "Rounding error grows like eps/h for both.")),
        _mc("gd-saddle", "Gradient descent started near a saddle point shows a long flat stretch in its loss curve. "
            "What does that tell you?",
            ("The run has converged to a minimum", False, "A saddle also has a zero gradient; flat is not converged."),
            ("The gradient is small there; the iterate may still escape", True,
             "Right: the gradient norm sinks, then grows as the iterate slides off the saddle."),
            ("The learning rate is above 2/L", False, "That would make the loss grow, not stay flat."),
            ("The gradient is wrong", False, "A correct gradient vanishes at a saddle too.")),
    ]


def _sgd() -> list[Question]:
    return [
        _num("sgd-var", "A mini-batch gradient from a batch of 16 examples has variance 0.8 (sampling with "
             "replacement). What variance do you expect with a batch of 64?", 0.8 * 16 / 64, 0.01,
             "Right: the variance falls like 1/|B|.", "Variance scales like 1/|B|: four times the batch, a quarter of it."),
        _num("sgd-updates", "How many updates does one epoch of mini-batch SGD make on 1000 examples with "
             "batch size 64 (the last batch may be smaller)?", float(np.ceil(1000 / 64)), 0.5,
             "Right: ceil(1000/64) = 16.", "One update per batch: ceil(n / batch_size)."),
        _mc("sgd-floor", "SGD with a constant learning rate stops improving at a loss above the optimum. "
            "What lowers that floor?",
            ("A larger constant learning rate", False, "The floor grows with the learning rate."),
            ("A decaying learning rate or a larger batch", True, "Right: both shrink the noise in the steps."),
            ("More epochs at the same settings", False, "It keeps jittering at the same level."),
            ("Standardizing the features", False, "That changes conditioning, not the gradient noise floor directly.")),
        _mc("sgd-standardize", "Why standardize features before gradient descent?",
            ("It makes the loss convex", False, "Least squares is convex either way."),
            ("It evens out the curvatures, lowering the condition number and raising the usable learning rate", True,
             "Right: feature scales set the Hessian's eigenvalues."),
            ("It removes the gradient noise", False, "Noise comes from sampling examples."),
            ("It is required by PyTorch", False, "No framework requires it; the optimizer benefits.")),
        _mc("sgd-stats", "Which statistics should standardize the test set?",
            ("The test set's own mean and standard deviation", False, "That leaks test information and shifts inputs."),
            ("The training set's mean and standard deviation", True, "Right: fit the transform on training data only."),
            ("Those of training and test sets pooled", False, "Still uses test data."),
            ("None: only training data needs it", False, "Test inputs must be transformed the same way.")),
    ]


def _momentum() -> list[Question]:
    kappa = 100.0
    mom_star = ((kappa**0.5 - 1) / (kappa**0.5 + 1)) ** 2
    return [
        _num("mom-steady", "SGD with momentum 0.9 and learning rate 0.01 sees the same gradient g = 1 for a long "
             "time. How large does its step become?", 0.01 / (1 - 0.9), 1e-3,
             "Right: eta * g / (1 - mu) = 0.1.", "The buffer sums g + mu g + mu^2 g + ... = g / (1 - mu)."),
        _num("mom-best", "What is the optimal heavy-ball momentum for a quadratic with condition number 100? "
             "(3 decimals)", mom_star, 5e-4, "Right: ((sqrt(kappa)-1)/(sqrt(kappa)+1))^2 = (9/11)^2.",
             "Use ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^2 with kappa = 100."),
        _mc("mom-scaling", "At their optimal settings on quadratics, how does the number of steps of the heavy ball "
            "grow with the condition number kappa?",
            ("like kappa", False, "That is plain gradient descent."),
            ("like sqrt(kappa)", True, "Right: its rate is (sqrt(kappa)-1)/(sqrt(kappa)+1)."),
            ("like log(kappa)", False, "No first-order method does that in general."),
            ("it does not depend on kappa", False, "It does, but more gently than gradient descent.")),
        _mc("mom-damp", "In torch.optim.SGD, what does dampening tau do?",
            ("Multiplies the new gradient by (1 - tau) inside the buffer, except on the first step", True,
             "Right: and with tau = mu the buffer becomes an average."),
            ("Multiplies the learning rate by tau", False, "It acts inside the buffer, on the gradient."),
            ("Adds tau times the weights to the gradient", False, "That is weight_decay."),
            ("Requires nesterov=True", False, "Nesterov in fact requires dampening = 0.")),
        _mc("mom-keras", "PyTorch's and Keras's momentum SGD differ in where the learning rate sits. When do their "
            "trajectories differ?",
            ("Always", False, "At a constant rate they agree step for step (v = -eta b)."),
            ("Only when the learning rate changes during training", True,
             "Right: torch rescales the whole buffer, Keras only the new gradient."),
            ("Only with nesterov=True", False, "Both forms agree with and without Nesterov at a constant rate."),
            ("Only in float32", False, "The difference is algebraic, not rounding.")),
    ]


def _adaptive() -> list[Question]:
    from ..optimizers import RMSprop

    opt = RMSprop(lr=0.01)
    first = -float(opt.update(np.zeros(1), np.ones(1), opt.init(np.zeros(1)))[0][0])
    return [
        _num("ada-adagrad", "AdaGrad (s0 = 0, eps = 0, lr = 0.1) sees the gradient 2.0 on its first two steps. "
             "How large is its second step?", 0.1 * 2 / np.sqrt(8.0), 1e-3,
             "Right: s = 4 + 4 = 8, step = 0.1 * 2 / sqrt(8).", "The accumulator sums squares: s_2 = 2^2 + 2^2."),
        _num("ada-rms-first", "PyTorch's RMSprop with its defaults (lr 0.01, alpha 0.99) takes its first step on a "
             "gradient of 1. How large is the step? (3 decimals)", first, 1e-3,
             "Right: v = 0.01, so the step is 0.01 / sqrt(0.01) = 0.1: ten times lr.",
             "v_1 = (1 - alpha) g^2 = 0.01; the step is lr * g / (sqrt(v_1) + eps)."),
        _mc("ada-shrink", "Why does AdaGrad's step keep shrinking during a long training run?",
            ("Its accumulator is a sum of squared gradients, which only grows", True,
             "Right: with gradients of steady size it grows like t, the step like 1/sqrt(t)."),
            ("It has a built-in learning-rate schedule", False, "The decay comes from the accumulator, not a schedule."),
            ("Because gradients get smaller near a minimum", False, "It shrinks even when gradients do not."),
            ("Because of epsilon", False, "Epsilon only matters for tiny accumulators.")),
        _mc("ada-rotate", "On a quadratic bowl whose steep and flat directions are rotated 45 degrees from the "
            "coordinate axes, AdaGrad's advantage over gradient descent...",
            ("grows", False, "Per-coordinate scaling cannot see a mixed curvature."),
            ("largely disappears", True, "Right: it rescales coordinates, not arbitrary directions."),
            ("stays the same", False, "It depends on the axes; rotate and it changes."),
            ("becomes a disadvantage in every case", False, "It still converges; it just loses its edge.")),
        _mc("ada-eps", "Keras's RMSprop divides by sqrt(v + eps) and PyTorch's by sqrt(v) + eps. For gradients much "
            "smaller than sqrt(eps), which takes the larger steps?",
            ("PyTorch's", True, "Right: its step stays near lr / sqrt(1 - alpha) while Keras's shrinks with g."),
            ("Keras's", False, "Inside the root, sqrt(eps) dominates and damps the step."),
            ("They are equal", False, "Only for gradients much larger than sqrt(eps)."),
            ("Neither moves", False, "Both move; the sizes differ by orders of magnitude.")),
    ]


def _adam() -> list[Question]:
    return [
        _num("adam-nocorr", "Adam without bias correction (beta1 = 0.9, beta2 = 0.999, eps = 0) takes its first step "
             "on a gradient g = 1. How many times the learning rate is the step? (2 decimals)",
             (1 - 0.9) / np.sqrt(1 - 0.999), 0.005, "Right: (1 - beta1)/sqrt(1 - beta2) = 0.1/0.0316.",
             "m_1 = (1 - beta1) g and v_1 = (1 - beta2) g^2; the step is lr * m_1 / sqrt(v_1)."),
        _num("adam-epshat", "Keras adds eps_hat to sqrt(v) instead of eps to sqrt(v_hat). At t = 1 with "
             "beta2 = 0.999, by what factor is Keras's effective eps larger than eps_hat? (1 decimal)",
             1 / np.sqrt(1 - 0.999), 0.05, "Right: 1/sqrt(1 - beta2^t) = 31.6 at t = 1.",
             "eps_t = eps_hat / sqrt(1 - beta2^t)."),
        _mc("adam-corr", "With bias correction and a constant gradient, Adam's first step is...",
            ("about lr, in the direction of -g", True, "Right: m_hat = g and v_hat = g^2, so the step is lr * sign(g)."),
            ("about lr * |g|", False, "Adam's step does not scale with the gradient's size."),
            ("about 3.16 lr", False, "That is the uncorrected step."),
            ("zero, since the moments start at zero", False, "The correction removes exactly that bias.")),
        _mc("adam-amsgrad", "In the AMSGrad counterexample, what makes Adam drift to the wrong end?",
            ("A small beta2 forgets the rare large gradient, so its steps are damped less than they should be... in the wrong direction", False,
             "Close, but the large gradient's steps are damped more, not less."),
            ("A small beta2 makes v large only briefly, so the rare large gradient is damped while the frequent small "
             "ones are not", True, "Right: AMSGrad's running max of v keeps the memory."),
            ("The learning rate is too large", False, "It decays like 1/sqrt(t) there."),
            ("Bias correction", False, "The failure happens with or without it.")),
        _mc("adam-adamw", "In PyTorch, what does Adam(weight_decay=0.01) do?",
            ("Decoupled weight decay, like AdamW", False, "In PyTorch that needs AdamW (or decoupled_weight_decay=True)."),
            ("Adds 0.01 * theta to the gradient (L2), which is then rescaled by 1/sqrt(v_hat)", True,
             "Right; in Keras, weight_decay= is always decoupled."),
            ("Nothing: Adam ignores weight_decay", False, "It is applied, as L2."),
            ("Multiplies the learning rate by 0.99", False, "Weight decay acts on the weights or gradient.")),
    ]


def _comparing() -> list[Question]:
    return [
        _mc("cmp-lr", "Two optimizers are compared at the same learning rate, 1e-3. What does the comparison measure?",
            ("Which optimizer is better", False, "Their best learning rates can differ by orders of magnitude."),
            ("How each does at a rate that may be far from its own best", True,
             "Right: tune each method's learning rate separately."),
            ("Nothing at all", False, "It measures something, just not the methods' quality."),
            ("The effect of momentum", False, "Nothing isolates momentum here.")),
        _mc("cmp-seeds", "Method A's median over 5 seeds is slightly better than B's, but their ranges overlap widely. "
            "What can you conclude?",
            ("A is better", False, "The difference is within seed-to-seed noise."),
            ("Not much: the difference is within the noise of these runs", True,
             "Right: more seeds or a larger effect is needed."),
            ("B is better", False, "Nothing points that way either."),
            ("The seeds are broken", False, "Spread across seeds is normal.")),
        _mc("cmp-tune-eval", "Why score the tuned learning rate on fresh seeds rather than the tuning seeds?",
            ("To avoid reporting a score the choice was optimized on (selection bias)", True,
             "Right: the best of many tries on the same seeds is optimistic."),
            ("Because fresh seeds are faster", False, "Speed is the same."),
            ("Because the tuning seeds diverged", False, "Not necessarily."),
            ("It makes no difference", False, "Selecting on the evaluation data biases it.")),
        _num("cmp-updates", "At batch size 256 on 1347 training examples, how many updates do 8 epochs make?",
             8 * float(np.ceil(1347 / 256)), 0.5, "Right: 8 * ceil(1347/256) = 48.",
             "Updates per epoch = ceil(n / batch size)."),
        _mc("cmp-batch", "At an equal number of epochs, a run with a larger batch makes...",
            ("more updates", False, "Each update consumes more examples."),
            ("fewer updates", True, "Right: which is part of why batch-size comparisons need care."),
            ("the same number of updates", False, "Only at equal updates."),
            ("no updates", False, "It makes n / batch size updates per epoch.")),
    ]


def _decay() -> list[Question]:
    from ..schedules import ExponentialDecay, InverseTimeDecay, StepDecay

    return [
        _num("dec-step", "StepDecay with lr 0.1, step_size 30, gamma 0.5: what is the rate at update index k = 75?",
             StepDecay(0.1, 30, 0.5)(75), 1e-6, "Right: 0.1 * 0.5**floor(75/30) = 0.025.",
             "Use lr * gamma ** (k // step_size)."),
        _num("dec-exp", "ExponentialDecay(lr 1.0, decay_rate 0.5, decay_steps 10), smooth: the rate at k = 15? "
             "(3 decimals)", ExponentialDecay(1.0, 0.5, 10)(15), 5e-4, "Right: 0.5 ** 1.5.",
             "Smooth decay uses the real exponent k / decay_steps."),
        _num("dec-legacy", "Old Keras Adam(lr=0.001, decay=0.001): what rate did it use after 1000 batches? "
             "(give it in units of 1e-4, e.g. 5 for 5e-4)", InverseTimeDecay.legacy_keras_decay(1e-3, 1e-3)(1000) / 1e-4,
             0.01, "Right: 0.001 / (1 + 0.001 * 1000) = 5e-4.", "It was lr / (1 + decay * iterations), per batch."),
        _mc("dec-piecewise", "Keras PiecewiseConstantDecay(boundaries=[3], values=[1.0, 0.1]) first returns 0.1 at...",
            ("k = 3", False, "That is PyTorch's and optax's convention."),
            ("k = 4", True, "Right: Keras keeps the earlier value while k <= boundary."),
            ("k = 2", False, "Too early."), ("never", False, "It does switch, one step after the boundary.")),
        _mc("dec-poly", "Keras PolynomialDecay(0.1, decay_steps=100) with no other argument ends at...",
            ("0", False, "That is PyTorch's PolynomialLR."), ("1e-4", True, "Right: end_learning_rate defaults to 1e-4."),
            ("0.1", False, "It decays."), ("0.01", False, "Not a default anywhere.")),
    ]


def _cyclical() -> list[Question]:
    from ..schedules import CosineAnnealing, Cyclic, OneCycle

    return [
        _num("cyc-cos", "CosineAnnealing(lr 1.0, T_max 100, eta_min 0.1): the rate at k = 50? (2 decimals)",
             CosineAnnealing(1.0, 100, 0.1)(50), 0.005, "Right: the midpoint, 0.1 + 0.9/2.",
             "At k = T/2 the cosine term is 1/2: eta_min + (lr - eta_min)/2."),
        _num("cyc-tri", "Triangular CLR with base 0.1, max 1.0, step_size_up 10: the rate at k = 15? (3 decimals)",
             Cyclic(0.1, 1.0, 10)(15), 5e-4, "Right: halfway down from the peak at k = 10.",
             "Up for 10 updates to the peak, then down: at k = 15 it is halfway back."),
        _num("cyc-onecycle", "PyTorch OneCycleLR with total_steps 100 and pct_start 0.3: at which 0-based update is "
             "the rate at its peak?", float(np.argmax(OneCycle(1.0, 100)(np.arange(100)))), 0.5,
             "Right: pct_start * total_steps - 1 = 29.", "torch puts the end of the warm-up phase at pct*T - 1."),
        _mc("cyc-torch-cos", "A PyTorch CosineAnnealingLR with T_max=100 is stepped 150 times. At step 150 the rate is...",
            ("held at eta_min", False, "That is Keras's CosineDecay."),
            ("climbing back towards the initial rate", True, "Right: torch's cosine is periodic with period 2 T_max."),
            ("an error", False, "OneCycleLR raises past total_steps; CosineAnnealingLR does not."),
            ("zero", False, "Only if eta_min = 0 and exactly at T_max.")),
        _mc("cyc-momentum", "In cyclical schedules with momentum cycling, when the learning rate is at its peak the "
            "momentum is...",
            ("at its lowest", True, "Right: they move in opposite directions."),
            ("at its highest", False, "Opposite: high momentum with a high rate is unstable."),
            ("unchanged", False, "It cycles too."), ("zero", False, "It goes down to base_momentum, not 0.")),
    ]


def _why_schedules() -> list[Question]:
    return [
        _num("why-spe", "A data set of 50,000 examples, batch size 128: how many updates per epoch (steps_per_epoch)?",
             float(np.ceil(50000 / 128)), 0.5, "Right: ceil(50000/128) = 391.", "steps_per_epoch = ceil(n / batch size)."),
        _num("why-decay-steps", "You want a Keras ExponentialDecay to decay every 10 epochs, with 391 updates per "
             "epoch. What decay_steps do you pass?", 10 * float(np.ceil(50000 / 128)), 0.5, "Right: Keras counts updates.",
             "Keras schedules count batches: 10 epochs = 10 * 391 updates."),
        _mc("why-order", "In PyTorch you call scheduler.step() before optimizer.step() in every iteration. What happens?",
            ("Nothing: the order does not matter", False, "PyTorch warns: the first value is skipped."),
            ("The first value of the schedule is skipped (and PyTorch warns)", True,
             "Right: the constructor already set index 0; stepping first moves to index 1 before any update."),
            ("The schedule runs twice as fast", False, "It is shifted by one, not sped up."),
            ("An exception is raised", False, "Only a warning.")),
        _mc("why-floor", "Why can a decaying learning rate reach a lower loss than any constant rate with mini-batch SGD?",
            ("It starts large to move fast and ends small so the gradient noise no longer keeps it away from the minimum",
             True, "Right: the noise floor scales with the rate."),
            ("Decaying rates compute better gradients", False, "The gradients are the same."),
            ("A constant rate always diverges", False, "Below 2/L it converges to a noise floor."),
            ("It uses fewer updates", False, "The budget is the same.")),
        _mc("why-callback", "keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.9) is called with...",
            ("the 0-based epoch and the current rate, so it compounds", True,
             "Right: like MultiplicativeLR; a one-argument lambda would be absolute."),
            ("the 1-based epoch", False, "The log prints Epoch 1, but the callback receives 0."),
            ("the batch index", False, "The callback runs per epoch."),
            ("the initial rate every time", False, "It receives the current rate.")),
    ]


def _warmup() -> list[Question]:
    from ..optimizers import RAdam
    from ..schedules import warmup_cosine

    s = warmup_cosine(1.0, warmup_steps=10, decay_steps=90)
    radam = RAdam()
    first = int(np.argmax(~np.isnan(radam.rectification(np.arange(1, 20)))) + 1)
    return [
        _num("wu-ramp", "warmup_cosine(peak 1.0, warmup_steps 10, decay_steps 90, start 0): the rate at k = 4?",
             s(4), 1e-6, "Right: a linear ramp, 4/10 of the peak.", "During warmup the rate is peak * k / warmup_steps."),
        _num("wu-total", "With Keras CosineDecay(warmup_steps=10, decay_steps=90), after how many updates does the "
             "schedule reach its final value?", float(s.warmup_steps + s.after.T_max), 0.5, "Right: Keras counts warmup + decay = 100.",
             "Keras adds the warmup to decay_steps (optax counts it inside)."),
        _num("wu-radam", "With beta2 = 0.999, at which update t does PyTorch's RAdam (the library's) take its first "
             "adaptive (rectified) step?", float(first), 0.5,
             "Right: PyTorch switches once rho_t > 5, first at t = 6 (the paper's rule, rho_t > 4, gives t = 5).",
             "PyTorch's RAdam needs rho_t > 5 (the paper: rho_t > 4); compute rho_t for t = 5, 6."),
        _mc("wu-why", "Chapter 10 measured Adam's first updates at fixed parameters, over many batch streams. "
            "What did it find?",
            ("The first updates are larger and noisier than later ones, but the excess is gone within about twenty "
             "updates, far sooner than typical warmups end", True,
             "Right: so the erratic first steps alone do not explain long warmups; how fast early steps move the "
             "network through a quickly changing region is the other classic reason."),
            ("The excess lasts about 1/(1 - beta2) = 1000 updates, which is why warmups are that long", False,
             "The measured excess was gone within about twenty updates."),
            ("Bias correction makes the first updates smaller than later ones", False,
             "The first update is the sign step, of size eta in every coordinate: larger, not smaller."),
            ("With large batches the first updates are much larger than later ones", False,
             "With large batches they were barely larger: a low-noise gradient makes every Adam step close to a "
             "sign step.")),
        _mc("wu-optax", "optax's warmup_cosine_decay_schedule(decay_steps=100, warmup_steps=10) decays for how many "
            "updates after the warmup?",
            ("90", True, "Right: optax's decay_steps include the warmup."), ("100", False, "That is Keras's reading."),
            ("110", False, "No."), ("10", False, "That is the warmup.")),
    ]


def _first_cut(counting: str) -> float:
    from ..schedules import ReduceLROnPlateau

    p = ReduceLROnPlateau(1.0, patience=2, factor=0.5) if counting == "torch" else \
        ReduceLROnPlateau.from_keras(1.0, patience=2, factor=0.5)
    for _ in range(6):
        p.step(1.0)
    return float(p.cuts[0])


def _plateau() -> list[Question]:
    return [
        _num("pl-torch", "torch ReduceLROnPlateau(patience=2) and a metric that never improves: at which 0-based "
             "epoch is the first cut?", _first_cut("torch"), 0.5, "Right: the third bad epoch (0-based index 3), since num_bad must exceed patience.",
             "torch cuts when num_bad > patience, i.e. on the (patience + 1)-th bad epoch."),
        _num("pl-keras", "Keras ReduceLROnPlateau(patience=2), same metric: at which 0-based epoch is the first cut?",
             _first_cut("keras"), 0.5, "Right: Keras cuts when wait >= patience (the first epoch counts as an improvement).",
             "Keras cuts one epoch earlier than torch."),
        _mc("pl-cooldown", "In Keras, what does cooldown=1 change?",
            ("Nothing: its cooldown is effectively one epoch shorter than torch's", True,
             "Right: the counter is decremented before the epoch is judged."),
            ("It waits one epoch after each cut", False, "That is torch's behaviour."),
            ("It doubles the patience", False, "No."), ("It disables the callback", False, "No.")),
        _mc("pl-threshold", "torch's default threshold_mode is 'rel' with threshold 1e-4. With best = 2.0, which "
            "metric counts as an improvement?",
            ("1.9997", True, "Right: it must be below 2.0 * (1 - 1e-4) = 1.9998."), ("1.99990", False, "Above 1.9998."),
            ("2.0", False, "Equal is not better."), ("2.0001", False, "Worse.")),
        _mc("pl-early", "Early stopping and ReduceLROnPlateau watch the same validation loss. What is a sensible "
            "relation between their patiences?",
            ("Early stopping's patience larger, so the rate can be cut (and help) before training stops", True,
             "Right: otherwise training stops before a cut can take effect."),
            ("Equal patiences", False, "Then training may stop exactly when the rate would drop."),
            ("Early stopping's patience smaller", False, "Then the cut never happens."),
            ("They cannot be used together", False, "They often are.")),
    ]


def _legacy_rate(lr: float, decay: float, iterations: int) -> float:
    from ..schedules import InverseTimeDecay

    return float(InverseTimeDecay.legacy_keras_decay(lr, decay)(iterations))


def _frameworks() -> list[Question]:
    return [
        _mc("fw-order", "The correct order in a PyTorch training loop is...",
            ("loss.backward(); optimizer.step(); scheduler.step()", True, "Right: the scheduler moves to the next index "
             "after the update has used the current one."),
            ("scheduler.step(); optimizer.step()", False, "This skips the first value and warns."),
            ("optimizer.step(); loss.backward()", False, "The gradient must exist before the step."),
            ("scheduler.step() only once, before training", False, "Step it once per update (or per epoch).")),
        _mc("fw-lr", "What does Keras 3 do with keras.optimizers.Adam(lr=0.001)?",
            ("Raises ValueError: Argument(s) not recognized: {'lr': 0.001}", True, "Right: the argument is learning_rate."),
            ("Uses lr as the learning rate", False, "Only Keras 2 accepted it (with a deprecation warning)."),
            ("Ignores it with a warning", False, "That is what happens to decay=."),
            ("Uses 0.001 by coincidence", False, "It raises.")),
        _mc("fw-decay", "What does Keras 3 do with Adam(learning_rate=0.001, decay=1e-6)?",
            ("Warns that decay is no longer supported, and trains at a constant 0.001", True,
             "Right: use InverseTimeDecay(0.001, decay_steps=1, decay_rate=1e-6)."),
            ("Applies time-based decay per batch", False, "That was Keras 2."),
            ("Raises an error", False, "Only lr= raises."),
            ("Applies exponential decay", False, "No.")),
        _mc("fw-schedule-callback", "A Keras optimizer built with a LearningRateSchedule object is given a "
            "LearningRateScheduler callback too. What happens?",
            ("TypeError: its learning rate is not settable", True, "Right: use one mechanism or the other."),
            ("The callback wins", False, "It cannot set the rate."),
            ("The two multiply", False, "That is torch's ChainedScheduler."),
            ("The schedule is ignored", False, "No.")),
        _num("fw-legacy", "Old Keras Adam(lr=0.01, decay=0.01): the rate after 100 batches? (4 decimals)",
             _legacy_rate(0.01, 0.01, 100), 5e-5, "Right: 0.01 / (1 + 0.01 * 100) = 0.005.",
             "It was lr / (1 + decay * iterations), per batch."),
    ]


def _schedules_matter() -> list[Question]:
    return [
        _mc("sm-fair", "To compare schedules fairly across optimizers you should...",
            ("tune each combination's learning rate and report several seeds with their spread", True,
             "Right: the same protocol as for optimizers."),
            ("use each optimizer's default learning rate", False, "Defaults measure the defaults."),
            ("use one seed to save time", False, "One seed cannot separate a difference from noise."),
            ("compare at a fixed number of epochs only", False, "Time-to-accuracy matters too.")),
        _mc("sm-tta", "Time-to-accuracy is...",
            ("the number of updates (or epochs) until the target accuracy is first reached", True, "Right."),
            ("the final accuracy", False, "That is the end point, not the time."),
            ("the wall-clock time of one epoch", False, "No."),
            ("the accuracy after one epoch", False, "No.")),
        _num("sm-budget", "Cosine annealing over 10 epochs of 22 updates each: what T_max (in updates) do you pass "
             "to a per-update schedule?", 10 * 22.0, 0.5, "Right: 10 * 22.", "T_max counts updates for a per-update schedule."),
        _mc("sm-overlap", "Two schedules' final accuracies over 5 seeds are 0.971-0.978 and 0.969-0.976. The honest "
            "conclusion is...",
            ("no difference beyond the seed spread", True, "Right: the ranges overlap almost entirely."),
            ("the first is better", False, "Its median may be higher, but the spread covers the gap."),
            ("the second is better", False, "No."), ("both are broken", False, "No.")),
        _mc("sm-claim", "'Adaptive optimizers need no schedule.' What would test it?",
            ("Adam with a tuned constant rate against Adam with a tuned schedule, same budget, several seeds", True,
             "Right: tune both arms."),
            ("Adam with a schedule against SGD without one", False, "That changes two things at once."),
            ("Adam's default rate with and without a schedule", False, "Untuned rates bias the result."),
            ("Reading Adam's paper", False, "Measure it.")),
    ]


def _sign_and_memory() -> list[Question]:
    from ..optimizers import Adafactor, Adam

    n, m = 1024, 4096
    adafactor_numbers = sum(np.asarray(x).size for x in Adafactor().init(np.zeros((n, m), np.float32))[1:]
                            if x is not None)
    first = Adam(lr=0.01).update(np.zeros(1), np.array([-250.0]), Adam(lr=0.01).init(np.zeros(1)))[0][0]
    return [
        _num("sm3-adam-first", "Adam with lr = 0.01 (any betas, eps negligible) sees a first gradient of -250 on a "
             "coordinate. By how much does that coordinate change at t = 1 (with its sign)?", first, 1e-6,
             "Right: the bias-corrected first step is lr * sign(g), whatever |g|.",
             "At t = 1, m_hat = g and v_hat = g**2: the step is -lr * g / |g|."),
        _mc("sm3-lion-lr", "You switch a tuned AdamW run (lr 1e-3, weight decay 0.1) to Lion. Which starting point "
            "follows the Lion paper's advice?",
            ("lr 1e-4 and weight decay 1.0: the rate 3-10x smaller, the decay 3-10x larger, so lr * wd stays put",
             True, "Right: Lion's sign update has a larger norm than AdamW's, so its rate must shrink; the decay per "
             "step is lr * wd."),
            ("lr 1e-3 and weight decay 0.1: the same settings", False,
             "Every coordinate then moves by the full 1e-3: a much larger update than AdamW's."),
            ("lr 1e-2 and weight decay 0.01", False, "That makes the larger update larger still."),
            ("lr 1e-4 and weight decay 0.01", False, "Then the decay per step, lr * wd, falls 100-fold.")),
        _num("sm3-factored", f"Adafactor on one {n} x {m} weight matrix: how many numbers does its second-moment "
             "state hold?", float(adafactor_numbers), 0.5,
             f"Right: one mean per row and one per column, {n} + {m}.",
             "It keeps the mean of g**2 along each row and along each column."),
        _mc("sm3-exact", "When is Adafactor's factored estimate R C^T / mean(R) equal to the matrix of second moments?",
            ("When that matrix has rank one, V = a b^T", True, "Right: then its row and column means determine it."),
            ("When the matrix is diagonal", False, "A diagonal matrix is far from rank one; its estimate is not diagonal."),
            ("Always, up to rounding", False, "Only rank-one matrices are rebuilt exactly."),
            ("When beta2 is 0", False, "beta2 changes which average is factored, not whether factoring is exact.")),
        _mc("sm3-adamax", "After one gradient 100 times larger than usual, Adamax...",
            ("never steps more than lr, but steps much less than lr until beta2**t has forgotten the spike", True,
             "Right: u_t = max(beta2 u, |g|) remembers the spike."),
            ("takes one step 100 times larger than lr", False, "Adamax's steps are bounded by lr."),
            ("ignores it completely, like Lion", False, "Lion's step ignores it; Adamax's max-norm does not."),
            ("diverges", False, "Its steps are bounded by lr.")),
    ]


def _muon_and_shampoo() -> list[Question]:
    from ..optimizers.muon import NS_COEFFICIENTS

    a, b, c = NS_COEFFICIENTS
    once = a * 0.5 + b * 0.5**3 + c * 0.5**5
    return [
        _num("ms-poly", "One step of Muon's Newton-Schulz iteration (a, b, c) = (3.4445, -4.7750, 2.0315) maps a "
             "singular value of 0.5 to what?", once, 1e-3, "Right: p(0.5) = a/2 + b/8 + c/32.",
             "Each singular value s goes to a s + b s**3 + c s**5."),
        _num("ms-memory", "Shampoo on one 1000 x 300 weight matrix: how many numbers do its two statistics L and R "
             "hold together?", 1000.0**2 + 300.0**2, 0.5, "Right: an n x n and an m x m matrix.",
             "L is n x n (from G G^T) and R is m x m (from G^T G)."),
        _num("ms-scale", "torch.optim.Muon with its default adjust_lr_fn on a 1024 x 256 weight: by what factor is "
             "the orthogonalised step multiplied, besides lr?", float(np.sqrt(max(1, 1024 / 256))), 1e-6,
             "Right: sqrt(max(1, A/B)) = sqrt(4).", "The default ('original') scale is sqrt(max(1, A / B))."),
        _mc("ms-bias", "Where should the bias vectors of a network trained with Muon go?",
            ("To another optimizer such as AdamW: torch.optim.Muon refuses them, keras.optimizers.Muon hands them to "
             "AdamW itself", True, "Right: Muon is for hidden weight matrices."),
            ("To Muon, reshaped into a 1 x n matrix", False,
             "Orthogonalising a 1 x n matrix just normalises it: a sign-like step with none of Muon's benefit."),
            ("Nowhere: biases should be frozen", False, "They still need training."),
            ("To plain SGD without momentum", False, "Possible, but the standard recipe is AdamW.")),
        _mc("ms-rotate", "On an ill-conditioned quadratic whose valley is rotated 45 degrees from the axes, which "
            "keeps the speed it has on the axis-aligned valley?",
            ("Shampoo (full-matrix preconditioning)", True, "Right: its preconditioner turns with the problem."),
            ("Adam", False, "A diagonal preconditioner only stretches along the axes."),
            ("AdaGrad", False, "Also diagonal."), ("RMSprop", False, "Also diagonal.")),
    ]


def _averaging() -> list[Question]:
    from ..optimizers import SWA

    iterates = [np.array([2.0]), np.array([-1.0]), np.array([5.0]), np.array([0.0])]
    swa = SWA()
    state = swa.init(iterates[0])
    for x in iterates:
        state = swa.update(state, x)
    return [
        _mc("av-eval", "Training with schedule-free AdamW (the schedulefree package), which point should you "
            "evaluate and save?",
            ("x, the average: call optimizer.eval() first (and optimizer.train() before training again)", True,
             "Right: the model holds y during training."),
            ("y, the point the model holds during training", False, "y is where gradients are taken; x is the "
             "averaged point the method's guarantees are about."),
            ("z, the plain SGD iterate", False, "z is the noisiest of the three."),
            ("Any of them: they coincide after warmup", False, "They differ throughout; measure it.")),
        _num("av-memory", "An EMA of the weights with decay 0.999 remembers roughly how many recent iterates?",
             1 / (1 - 0.999), 1.0, "Right: about 1 / (1 - decay).", "The weights fall like decay**k: about "
             "1 / (1 - decay) iterates carry most of it."),
        _num("av-swa", "SWA (a uniform average) folds in the iterates 2, -1, 5, 0 in this order. What is the average?",
             float(state.average[0]), 1e-9, "Right: their mean.", "SWA keeps the plain mean of what it has seen."),
        _mc("av-keras", "A Keras model trained with keras.optimizers.ScheduleFreeAdamW is evaluated with "
            "model.evaluate(). At which point?",
            ("y: the model variables; Keras has no switch to x", True,
             "Right: compute x = (y - (1 - beta_1) z) / beta_1 yourself to evaluate at x."),
            ("x: Keras swaps the weights automatically", False, "It does not (Keras 3.15)."),
            ("z: the optimizer's momentum variable", False, "z is stored in the optimizer, not the model."),
            ("An EMA of y", False, "Only with use_ema=True, which is a separate feature.")),
        _mc("av-bn", "You average the weights of a network with batch normalisation (SWA) and its accuracy "
            "collapses. The usual fix?",
            ("Recompute the batch-norm statistics for the averaged weights (torch.optim.swa_utils.update_bn)", True,
             "Right: the stored running statistics belong to the iterates."),
            ("Use a larger learning rate", False, "The problem is in the normalisation statistics."),
            ("Average only the batch-norm layers", False, "No."),
            ("Switch to an EMA", False, "An EMA of the weights has the same issue.")),
    ]


def _data_parallel() -> list[Question]:
    return [
        _num("dp-undivided", "SGD with lr = 0.01 and gradient accumulation over 8 micro-batches, each loss NOT "
             "divided by 8: the update equals the big batch's update at which learning rate?", 0.01 * 8, 1e-9,
             "Right: the accumulated gradient is 8 times the mean, so the step is 8 times lr.",
             "backward() adds the 8 micro-batch gradients: their sum is 8 times the big batch's (mean) gradient."),
        _num("dp-global", "Data parallelism over 4 machines with 8 GPUs each, 32 examples per GPU: what is the "
             "global batch size?", 4 * 8 * 32.0, 0.5, "Right: 4 * 8 * 32.", "Every GPU processes its own 32 "
             "examples per update, and the all-reduce combines all of them."),
        _mc("dp-twice", "Your DDP script divides each gradient by the world size before optimizer.step(). What "
            "happens?",
            ("The gradient is averaged twice: updates are world_size times too small", True,
             "Right: DistributedDataParallel already averages over ranks during backward()."),
            ("Nothing: the division is needed for a correct average", False, "DDP averages by itself."),
            ("The ranks' parameters drift apart", False, "They stay equal, just with smaller steps."),
            ("The run deadlocks", False, "No communication changes.")),
        _mc("dp-epoch", "With a DistributedSampler, what does forgetting sampler.set_epoch(epoch) do?",
            ("Every epoch visits the data in the same order on every rank", True,
             "Right: the shuffling seed stays the same."),
            ("Each rank sees all the data every epoch", False, "The sampler still shards."),
            ("Training stops after one epoch", False, "No."),
            ("The gradients are not averaged", False, "Averaging is DDP's job, independent of the sampler.")),
        _mc("dp-adam", "With Adam instead of SGD, forgetting to divide the accumulated loss by k...",
            ("changes almost nothing: Adam divides the gradient by its own running scale", True,
             "Right: m/sqrt(v) is invariant to a constant factor on the gradient, up to epsilon."),
            ("multiplies the learning rate by k, as for SGD", False, "That is SGD's case."),
            ("multiplies the learning rate by sqrt(k)", False, "m scales by k and sqrt(v) by k too."),
            ("makes Adam diverge", False, "Not by itself.")),
    ]


def _large_batches() -> list[Question]:
    from ..optimizers import LARS, Lamb
    from ..schedules import Constant, LinearWarmup

    base_lr, base_batch, batch, warmup = 0.1, 256, 8192, 5 * 156
    peak = base_lr * batch / base_batch
    mid = float(LinearWarmup(Constant(peak), warmup, start_lr=base_lr)(warmup // 2))
    w = np.full((4, 4), 0.5)  # ||w|| = 2
    lamb = Lamb(lr=0.01)
    lamb_step = float(np.linalg.norm(lamb.update(w, np.arange(16.0).reshape(4, 4), lamb.init(w))[0] - w))
    lars = LARS(lr=1.0, momentum=0.0, trust_coefficient=1e-3, exclude_vectors=False)
    g = np.full((4, 4), 0.125)  # ||g|| = 0.5
    local = float(np.linalg.norm(lars.update(w, g, lars.init(w))[0] - w) / np.linalg.norm(g))
    return [
        _num("lb-warmup", f"Goyal et al.'s recipe: rate {base_lr} at batch {base_batch}, now batch {batch}, linear "
             f"warmup from {base_lr} to the scaled rate over {warmup} updates. What is the rate at update index "
             f"k = {warmup // 2}?", mid, 1e-3,
             f"Right: halfway from {base_lr} to {peak:g}.",
             f"The peak is {base_lr} * {batch}/{base_batch}; the warmup rises linearly from {base_lr} to it."),
        _num("lb-lamb-step", "LAMB (lr = 0.01, no weight decay) updates a 4 x 4 weight matrix whose entries are all "
             "0.5. Whatever the gradient, what is the norm of the change of the matrix?", lamb_step, 1e-6,
             "Right: the trust ratio makes the step lr * ||w|| = 0.01 * 2.",
             "The step is lr * (||w|| / ||r||) * r: its norm is lr * ||w||, and ||w|| = sqrt(16 * 0.25)."),
        _num("lb-lars-local", "LARS with trust coefficient 0.001 and no weight decay: a weight tensor has norm 2 and "
             "its gradient norm 0.5. What is its local rate (the factor multiplying the gradient before the "
             "global rate)?", local, 1e-9, "Right: 0.001 * 2 / 0.5.",
             "The local rate is trust_coefficient * ||w|| / (||g|| + weight_decay * ||w||)."),
        _mc("lb-breaks", "You double the batch and the learning rate again and again, for the same number of epochs. "
            "Why must the linear-scaling rule eventually fail?",
            ("The scaled rate passes the stability limit 2/L (2(1+mu)/L with momentum), and past the critical batch "
             "fewer updates cannot be made up by a larger rate", True,
             "Right: both limits appear in the chapter's proposition and experiment."),
            ("Large batches give biased gradients", False, "A mini-batch gradient is unbiased at every batch size."),
            ("The gradient noise grows with the batch", False, "It shrinks like 1/B."),
            ("It never fails if warmup is long enough", False,
             "Warmup only handles the start; it cannot restore the updates a fixed number of epochs takes away.")),
        _mc("lb-per-tensor", "A hand-written LAMB computes the trust ratio entry by entry, |w_i| / |r_i|. What does "
            "its step become?",
            ("lr * |w_i| * sign(r_i): a sign step scaled by the weights, and zero entries never move", True,
             "Right: the ratio must use the norms of the whole tensor."),
            ("The same as LAMB's", False, "Per entry, the ratio cancels the size of every r_i separately."),
            ("Adam's step", False, "Adam's step has no |w_i| factor."),
            ("SGD's step", False, "SGD's step is lr * g.")),
    ]


def _stability() -> list[Question]:
    from ..stability import clip_by_global_norm, clip_by_norm

    g = {"a": np.array([3.0, 4.0]), "b": np.array([0.0, 12.0])}  # norms 5 and 12, global 13
    glob = float(clip_by_global_norm(g, 6.5)[0]["b"][1])
    per = float(clip_by_norm(g, 6.5)["b"][1])
    return [
        _num("st-limit", "Full-batch gradient descent with learning rate 0.25: at what sharpness does the edge of "
             "stability sit?", 2 / 0.25, 1e-9, "Right: 2 / eta.", "Chapter 1's stability limit: lambda_max = 2 / eta."),
        _num("st-global", "Two tensors have gradients (3, 4) and (0, 12). After clipping by global norm at 6.5 "
             "(no epsilon), what is the second entry of the second tensor?", glob, 1e-9,
             "Right: the global norm is 13, so everything is halved.",
             "The global norm is sqrt(5**2 + 12**2) = 13; the scale is 6.5 / 13."),
        _num("st-per", "The same gradients, clipped per tensor at 6.5 (Keras clipnorm): the second entry of the "
             "second tensor?", per, 1e-9, "Right: only the second tensor (norm 12) is scaled, by 6.5 / 12.",
             "Each tensor separately: (3, 4) has norm 5 and is untouched; (0, 12) is scaled to norm 6.5."),
        _mc("st-order", "Where does torch.nn.utils.clip_grad_norm_ go in a PyTorch training step?",
            ("After loss.backward() and before optimizer.step()", True, "Right: it edits the .grad tensors."),
            ("Before loss.backward()", False, "There are no gradients to clip yet."),
            ("After optimizer.step()", False, "The step has already used the unclipped gradients."),
            ("Anywhere: clipping commutes with the step", False, "It does not.")),
        _mc("st-hide", "Your run only trains with clipping, and the clipping is active on nearly every update. "
            "What does that suggest?",
            ("The learning rate is too large: clipping acts as a hidden, varying reduction of it", True,
             "Right: lower the rate and keep clipping for rare spikes."),
            ("The threshold is too large", False, "It binds on almost every step: it is small for these gradients."),
            ("Clipping is working as intended", False, "Clipping is meant for rare spikes."),
            ("The model needs more layers", False, "No.")),
    ]


def _tuning() -> list[Question]:
    from ..tuning import median_should_prune, trials_needed

    n = trials_needed(0.05, 0.95)
    pruned = median_should_prune([0.5, 0.3, 0.35], [{2: 0.2}, {2: 0.32}, {2: 0.4}], n_startup_trials=3)
    return [
        _num("tu-grid", "A grid search with 4 values for each of 3 hyperparameters: how many distinct learning rates "
             "does it try?", 4, 1e-9, "Right: 64 trials, but only 4 values of each hyperparameter.",
             "Count the values of one axis, not the trials: k**d trials test k values of each."),
        _num("tu-random", "How many random-search trials put at least one in the best 5% of the search space with "
             "probability at least 95%?", n, 1e-9, "Right: the smallest n with 1 - 0.95**n >= 0.95.",
             "All n trials miss with probability 0.95**n; solve 1 - 0.95**n >= 0.95 for the smallest integer n."),
        _mc("tu-median", "A trial reported validation losses 0.5, 0.3, 0.35 at epochs 0, 1, 2. The completed trials "
            "reported 0.2, 0.32 and 0.4 at epoch 2. Does Optuna's MedianPruner (3 startup trials, no warmup) stop it "
            "at epoch 2?",
            ("Yes", pruned, "Right." if pruned else "It compares the trial's best value so far, 0.3, with the median 0.32."),
            ("No", not pruned, "Right: its best value so far (0.3) is below the median (0.32)." if not pruned else
             "Its best value is above the median.")),
        _mc("tu-momentum", "You raise momentum from 0.9 to 0.99 and keep the learning rate that was best at 0.9. "
            "What do you expect?",
            ("The effective rate lr / (1 - momentum) grows tenfold: the run is likely unstable; lower the rate", True,
             "Right: the best rate and the momentum move together along the valley."),
            ("Smoother training at the same speed", False, "Momentum also multiplies the step size."),
            ("Nothing: momentum and the learning rate are independent", False,
             "The chapter's landscape shows a diagonal valley."),
            ("Slower training, because momentum damps the steps", False, "It amplifies consistent gradients.")),
        _mc("tu-default-pruner", "Your objective calls trial.should_prune() and you created the study with "
            "optuna.create_study() and no pruner. What happens?",
            ("Trials can be pruned: the default pruner is a MedianPruner", True,
             "Right: pass NopPruner() if every trial must finish."),
            ("Nothing is ever pruned without a pruner", False, "create_study fills in a MedianPruner."),
            ("should_prune raises an error", False, "It returns the default pruner's decision."),
            ("Hyperband is used by default", False, "The default is the median rule.")),
        _mc("tu-storage", "Sixty workers on a cluster share one Optuna study. Which storage?",
            ("A database server (PostgreSQL or MySQL), or JournalStorage on a shared file system", True,
             "Right: each worker connects with the same URL."),
            ("SQLite on a shared disk", False, "SQLite locks the whole file on each write; a few workers at most."),
            ("In-memory storage", False, "It lives in one process only."),
            ("One study per worker, merged at the end", False, "Then the samplers cannot learn from each other.")),
    ]


def _initialisation() -> list[Question]:
    from ..init import calculate_gain, effective_learning_rate, equilibrium_sq_norm, init_bound, init_std

    he = init_std(512, 256, "kaiming", gain=calculate_gain("relu"))
    xavier_bound = init_bound(300, 100, "xavier")
    eff = effective_learning_rate(0.8, np.full(16, 1.0))  # ||w||^2 = 16
    rho = equilibrium_sq_norm(0.1, 5e-4, 4.0)
    return [
        _num("in-he", "A ReLU layer maps 512 inputs to 256 outputs. What standard deviation does He (Kaiming) normal "
             "initialisation in fan-in mode give its weights?", he, 1e-4,
             "Right: sqrt(2 / 512) = 1/16.", "He: sigma = gain / sqrt(fan_in) with ReLU's gain sqrt(2); fan_in = 512."),
        _num("in-xavier-bound", "Xavier (Glorot) uniform initialisation, gain 1, for fan_in = 300 and fan_out = 100: "
             "the weights are drawn from U[-b, b]. What is b?", xavier_bound, 1e-4,
             "Right: sqrt(3) * sqrt(2 / 400).",
             "sigma = sqrt(2 / (fan_in + fan_out)) and a uniform on [-b, b] has std b / sqrt(3), so b = sqrt(3) sigma."),
        _num("in-eff", "A weight matrix followed by batch normalisation has squared norm 16 and is trained by SGD with "
             "lr = 0.8. What is its effective learning rate?", eff, 1e-9, "Right: 0.8 / 16.",
             "The effective rate is lr / ||w||^2, the square of the norm, not the norm."),
        _num("in-equilibrium", "SGD with lr = 0.1 and weight decay 5e-4 trains a scale-invariant weight whose "
             "gradient norm at the unit sphere stays at G = 2. About what squared norm does the weight settle at?",
             rho, 0.02 * rho, "Right: G sqrt(lr / (2 weight_decay)) = 2 sqrt(100) = 20.",
             "Balance the decay (2 lr wd ||w||^2 per step) with the growth (lr^2 G^2 / ||w||^2): "
             "||w||^2 = G sqrt(lr / (2 wd))."),
        _mc("in-scale", "A linear layer is followed by batch normalisation. You multiply its weights by 10. What "
            "happens to the loss, the gradient of those weights and their effective learning rate?",
            ("Loss unchanged, gradient divided by 10, effective rate divided by 100", True,
             "Right: L(cw) = L(w), grad L(cw) = grad L(w) / c, and the rate is lr / ||w||^2."),
            ("All three unchanged", False, "The loss is unchanged, but its gradient is not."),
            ("Loss unchanged, gradient divided by 10, effective rate divided by 10", False,
             "A step of size lr * g / 10 on a vector 10 times longer turns it 100 times less."),
            ("The loss is multiplied by 10", False, "Normalisation divides the scale out.")),
        _mc("in-default", "A 20-layer plain ReLU MLP built from PyTorch's nn.Linear with its default initialisation does "
            "not learn at any learning rate you try. What is the likely cause?",
            ("The default uniform bound 1/sqrt(fan_in) is a gain of 1/sqrt(3), far below ReLU's sqrt(2): the signal "
             "shrinks at every layer", True, "Right: use kaiming_normal_(w, nonlinearity='relu') or normalisation."),
            ("The default is He initialisation, which explodes", False, "It is kaiming_uniform_ with a = sqrt(5)."),
            ("ReLU cannot be trained with SGD", False, "It can, with a suitable initialisation."),
            ("The biases start at zero", False, "nn.Linear's biases are drawn uniformly, not zero, and that is not it.")),
        _mc("in-groups", "Why do training recipes put batch-norm gains and biases in a parameter group with "
            "weight_decay = 0?",
            ("They are not scale invariant, so decay acts on them as a real penalty, pulling gains towards zero", True,
             "Right: for the weights before a normalisation, decay only sets the effective rate."),
            ("Weight decay is undefined for vectors", False, "It is defined; it is just harmful there."),
            ("They have no gradient", False, "They do."),
            ("To save memory", False, "Decay costs nothing in memory.")),
    ]


def _precision() -> list[Question]:
    from ..precision import loss_scale_sequence, ulp

    flags = [False, False, True, False, False, False]
    seq = loss_scale_sequence(flags, init_scale=1024.0, growth_interval=2)[0]
    last_scale = float(seq[-1])
    return [
        _num("pr-eps", "What is the gap between 1 and the next larger bfloat16 number?", float(ulp(1.0, "bfloat16")),
             1e-12, "Right: 2^-7, bfloat16's machine epsilon (7 stored mantissa bits).",
             "bfloat16 stores 7 mantissa bits: the gap at 1 is 2^-7."),
        _num("pr-lost", "A weight w = 8 is stored in bfloat16. Below what update size |delta| is w + delta rounded "
             "back to w (half an ulp at 8)?", float(ulp(8.0, "bfloat16")) / 2, 1e-12,
             "Right: ulp(8) = 2^(3-7) = 1/16, and half of it is 1/32.",
             "ulp(8) = 2^(floor(log2 8) - 7) = 2^-4; updates below half of it are lost."),
        _mc("pr-adam", "torch.optim.Adam on a float16 parameter with gradient 1e-4 takes an infinite first step. Why?",
            ("(1 - beta2) g^2 = 1e-11 and eps = 1e-8 both round to 0 in float16, so it divides by zero", True,
             "Right: both are below float16's smallest subnormal, about 6e-8."),
            ("The gradient 1e-4 overflows float16", False, "float16 reaches 65504; 1e-4 is representable."),
            ("Adam's bias correction is undefined at t = 1", False, "1 - beta^1 is not 0."),
            ("The learning rate 1e-3 is not representable in float16", False,
             "It is rounded (to about 0.000977), not lost.")),
        _num("pr-scale", "GradScaler with init_scale=1024, growth_interval=2 (factors 2 and 0.5) sees the overflow "
             "flags no, no, yes, no, no, no. What scale does the sixth step's loss use?", last_scale, 1e-9,
             f"Right: the scales are {', '.join(str(int(v)) for v in seq)}.",
             "Grow after every 2 finite steps in a row, halve (and reset the count) at the overflow."),
        _mc("pr-policy", "With Keras's mixed_float16 policy, in which dtype are a Dense layer's kernel variables stored?",
            ("float32", True, "Right: the policy computes in float16 and keeps variables in float32."),
            ("float16", False, "That is the compute dtype; variables stay float32."),
            ("bfloat16", False, "That would be mixed_bfloat16's compute dtype, and variables are float32 there too."),
            ("float64", False, "No.")),
        _mc("pr-master", "A bfloat16 run converted with model.bfloat16() plateaus above the float32 run, while "
            "torch.autocast(dtype=torch.bfloat16) matches float32. What is the main reason?",
            ("Stored in bfloat16, weights lose every update smaller than half an ulp; autocast keeps float32 "
             "master weights", True, "Right: the error is in storing the weights, not in computing."),
            ("bfloat16 matrix products are inaccurate", False, "Autocast computes them in bfloat16 too."),
            ("bfloat16 gradients underflow", False, "bfloat16 has float32's range."),
            ("autocast uses a loss scaler", False, "No scaler is needed, or used, with bfloat16.")),
    ]


def _capstone() -> list[Question]:
    from ..optimizers import Adam

    adam = Adam(lr=0.01)
    theta = np.zeros(2)
    first, _ = adam.update(theta, np.array([1e-4, 50.0]), adam.init(theta))
    peak, warmup, total, step = 0.02, 75, 275, 175
    cos_lr = peak * 0.5 * (1 + np.cos(np.pi * (step - warmup) / (total - warmup)))
    return [
        _num("cap-uniform", "The sorting task has a vocabulary of 16 tokens. What cross-entropy (natural log) does a "
             "model score that predicts every position uniformly?", float(np.log(16)), 1e-3,
             "Right: ln 16, the 'stalled' level of the chapter's figure.", "Uniform over 16 tokens: -ln(1/16)."),
        _num("cap-adam-first", "Adam (PyTorch defaults, lr = 0.01) takes its first step on two coordinates with "
             "gradients 1e-4 and 50. How far does the first coordinate move (absolute value)?",
             float(abs(first[0])), 1e-6,
             "Right: about lr, the same as the coordinate with a gradient 500000 times larger.",
             "After bias correction the first step is lr * g / (|g| + eps): about lr whatever the gradient's size."),
        _num("cap-cosine", "Warmup for 75 steps to a peak of 0.02, then cosine decay to zero at step 275. What is the "
             "learning rate at step 175?", float(cos_lr), 1e-9,
             "Right: half-way through the cosine, half the peak.",
             "The cosine runs from step 75 to 275; step 175 is half-way: peak * (1 + cos(pi/2)) / 2."),
        _mc("cap-order", "Which order is right for one PyTorch training step with the recipe?",
            ("zero_grad, forward, backward, clip_grad_norm_, optimizer.step, scheduler.step, ema.update_parameters",
             True, "Right."),
            ("zero_grad, forward, backward, optimizer.step, clip_grad_norm_, scheduler.step, ema.update_parameters",
             False, "Clipping after the step changes nothing: the step has used the unclipped gradients."),
            ("zero_grad, forward, backward, clip_grad_norm_, scheduler.step, optimizer.step, ema.update_parameters",
             False, "Stepping the scheduler first skips the first rate of the schedule (PyTorch warns)."),
            ("zero_grad, forward, backward, clip_grad_norm_, ema.update_parameters, optimizer.step, scheduler.step",
             False, "The EMA would average the weights before the update, always one step behind.")),
        _mc("cap-stall", "A post-norm Transformer trained with Adam at a large constant rate sits at the uniform-guess "
            "loss from the first steps on. What is the first thing to try?",
            ("A linear warmup of the rate (or pre-norm)", True,
             "Right: the first full-size Adam steps are what wrecks a post-norm network."),
            ("Gradient clipping at a small threshold", False,
             "Adam's steps are about lr in size whatever the gradient's norm; clipping does not shrink them much."),
            ("More training steps", False, "A stalled run does not recover with time."),
            ("A larger batch", False, "The problem is the step size at the start, not the gradient noise.")),
        _mc("cap-ema", "In the chapter, the EMA of the weights barely changed the test loss. Why?",
            ("The cosine schedule decays the rate to zero, so the last iterates barely move and their average is "
             "close to the last one", True, "Right: EMA and a decay to zero do much the same job."),
            ("The EMA decay 0.95 is too close to 1", False, "0.95 averages only about the last 20 steps."),
            ("EMA only helps SGD, not AdamW", False, "It averages weights, whatever produced them."),
            ("The EMA was updated before the optimizer step", False, "The code updates it after the step.")),
    ]


BANKS: dict[str, list[Question]] = {
    "warmup": _warmup(),
    "plateau": _plateau(),
    "frameworks": _frameworks(),
    "schedules-matter": _schedules_matter(),
    "why-schedules": _why_schedules(),
    "cyclical": _cyclical(),
    "decay": _decay(),
    "comparing": _comparing(),
    "adam": _adam(),
    "adaptive": _adaptive(),
    "momentum": _momentum(),
    "gradient-descent": _gradient_descent(),
    "sgd": _sgd(),
    "sign-and-memory": _sign_and_memory(),
    "muon-and-shampoo": _muon_and_shampoo(),
    "averaging": _averaging(),
    "data-parallel": _data_parallel(),
    "large-batches": _large_batches(),
    "stability": _stability(),
    "tuning": _tuning(),
    "initialisation": _initialisation(),
    "precision": _precision(),
    "capstone": _capstone(),
}
