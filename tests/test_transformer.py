"""lessons_lib.transformer: the tiny encoder against torch.nn.TransformerEncoderLayer, the ensemble trick (a member
trains exactly like a lone model), the training loop against torch.optim.AdamW + clip_grad_norm_ + AveragedModel,
and the sorting task."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lessons_lib.transformer import TinyTransformer, evaluate, sorting_batch, sorting_loss, train  # noqa: E402

V, N, D, H = 16, 6, 16, 4


def _torch_twin(model: TinyTransformer) -> torch.nn.Module:
    """A torch.nn.TransformerEncoder with member 0's weights."""
    pre = model.norm == "pre"
    layer = torch.nn.TransformerEncoderLayer(D, H, 4 * D, dropout=0.0, batch_first=True, norm_first=pre)
    enc = torch.nn.TransformerEncoder(layer, model.n_layers, enable_nested_tensor=False,
                                      norm=torch.nn.LayerNorm(D) if pre else None)
    with torch.no_grad():
        for mine, theirs in zip(model.layers, enc.layers):
            theirs.self_attn.in_proj_weight.copy_(mine["w_qkv"][0].T)
            theirs.self_attn.in_proj_bias.copy_(mine["b_qkv"][0])
            theirs.self_attn.out_proj.weight.copy_(mine["w_o"][0].T)
            theirs.self_attn.out_proj.bias.copy_(mine["b_o"][0])
            theirs.linear1.weight.copy_(mine["w_1"][0].T)
            theirs.linear1.bias.copy_(mine["b_1"][0])
            theirs.linear2.weight.copy_(mine["w_2"][0].T)
            theirs.linear2.bias.copy_(mine["b_2"][0])
            for i in (1, 2):
                getattr(theirs, f"norm{i}").weight.copy_(mine[f"ln{i}_w"][0])
                getattr(theirs, f"norm{i}").bias.copy_(mine[f"ln{i}_b"][0])
        if pre:
            enc.norm.weight.copy_(model.final_w[0])
            enc.norm.bias.copy_(model.final_b[0])
    return enc


@pytest.mark.parametrize("norm", ["post", "pre"])
def test_matches_torch_encoder_layer(norm: str) -> None:
    model = TinyTransformer(V, N, D, H, n_layers=2, norm=norm, seeds=[3])
    with torch.no_grad():  # make the LayerNorm parameters non-trivial, so that they are checked too
        for p in model.parameters():
            p.add_(0.1 * torch.randn(p.shape, generator=torch.Generator().manual_seed(p.numel())))
    enc = _torch_twin(model).train()
    x, _ = sorting_batch(5, N, V, torch.Generator().manual_seed(0))
    with torch.no_grad():
        h = model.embed[0][x] * math.sqrt(D) + model.pos[0]
        want = enc(h) @ model.w_out[0] + model.b_out[0]
        got = model(x)
    assert got.shape == (5, N, V)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_norm_placement_differs() -> None:
    x, _ = sorting_batch(4, N, V, torch.Generator().manual_seed(1))
    post, pre = (TinyTransformer(V, N, D, H, 2, norm=n, seeds=[0]) for n in ("post", "pre"))
    pre.load_state_dict({k: v for k, v in post.state_dict().items()}, strict=False)
    with torch.no_grad():
        assert not torch.allclose(post(x), pre(x), atol=1e-3)
    assert post.final_w is None and pre.final_w is not None


def test_mixed_norm_members_equal_lone_models() -> None:
    ens = TinyTransformer(V, N, D, H, 2, norm=["post", "pre", "post"], members=3, seeds=[4, 5, 6])
    x = torch.stack([sorting_batch(7, N, V, torch.Generator().manual_seed(s))[0] for s in range(3)])
    with torch.no_grad():
        out = ens(x)
        for j, (s, n) in enumerate(zip([4, 5, 6], ["post", "pre", "post"])):
            torch.testing.assert_close(out[j], TinyTransformer(V, N, D, H, 2, norm=n, seeds=[s])(x[j]), rtol=0,
                                       atol=1e-6)


def test_shapes_and_members_equal_lone_models() -> None:
    ens = TinyTransformer(V, N, D, H, 2, members=3, seeds=[4, 5, 6])
    x = torch.stack([sorting_batch(7, N, V, torch.Generator().manual_seed(s))[0] for s in range(3)])
    with torch.no_grad():
        out = ens(x)
        assert out.shape == (3, 7, N, V)
        for j, s in enumerate([4, 5, 6]):
            torch.testing.assert_close(out[j], TinyTransformer(V, N, D, H, 2, seeds=[s])(x[j]), rtol=0, atol=1e-6)


def test_deterministic_with_a_seed() -> None:
    a, b = (TinyTransformer(V, N, D, H, 2, seeds=[9]) for _ in range(2))
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    ra, rb = (train(m, np.full(5, 1e-2)) for m in (a, b))
    assert np.array_equal(ra["losses"], rb["losses"])


def test_sorting_batch_targets_sorted() -> None:
    x, y = sorting_batch(50, 9, 5, torch.Generator().manual_seed(2))
    assert x.shape == y.shape == (50, 9) and x.dtype == torch.int64
    assert torch.all(y[:, 1:] >= y[:, :-1])
    assert torch.equal(torch.sort(x, 1).values, y) and int(x.min()) >= 0 and int(x.max()) < 5


def test_a_few_steps_reduce_the_loss() -> None:
    model = TinyTransformer(V, N, D, H, 1, norm="pre", members=2)
    before = evaluate(model, N, V, n=64)
    assert np.allclose(before, math.log(V), atol=0.5)
    out = train(model, np.full(25, 2e-2), batch=8)
    assert np.all(evaluate(model, N, V, n=64) < before - 0.2)
    assert out["losses"].shape == out["grad_norms"].shape == out["update_ratio"].shape == (25, 2)


def test_train_is_adamw_clip_and_ema_per_member() -> None:
    """Members with different rates, decays and thresholds train exactly as lone torch.optim runs."""
    steps, seeds = 12, [1, 2]
    lr = np.stack([np.linspace(1e-3, 3e-2, steps), np.full(steps, 5e-3)], 1)
    wd, clip, decay = [0.1, 0.0], [0.5, np.inf], [0.9, 0.5]
    ens = TinyTransformer(V, N, D, H, 2, members=2, seeds=seeds)
    out = train(ens, lr, batch=8, weight_decay=wd, clip=clip, ema_decay=decay)
    from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn
    for j, s in enumerate(seeds):
        net = TinyTransformer(V, N, D, H, 2, seeds=[s])
        opt = torch.optim.AdamW(net.parameters(), lr=1.0, weight_decay=wd[j])
        sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: lr[t, j] if t < steps else 0.0)
        ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(decay[j]))
        gen, losses, norms = torch.Generator().manual_seed(1000 + s), [], []
        for _ in range(steps):
            x, y = sorting_batch(8, N, V, gen)
            opt.zero_grad()
            loss = sorting_loss(net(x[None]), y[None])[0]
            loss.backward()
            norms.append(float(torch.nn.utils.clip_grad_norm_(net.parameters(), clip[j])))
            opt.step()
            sched.step()
            ema.update_parameters(net)
            losses.append(loss.item())
        np.testing.assert_allclose(out["losses"][:, j], losses, rtol=1e-5)
        np.testing.assert_allclose(out["grad_norms"][:, j], norms, rtol=1e-5)
        # The key bias (entries D:2D of b_qkv) cannot change the output (softmax ignores a shift shared by all
        # keys), so its true gradient is 0 and its computed one is rounding noise, which Adam rescales to full-size
        # steps of either sign: it is the one parameter that is implementation-dependent. Compare the rest.
        for (name, p), q in zip(ens.named_parameters(), net.parameters()):
            keep = torch.ones(p.shape[1:], dtype=torch.bool)
            if name.endswith("b_qkv"):
                keep[D:2 * D] = False
            torch.testing.assert_close(p[j][keep], q[0][keep], rtol=1e-5, atol=1e-6)
        x, _ = sorting_batch(16, N, V, torch.Generator().manual_seed(5))
        with torch.no_grad():
            averaged = out["ema"](x[None].expand(2, -1, -1))[j]
            torch.testing.assert_close(averaged, ema(x[None])[0], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(norm="middle"), "norm='middle'"), (dict(norm=["pre"], members=2), "one per member"),
    (dict(d_model=10, n_heads=4), "multiple of n_heads"),
    (dict(members=2, seeds=[1]), "one per member"), (dict(n_layers=0), "n_layers=0")])
def test_model_arguments_validated(kwargs: dict, match: str) -> None:
    args = dict(vocab=V, seq_len=N, d_model=D, n_heads=H) | kwargs
    with pytest.raises(ValueError, match=match):
        TinyTransformer(**args)


def test_train_and_data_arguments_validated() -> None:
    model = TinyTransformer(V, N, D, H, 1, members=2)
    with pytest.raises(ValueError, match="lr has shape"):
        train(model, np.ones((3, 3)))
    with pytest.raises(ValueError, match="weight_decay"):
        train(model, np.ones(3), weight_decay=[0.1, -1.0])
    with pytest.raises(ValueError, match="ema_decay"):
        train(model, np.ones(3), ema_decay=1.5)
    with pytest.raises(ValueError, match="x has shape"):
        model(torch.zeros(4, N, dtype=torch.long))
    with pytest.raises(ValueError, match="vocab=1"):
        sorting_batch(2, 3, 1)
