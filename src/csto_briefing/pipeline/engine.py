"""The papermill engine `csto`: papermill's own engine (nbclient) with kernels from the warm parent, a time limit per
cell and a size limit on each cell's output.

    papermill notebooks/02_timeline.ipynb out.ipynb --engine csto -p as_of 2022-01-07

Everything papermill promises is kept, because papermill still does it: the `injected-parameters` cell, its
metadata, the error marking of a failed notebook. Only the kernel comes from elsewhere (see kernels.py), and a cell
that runs too long or prints too much stops the notebook as a failing cell would, with an error output that says
which limit it hit (ename `TimeLimit` or `OutputLimit`).

Registered with the `papermill.engine` entry point; imports little until a notebook runs."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from typing import Any

from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbclient.util import ensure_async, run_hook, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.utils import remove_args
from traitlets import Float, Integer

DEFAULT_TIMEOUT = 600  # seconds a cell may run (`--timeout`)
DEFAULT_OUTPUT_LIMIT = 20 * 1024 * 1024  # bytes of output a cell may produce (`--output-limit`)
LIMIT_NAMES = ("TimeLimit", "OutputLimit")  # the enames of a refused cell
_quiet = logging.getLogger("csto_briefing.engine")  # nbclient's own error lines would repeat what the build says in one
_quiet.setLevel(logging.CRITICAL)


def _size(content: dict) -> int:
    data = content.get("data") or {}
    total = len(content.get("text", "")) + len(content.get("evalue", "")) + sum(len(line) for line in content.get("traceback", []))
    for value in data.values():
        total += len(value) if isinstance(value, str) else len(str(value))
    return total


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


class BriefingNotebookClient(PapermillNotebookClient):
    """papermill's client, with a faster start on a forked kernel and the output size limit."""

    output_limit = Integer(DEFAULT_OUTPUT_LIMIT, help="bytes of output a cell may produce; 0: no limit").tag(config=True)
    cell_timeout = Float(DEFAULT_TIMEOUT, help="seconds a cell may run (nbclient's `timeout` takes whole seconds only)").tag(config=True)

    def __init__(self, nb_man, **kw):
        super().__init__(nb_man, **kw)
        self._language_info: dict | None = None
        self._cell_bytes = 0
        self._over_limit = False

    # -- start: ready on the kernel_info reply and its IOPub status, without jupyter_client's fixed waits ----
    async def async_start_new_kernel_client(self):
        assert self.km is not None
        try:
            self.kc = self.km.client()
            await ensure_async(self.kc.start_channels())
            await self._wait_for_ready(self.startup_timeout)
        except Exception:
            await self._async_cleanup_kernel()
            raise
        self.kc.allow_stdin = False
        await run_hook(self.on_notebook_start, notebook=self.nb)
        return self.kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _async_cleanup_kernel(self) -> None:
        """A forked kernel has nothing to save: kill it and go on (jupyter_client would poll for its end every 0.1 s;
        the warm parent reaps it). Any other kernel is shut down as nbclient does."""
        from .kernels import ForkedKernel

        km = self.km
        provisioner = getattr(km, "provisioner", None) if km is not None else None
        if km is None or not isinstance(getattr(provisioner, "process", None), ForkedKernel):
            return await super()._async_cleanup_kernel()
        try:
            provisioner.process.kill()
            provisioner.process = None
        finally:
            await ensure_async(km.cleanup_resources())
            if getattr(self, "kc", None) is not None:
                await ensure_async(self.kc.stop_channels())
                self.kc = None
                self.km = None

    _cleanup_kernel = run_sync(_async_cleanup_kernel)

    async def _wait_for_ready(self, timeout: float) -> None:
        from queue import Empty

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not await ensure_async(self.km.is_alive()):
                raise RuntimeError("Kernel died before replying to kernel_info")
            msg_id = self.kc.kernel_info()
            try:
                reply = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
            except Empty:
                continue
            if reply["parent_header"].get("msg_id") != msg_id:
                continue
            self._language_info = reply["content"].get("language_info")
            # IOPub connected: the kernel's welcome on our subscription (ipykernel 6.21 and later) or the status message
            # of this request arrives. The welcome can come after the status (lost before the subscription took):
            # waiting for the status alone cost half a second in every other kernel start.
            seen = time.monotonic() + 0.5
            while time.monotonic() < seen:
                try:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=max(0.0, seen - time.monotonic())))
                except Empty:
                    break
                if msg["msg_type"] == "iopub_welcome":  # the kernel saw our subscription: IOPub is connected
                    return
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                        and msg["content"].get("execution_state") == "idle":
                    return
        raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    def _get_timeout(self, cell) -> float | None:  # type: ignore[override]
        return self.cell_timeout if cell is not None and self.cell_timeout > 0 else super()._get_timeout(cell)

    # -- the limits ---------------------------------------------------------------------------------------
    def process_message(self, msg: dict, cell, cell_index: int):
        if self.output_limit and msg["msg_type"] in ("stream", "display_data", "execute_result", "error", "update_display_data"):
            self._cell_bytes += _size(msg["content"])
            if self._cell_bytes > self.output_limit and not self._over_limit:
                self._over_limit = True
                cell.outputs = []
                asyncio.ensure_future(ensure_async(self.km.interrupt_kernel()))  # stop the cell printing
            if self._over_limit:
                return None
        return super().process_message(msg, cell, cell_index)

    async def async_execute_cell(self, cell, cell_index: int, execution_count=None, store_history: bool = True):
        self._cell_bytes = 0
        self._over_limit = False
        try:
            result = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        except CellTimeoutError:
            self._cancel_output_polling()
            await ensure_async(self.km.interrupt_kernel())
            raise self._refuse(cell, "TimeLimit", f"still running after the time limit of {self.cell_timeout:g} s (--timeout)") from None
        except CellExecutionError:
            if self._over_limit:
                raise self._refuse(cell, "OutputLimit", f"output over the limit of {_megabytes(self.output_limit)} refused (--output-limit)") from None
            raise
        if self._over_limit:
            raise self._refuse(cell, "OutputLimit", f"output over the limit of {_megabytes(self.output_limit)} refused (--output-limit)")
        return result

    execute_cell = run_sync(async_execute_cell)

    @staticmethod
    def _cancel_output_polling() -> None:
        """nbclient leaves the task reading the cell's output running after a timeout; end it here, quietly."""
        current = asyncio.current_task()
        for task in asyncio.all_tasks():
            if task is not current and getattr(task.get_coro(), "__name__", "") == "_async_poll_output_msg":
                task.cancel()

    def _refuse(self, cell, ename: str, evalue: str) -> CellExecutionError:
        from nbformat.v4 import new_output

        cell.outputs = [new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])]
        return CellExecutionError(f"{ename}: {evalue}", ename, evalue)

    def execute(self, **kwargs: Any):
        """papermill's execute, without asking the kernel for its language again at the end (it said so at the
        start, and a kernel stopped at a limit may not answer)."""
        self.reset_execution_trackers()
        with self.setup_kernel(**kwargs):
            self.log.info(f"Executing notebook with kernel: {self.kernel_name}")
            self.papermill_execute_cells()
            if self._language_info is not None:
                self.nb.metadata["language_info"] = self._language_info
            else:
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
            self.set_widgets_metadata()
        return self.nb


class BriefingEngine(NBClientEngine):
    """papermill's nbclient engine with kernels forked from the warm parent, a cell time limit and an output limit."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, output_limit=DEFAULT_OUTPUT_LIMIT, **kwargs):
        from .kernels import WarmKernelManager

        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        kwargs.setdefault("kernel_manager_class", WarmKernelManager)
        kwargs.setdefault("shutdown_kernel", "immediate")  # a forked kernel has nothing to save
        client = BriefingNotebookClient(
            nb_man, timeout=math.ceil(execution_timeout or DEFAULT_TIMEOUT), cell_timeout=float(execution_timeout or DEFAULT_TIMEOUT),
            startup_timeout=start_timeout, kernel_name=kernel_name,
            log=_quiet, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
            output_limit=int(output_limit or 0), **kwargs)
        # papermill writes the whole output notebook at the start and at the end of every cell, so that a long run can
        # be watched in the file: two writes a cell, each of every output so far (for a notebook with charts, a third
        # of its time). The build reads the file only when the run has ended, and papermill writes it then in any case
        # (notebook_complete, also after a failing cell, a limit or Ctrl-C): the writes in between are left out.
        output_path, nb_man.output_path = nb_man.output_path, None
        try:
            return client.execute()
        finally:
            nb_man.output_path = output_path
