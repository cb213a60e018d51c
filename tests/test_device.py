"""The device-selection helper, and on a GPU machine, proof that the training code really runs there.

The GPU workflow (.github/workflows/gpu.yml) sets ``LESSONS_EXPECT_CUDA=1``: there the last test *fails* unless a
model, its data, its gradients and its optimizer state all live on the GPU after real training steps. Elsewhere it
is skipped (no CUDA) and the helper's CPU behaviour and its errors are tested.
"""

from __future__ import annotations

import os

import pytest

torch = pytest.importorskip("torch")

from lessons_lib.device import ENV_VAR, describe_device, torch_device  # noqa: E402
from lessons_lib.stability import sharpness  # noqa: E402

EXPECT_CUDA = os.environ.get("LESSONS_EXPECT_CUDA") == "1"


def test_default_follows_cuda_availability(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert torch_device().type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_explicit_cpu_and_env_override(monkeypatch):
    assert torch_device("cpu") == torch.device("cpu")
    monkeypatch.setenv(ENV_VAR, "cpu")
    assert torch_device() == torch.device("cpu")
    assert describe_device("cpu").startswith("cpu (")


@pytest.mark.parametrize("bad", ["gpu", "mps", "cuda:x", "", "CUDA0"])
def test_bad_names_are_rejected_with_the_parameter(bad):
    with pytest.raises(ValueError, match=r"name=.*allowed: 'cpu', 'cuda' or 'cuda:N'"):
        torch_device(bad)


def test_bad_env_value_names_the_variable(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "tpu")
    with pytest.raises(ValueError, match=ENV_VAR):
        torch_device()


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_request_without_cuda_is_an_error_not_a_fallback():
    with pytest.raises(ValueError, match="asks for CUDA"):
        torch_device("cuda")


@pytest.mark.skipif(not (torch.cuda.is_available() or EXPECT_CUDA), reason="no CUDA device here")
def test_training_really_lands_on_the_gpu(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    device = torch_device()
    assert device.type == "cuda", f"LESSONS_EXPECT_CUDA=1 but torch_device() chose {device}"
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(256, 8, generator=gen).to(device)
    y = (X[:, 0] > 0).long()
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2)).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    for _ in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(X), y)
        loss.backward()
        opt.step()
    tensors = [*model.parameters(), *(p.grad for p in model.parameters())]
    tensors += [v for s in opt.state.values() for v in s.values() if torch.is_tensor(v) and v.dim() > 0]
    assert tensors and all(t.is_cuda for t in tensors)
    params = list(model.parameters())
    top = sharpness(lambda: torch.nn.functional.cross_entropy(model(X), y), params, iters=10)
    assert top > 0 and all(p.is_cuda for p in params)
    assert describe_device(device).startswith("cuda:")
