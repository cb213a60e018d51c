"""Load order of the frameworks: Triton (PyTorch's compiler, on CUDA builds) must load before TensorFlow.

TensorFlow and Triton each bundle LLVM; with TensorFlow loaded first, loading Triton aborts the process
(``LLVM ERROR: inconsistency in registered CommandLine options``). The CPU build of torch has no Triton, so these
tests plant a stand-in ``triton`` package that records what was loaded before it; with a real Triton installed
(the newest-stack CI job) the last test runs the real sequence.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="TensorFlow not installed")


def _run(code: str, tmp_path: Path, fake_triton: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TRITON_ORDER_LOG=str(tmp_path / "order.log"))
    paths = [str(ROOT)]
    if fake_triton:
        pkg = tmp_path / "site" / "triton"
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text(textwrap.dedent("""
            import os, sys
            with open(os.environ["TRITON_ORDER_LOG"], "a") as log:
                log.write(f"tensorflow loaded before triton: {'tensorflow' in sys.modules}\\n")
            __version__ = "0.0.0"
        """))
        paths.insert(0, str(tmp_path / "site"))
    env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=300)


def test_import_keras_loads_triton_first(tmp_path: Path) -> None:
    proc = _run("""
        from lessons_lib._lazy import import_keras
        import_keras()
        import sys
        assert "tensorflow" in sys.modules and "triton" in sys.modules
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "order.log").read_text().splitlines() == ["tensorflow loaded before triton: False"]


def test_import_torch_warns_when_tensorflow_came_first(tmp_path: Path) -> None:
    proc = _run("""
        import warnings, tensorflow
        from lessons_lib._lazy import import_torch
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import_torch()
        assert any("TensorFlow was loaded before PyTorch's Triton" in str(w.message) for w in caught), caught
    """, tmp_path)
    assert proc.returncode == 0, proc.stderr


def test_no_triton_means_nothing_extra_is_loaded(tmp_path: Path) -> None:
    if importlib.util.find_spec("triton") is not None:
        pytest.skip("a real Triton is installed here")
    proc = _run("""
        from lessons_lib._lazy import import_keras
        import_keras()
        import sys
        assert "torch" not in sys.modules, "import_keras loaded torch although there is no Triton"
    """, tmp_path, fake_triton=False)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(importlib.util.find_spec("triton") is None or importlib.util.find_spec("torch") is None,
                    reason="needs a real Triton (CUDA builds of torch)")
def test_keras_then_a_torch_optimizer_step_with_real_triton(tmp_path: Path) -> None:
    proc = _run("""
        from lessons_lib._lazy import import_keras, import_torch
        keras = import_keras()
        torch = import_torch()
        p = torch.nn.Parameter(torch.ones(3))
        opt = torch.optim.SGD([p], lr=0.1)
        p.sum().backward()
        opt.step()
        assert torch.allclose(p.detach(), torch.full((3,), 0.9))
    """, tmp_path, fake_triton=False)
    assert proc.returncode == 0, proc.stderr
