"""Several processes through PyTorch's own engine: `torchrun --nproc_per_node N -m core train …`.

torchrun sets RANK, WORLD_SIZE and LOCAL_RANK; with them present we join a process group (NCCL
on GPUs, gloo on CPUs) and the trainer wraps the model in DistributedDataParallel. Without them
everything here is a no-op, so single-process runs pay nothing.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class Distributed:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Only the main process writes metrics, logs and checkpoints."""
        return self.rank == 0

    @classmethod
    def from_environment(cls) -> Distributed:
        """Join the process group torchrun prepared, once; a plain run gets the single-process view."""
        world_size = int(os.environ.get("WORLD_SIZE", "1"))
        if world_size == 1:
            return cls()
        context = cls(rank=int(os.environ["RANK"]), world_size=world_size,
                      local_rank=int(os.environ.get("LOCAL_RANK", "0")))
        if not dist.is_initialized():
            backend = "nccl" if torch.cuda.is_available() else "gloo"
            if backend == "nccl":
                torch.cuda.set_device(context.local_rank)
            dist.init_process_group(backend=backend)
        return context

    def device_name(self, requested: str) -> str:
        """Each process drives its own GPU: "cuda" becomes "cuda:<local rank>"."""
        if self.enabled and requested in ("auto", "cuda") and torch.cuda.is_available():
            return f"cuda:{self.local_rank}"
        return requested

    def any_true(self, flag: bool, device: torch.device) -> bool:
        """Agree on a flag (a stop request seen by any process stops all, so none waits forever)."""
        if not self.enabled:
            return flag
        value = torch.tensor([1.0 if flag else 0.0], device=device)
        dist.all_reduce(value, op=dist.ReduceOp.MAX)
        return bool(value.item())

    def sum(self, value: torch.Tensor) -> torch.Tensor:
        if not self.enabled:
            return value
        value = value.clone()
        dist.all_reduce(value, op=dist.ReduceOp.SUM)
        return value

    def mean(self, value: torch.Tensor) -> torch.Tensor:
        return self.sum(value) / self.world_size

    def barrier(self) -> None:
        if self.enabled:
            dist.barrier()
