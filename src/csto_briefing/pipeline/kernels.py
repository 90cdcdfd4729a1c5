"""Kernels that cannot collide: each kernel talks to its notebook over Unix sockets in a private temporary folder
(ZeroMQ's ipc transport) instead of TCP ports on 127.0.0.1.

With TCP, the kernel manager picks free ports by binding and releasing them, and the kernel binds them a moment
later; kernels started at the same time in other processes (the notebook workers, `make editions`, a second
build) can take the same port in between: "zmq.error.ZMQError: Address already in use", then "Kernel didn't
respond in 60 seconds". A socket file in a folder of its own cannot be taken by anyone else.

Pass `kernel_manager_class=KERNEL_MANAGER` to papermill (or use `IpcKernelManager` directly)."""

from __future__ import annotations

import shutil
import tempfile

from jupyter_client import AsyncKernelManager
from traitlets import default

KERNEL_MANAGER = "csto_briefing.pipeline.kernels.IpcKernelManager"


class IpcKernelManager(AsyncKernelManager):
    """An AsyncKernelManager on the ipc transport, its socket files in a short private folder under the temporary
    folder (a Unix socket path must stay under about 100 characters, which build/.cache/... may not)."""

    _socket_dir: str | None = None

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        if self.transport != "ipc":
            return "127.0.0.1"
        self._socket_dir = tempfile.mkdtemp(prefix="csto-kernel-")
        return f"{self._socket_dir}/k"

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and self._socket_dir:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]
