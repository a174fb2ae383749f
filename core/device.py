"""Choosing where tensors live: CUDA, then Apple MPS, then CPU, unless the user says otherwise."""
from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import torch

from core.errors import UserError


def pick_device(requested: str = "auto") -> torch.device:
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("device cuda was asked for, but PyTorch sees no CUDA GPU; use --device auto")
    if requested == "mps" and not torch.backends.mps.is_available():
        raise UserError("device mps was asked for, but this PyTorch has no Apple MPS support")
    return torch.device(requested)


@functools.lru_cache(maxsize=1)
def cpu_has_native_bf16() -> bool:
    """Whether this CPU multiplies bf16 in hardware (AVX512-BF16 or AMX): there the cpu preset trains
    1.34x faster under bf16 autocast (benchmarks/README.md). Elsewhere oneDNN would emulate bf16, which
    was not measured here, so training stays float32 there."""
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split()
    except OSError:  # not Linux: no way to tell cheaply, so full precision
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def autocast(device: torch.device, *, cpu_bf16: bool = False) -> contextlib.AbstractContextManager:
    """bf16 autocast where it is fast and safe: CUDA with bf16 support, and, when `cpu_bf16` asks
    (training does), CPUs with bf16 instructions; full precision elsewhere. Evaluation on a CPU stays
    float32, so its figures are the same on every host and int8 is measured against true float32.
    bf16 needs no loss scaling, so there is no GradScaler anywhere."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    if device.type == "cpu" and cpu_bf16 and cpu_has_native_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()
