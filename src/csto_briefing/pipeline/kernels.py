"""Kernels forked from a pre-imported parent: start-up and imports paid once, a fresh process for every notebook.

A *warm parent* is a Python process that has imported what the kernels need (IPython, ipykernel, and the modules
the notebooks import: pandas, matplotlib, the package ...) and nothing else: no kernel, no sockets, no threads.
Each kernel is a `fork()` of it that then starts an ordinary ipykernel with the connection file jupyter_client
wrote. A notebook therefore gets what papermill promises, a new kernel holding only its parameters, and more:
every module is as freshly imported, so that nothing one notebook changes (a variable, a module attribute,
matplotlib's rcParams, an open figure) reaches the next.

It is reached through jupyter_client's extension point: `WarmParentProvisioner` is a kernel provisioner
(entry point group `jupyter_client.kernel_provisioners`, name `csto-warm-parent`), and `WarmKernelManager` is a
KernelManager that asks for it. A kernel command that is not ipykernel's is launched the ordinary way.

The parent talks to the process that started it over its stdin/stdout (one JSON line each way per kernel) and
stops, killing its kernels, when that process goes away.

Kernels cannot collide either: each talks to its notebook over Unix sockets in a private temporary folder (ZeroMQ's
ipc transport, `IpcKernelManager`) instead of TCP ports on 127.0.0.1. With TCP, the kernel manager picks free ports by
binding and releasing them, and the kernel binds them a moment later; kernels started at the same time in other
processes (`make editions`, a second build) can take the same port in between: "zmq.error.ZMQError: Address already
in use", then "Kernel didn't respond in 60 seconds". A socket file in a folder of its own cannot be taken by anyone
else."""

from __future__ import annotations

import ast
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

PROVISIONER = "csto-warm-parent"
# Imported by every kernel before it runs a cell. The debugger is left out: it is for interactive use, and its import
# (debugpy) costs a third of a second in every kernel.
KERNEL_MODULES = ["ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.comm", "IPython.core.completer",
                  "jupyter_client.localinterfaces", "psutil", "pygments.lexers.python", "comm"]
# Never imported in the parent: they act on the running kernel when imported (matplotlib's inline backend installs its
# hooks into the IPython shell it finds at import time, and there is none in the parent).
NOT_PRELOADED = ("matplotlib_inline", "ipykernel.pylab", "IPython.core.pylabtools")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def imports_of(notebooks: Iterable[Path]) -> list[str]:
    """The modules the notebooks' code cells import (absolute imports only), for the parent to import once."""
    found: dict[str, None] = {}
    for path in notebooks:
        try:
            nb = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            source = "".join(cell.get("source", []))
            source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update((alias.name, None) for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found[node.module] = None
                    found.update((f"{node.module}.{alias.name}", None) for alias in node.names if alias.name != "*")
    return [m for m in found if not m.startswith(NOT_PRELOADED)]


class ZMQInteractiveShell:
    """What a module imported in the parent sees if it asks `get_ipython()` at import time: a kernel's shell, as it
    would in a kernel (pandas, for one, chooses how wide to print tables by it). Nothing more: anything else asked
    of it is missing, and a module that needs more is imported by each kernel instead."""

    kernel = True
    config = {"IPKernelApp": {}}

    def __getattr__(self, name: str):
        raise AttributeError(name)


def _KernelShellAtImport() -> ZMQInteractiveShell:
    return ZMQInteractiveShell()


# -- the parent process ----------------------------------------------------------------------------------------

def _parent_main() -> None:
    """Run as `python -m csto_briefing.pipeline.kernels MODULE...`: import, then fork a kernel per request."""
    import gc
    import importlib

    if not os.environ.get("MPLBACKEND"):  # what ipykernel sets before any user code imports matplotlib
        os.environ["MPLBACKEND"] = INLINE_BACKEND
    sys.modules.setdefault("debugpy", None)  # type: ignore[arg-type]  # no debugger (see KERNEL_MODULES)
    failed = []
    import builtins

    builtins.get_ipython = _KernelShellAtImport  # type: ignore[attr-defined]
    try:
        for name in [*KERNEL_MODULES, *sys.argv[1:]]:
            try:
                importlib.import_module(name)
            except Exception:  # a name from `from X import Y` that is not a module, a module missing here ...
                failed.append(name)
        _keep_validated_data(failed)
    finally:
        del builtins.get_ipython  # type: ignore[attr-defined]
    threads = threading.active_count()
    gc.collect()
    gc.freeze()  # the kernels share these pages instead of copying them when the collector walks them
    children: set[int] = set()

    def reap(*_: Any) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the process that started us decides when we stop
    out = os.fdopen(os.dup(1), "w", buffering=1)
    out.write(json.dumps({"ready": True, "failed": failed, "threads": threads}) + "\n")
    for line in sys.stdin:
        try:
            request = json.loads(line)
            pid = os.fork()
        except Exception as exc:
            out.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            continue
        if pid == 0:
            _kernel_child(request)  # never returns
        children.add(pid)
        out.write(json.dumps({"pid": pid}) + "\n")
    for pid in list(children):  # the build went away: so do its kernels
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(0)


def _keep_validated_data(failed: list[str]) -> None:
    """When the notebooks load the package's data and the build has validated it (hashing.VALIDATED_ENV, DATA_ENV), read
    the tables once here: every kernel forked from this parent copies them instead of reading and typing them again.
    Each kernel is a process of its own, so what one notebook does to its copy reaches no other."""
    from .. import hashing

    data_dir = os.environ.get(hashing.DATA_ENV)
    if not data_dir or "csto_briefing.data.dataset" not in sys.modules:
        return
    try:
        from ..data.dataset import keep_validated

        keep_validated(Path(data_dir))
    except Exception:  # the kernels read the data themselves, and report what is wrong with it
        failed.append(f"the validated data in {data_dir}")


def _kernel_child(request: dict) -> None:
    """In the forked child: become an ordinary ipykernel with the connection file and arguments given."""
    code = 1
    try:
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.setsid()
        try:  # die with the parent
            import ctypes

            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # anything written below Python goes to the parent's log, never into the build's output
        sys.stdin = open(os.devnull)
        os.chdir(request.get("cwd") or os.getcwd())
        env = request.get("env")
        if env:
            os.environ.clear()
            os.environ.update(env)
        if not os.environ.get("MPLBACKEND"):
            os.environ["MPLBACKEND"] = INLINE_BACKEND
        sys.argv = [sys.executable, "-m", "ipykernel_launcher", *request["argv"]]
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize(request["argv"])
        app.start()
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


class WarmParent:
    """The pre-imported parent, as seen from the process that started it."""

    _current: WarmParent | None = None
    _lock = threading.Lock()

    def __init__(self, modules: list[str], cwd: Path | None = None, log: Path | None = None, key: str = ""):
        self.modules = list(modules)
        self.key = key  # what it was started for (modules, code, environment): another key needs another parent
        self._lock = threading.Lock()
        self._log = open(log, "ab") if log else subprocess.DEVNULL
        env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "csto_briefing.pipeline.kernels", *self.modules], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._log, cwd=str(cwd) if cwd else None, env=env, text=True, bufsize=1,
            start_new_session=True)  # Ctrl-C reaches the build, which stops the parent; not the parent directly
        self._ready: dict | None = None

    def wait_ready(self, timeout: float = 120) -> dict:
        if self._ready is None:
            self._ready = self._reply(timeout)
            if not self._ready.get("ready"):
                raise RuntimeError(f"the kernel parent did not start: {self._ready}")
        return self._ready

    def _reply(self, timeout: float) -> dict:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError("the kernel parent stopped" if self.process.poll() is not None else "the kernel parent did not answer")
        return json.loads(line)

    def fork(self, argv: list[str], cwd: str | None, env: dict[str, str] | None) -> int:
        with self._lock:
            self.wait_ready()
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n")
            self.process.stdin.flush()
            reply = self._reply(60)
        if "pid" not in reply:
            raise RuntimeError(f"the kernel parent could not start a kernel: {reply.get('error')}")
        return int(reply["pid"])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Stop the parent and every kernel it started (closing its stdin is the signal; SIGKILL if it does not go)."""
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except (OSError, ValueError):
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        # its stdout is left to the garbage collector: a thread may still be reading it, and closing it would wait
        if self._log is not subprocess.DEVNULL:
            self._log.close()
        if WarmParent._current is self:
            WarmParent._current = None

    # the parent the provisioner uses in this process
    @classmethod
    def current(cls) -> WarmParent | None:
        parent = cls._current
        return parent if parent is not None and parent.alive() else None

    @classmethod
    def use(cls, parent: WarmParent | None) -> None:
        cls._current = parent

    @classmethod
    def shared(cls, modules: Iterable[str] = ()) -> WarmParent:
        """The parent in use, or one started now (for papermill's `--engine csto` used on its own)."""
        with cls._lock:
            parent = cls.current()
            if parent is None:
                import atexit

                parent = cls(list(modules))
                cls.use(parent)
                atexit.register(parent.stop)
            return parent


# -- jupyter_client's side -------------------------------------------------------------------------------------

def _ipykernel_arguments(cmd: list[str]) -> list[str] | None:
    """The arguments after `python -m ipykernel_launcher` (or `-m ipykernel`), when cmd starts this Python's ipykernel."""
    if len(cmd) < 3 or cmd[1] != "-m" or cmd[2] not in ("ipykernel_launcher", "ipykernel"):
        return None
    exe = Path(cmd[0])
    if exe.name not in ("python", "python3", Path(sys.executable).name) and exe != Path(sys.executable):
        return None
    return cmd[3:]


class ForkedKernel:
    """What LocalProvisioner expects of a Popen, for a kernel that is the parent's child rather than ours."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._fd = None

    def poll(self) -> int | None:
        if self.returncode is None:
            if self._fd is not None:
                if select.select([self._fd], [], [], 0)[0]:
                    self._exited()
            else:
                try:
                    os.kill(self.pid, 0)
                except ProcessLookupError:
                    self._exited()
        return self.returncode

    def _exited(self) -> None:
        self.returncode = 0
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.005)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            if self._fd is not None:
                signal.pidfd_send_signal(self._fd, signum)
            else:
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class WarmParentProvisioner(LocalProvisioner):
    """Kernels forked from the warm parent in use (WarmParent.use / WarmParent.shared), else launched as usual."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        arguments = _ipykernel_arguments(cmd)
        if arguments is None or not hasattr(os, "fork"):  # another kernel, or a system without fork: the usual way
            return await super().launch_kernel(cmd, **kwargs)
        parent = WarmParent.current() or WarmParent.shared()
        env = kwargs.get("env")
        cwd = kwargs.get("cwd")
        pid = parent.fork(arguments, str(cwd) if cwd else None, dict(env) if env else None)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
        self.pid = self.pgid = pid  # the kernel leads its own process group
        self.cwd = cwd or os.getcwd()
        return self.connection_info

    async def wait(self) -> int | None:
        import asyncio

        if self.process is None:
            return 0
        while self.process.poll() is None:
            await asyncio.sleep(0.005)  # LocalProvisioner polls every 0.1 s: most of a short notebook's shutdown
        code = self.process.returncode
        self.process = None
        return code

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return min(recommended, 2.0)


def _with_provisioner(spec: Any) -> Any:
    spec.metadata = {**(spec.metadata or {}), "kernel_provisioner": {"provisioner_name": PROVISIONER}}
    return spec


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


class WarmKernelManager(IpcKernelManager):
    """An IpcKernelManager whose kernels come from the warm parent (kernel_manager_class for nbclient/papermill)."""

    @property
    def kernel_spec(self):  # type: ignore[override]
        spec = super().kernel_spec
        return _with_provisioner(spec) if spec is not None else None


class BlockingWarmKernelManager(KernelManager):
    @property
    def kernel_spec(self):  # type: ignore[override]
        spec = super().kernel_spec
        return _with_provisioner(spec) if spec is not None else None


if __name__ == "__main__":
    _parent_main()
