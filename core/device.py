"""Choosing where tensors live: CUDA, then Apple MPS, then CPU, unless the user says otherwise."""
from __future__ import annotations

import contextlib

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


def autocast(device: torch.device) -> contextlib.AbstractContextManager:
    """bf16 autocast where it is fast and safe (CUDA with bf16 support); full precision elsewhere.

    bf16 needs no loss scaling, so there is no GradScaler anywhere, and CPU/MPS runs stay fp32."""
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()
