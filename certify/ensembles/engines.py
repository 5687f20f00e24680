"""Where audit work runs: local worker processes (the default) or a dask.distributed cluster.

An engine only computes: it takes work units (chunks of audit tasks) and hands back futures.
The audit driver collects them in submission order and alone writes the results, so the files
do not depend on the engine, on the number of workers or on which worker ran which network.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import pathlib
from collections import deque
from concurrent.futures import CancelledError, ProcessPoolExecutor, ThreadPoolExecutor
from itertools import islice

from certify.errors import CertifyError

__all__ = ["open_engine", "in_order", "LocalEngine", "DaskEngine", "CONNECT_SECONDS", "code_fingerprint",
           "local_cluster"]

CONNECT_SECONDS = 5.0  # how long to wait for a dask scheduler before giving up
INSTALL_HINT = 'pip install -e ".[dask]"'


class _Later:
    """A future of the in-process engine: the work runs when its result is asked for."""

    def __init__(self, fn, unit):
        self._fn, self._unit = fn, unit

    def result(self):
        return self._fn(self._unit)

    def cancel(self):
        return True


class LocalEngine:
    """Worker processes on this machine: a process pool, or this process when workers == 1."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(max_workers=self.workers) if self.workers > 1 else None
        self.slots = 4 * self.workers if self._pool else 1  # units in flight

    def submit(self, fn, unit):
        return self._pool.submit(fn, unit) if self._pool else _Later(fn, unit)

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def code_fingerprint() -> str:
    """A digest of the certify package's source: equal on two machines iff they run the same code."""
    import certify

    root = pathlib.Path(certify.__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def _fingerprint(*_args, **_kw) -> str:
    """code_fingerprint() as run by a dask worker or scheduler (looked up in *their* certify)."""
    return code_fingerprint()


def _distributed():
    try:
        import distributed
    except ImportError:
        raise CertifyError(f"--scheduler needs dask.distributed, which is not installed: {INSTALL_HINT}") from None
    return distributed


def _local_cluster_size(address: str, workers: int | None) -> int:
    """N of 'local-cluster[:N]' (default: --workers, else every core)."""
    _, sep, n = address.partition(":")
    if not sep:
        return workers or os.cpu_count() or 1
    if not n.isdigit() or int(n) < 1:
        raise CertifyError(f"--scheduler local-cluster:N needs a whole number N >= 1 of workers, got {address!r}")
    return int(n)


def _probe(distributed, address: str, seconds: float) -> None:
    """Open and close one connection to the scheduler (a handshake), or raise CertifyError."""
    async def handshake():
        comm = await distributed.comm.connect(address, timeout=seconds)
        await comm.close()

    # in a thread of its own, so it also works when the caller already runs an event loop
    with ThreadPoolExecutor(1) as ex:
        try:
            ex.submit(asyncio.run, asyncio.wait_for(handshake(), seconds + 1)).result()
        except (OSError, ValueError, asyncio.TimeoutError) as e:  # refused, timed out, or a malformed address
            why = " ".join(str(e).split())[:160] or type(e).__name__
        except Exception:  # it answered, but not in the dask protocol
            why = "something answers there, but not a dask scheduler"
        else:
            return
    raise CertifyError(f"cannot reach a dask scheduler at {address!r} ({why}); "
                       "start one with `dask scheduler` or use --scheduler local-cluster")


class _Remote:
    """A dask future whose loss (scheduler gone, cluster shut down) is a one-line error."""

    def __init__(self, future):
        self._future = future

    def result(self):
        try:
            return self._future.result()
        except (CancelledError, asyncio.CancelledError) as e:
            why = " ".join(str(e).split())[:160]
            raise CertifyError(f"lost the dask cluster ({why}); the lines written so far are kept: "
                               "re-run the same command to resume") from None

    def cancel(self):
        return self._future.cancel()


def local_cluster(n: int):
    """A dask LocalCluster of n single-threaded worker processes on loopback, without dashboard."""
    return _distributed().LocalCluster(
        n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        silence_logs=logging.ERROR,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})  # no fixed HTTP port


class DaskEngine:
    """A dask.distributed cluster: a running scheduler (tcp://host:port) or 'local-cluster[:N]'.

    A local cluster has N single-threaded worker processes on this machine. Each worker process
    decides one unit at a time whatever its thread count (flint's precision is process-global).
    """

    def __init__(self, address: str, workers: int | None = None, seconds: float | None = None):
        distributed = _distributed()
        seconds = CONNECT_SECONDS if seconds is None else seconds
        self._cluster = None
        if address == "local-cluster" or address.startswith("local-cluster:"):
            self._cluster = local_cluster(_local_cluster_size(address, workers))
            address = self._cluster.scheduler_address
        elif workers:
            raise CertifyError("--workers sets local processes; a dask cluster has the workers its "
                               "`dask worker` commands started (or use --scheduler local-cluster:N)")
        try:
            _probe(distributed, address, seconds)
            self._client = distributed.Client(address, timeout=seconds, set_as_default=False)
            self._same_code(address, seconds)
        except BaseException:
            self.close()
            raise
        self.workers = len(self._client.scheduler_info()["workers"])
        self.slots = 4 * max(1, self.workers)  # never 0: workers may come and go

    def _same_code(self, address: str, seconds: float) -> None:
        """The scheduler and every worker run this very certify (else digests could differ)."""
        try:
            self._client.wait_for_workers(1, timeout=seconds)
        except (TimeoutError, asyncio.TimeoutError):
            raise CertifyError(f"the dask scheduler at {address} has no workers; start some with "
                               f"`dask worker {address} --nthreads 1`") from None
        here = code_fingerprint()
        try:
            there = {"scheduler": self._client.run_on_scheduler(_fingerprint)} | self._client.run(_fingerprint)
        except Exception as e:
            there = {"the cluster": f"cannot import certify ({type(e).__name__}: {' '.join(str(e).split())[:100]})"}
        for who, theirs in there.items():
            if theirs != here:
                raise CertifyError(f"the dask cluster at {address} runs other certify code than this one ({who}: "
                                   f"{theirs}, here: {here}); install this certify on the scheduler and every "
                                   f"worker ({INSTALL_HINT})")

    def submit(self, fn, unit):
        return _Remote(self._client.submit(fn, unit, pure=False))

    def close(self):
        client, cluster = getattr(self, "_client", None), self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


def open_engine(scheduler: str | None = None, workers: int | None = None):
    """The local process pool (scheduler None) or a dask cluster (an address or 'local-cluster[:N]')."""
    if workers is not None and workers < 0:
        raise CertifyError(f"--workers must be >= 1 (or 0 for every core), got {workers}")
    return LocalEngine(workers) if scheduler is None else DaskEngine(scheduler, workers)


def in_order(engine, fn, units):
    """fn(unit) for every unit, yielded in the order of `units`, with at most engine.slots in flight."""
    units = iter(units)
    pending = deque(engine.submit(fn, u) for u in islice(units, engine.slots))
    try:
        while pending:
            value = pending.popleft().result()
            pending.extend(engine.submit(fn, u) for u in islice(units, 1))
            yield value
    finally:
        for fut in pending:
            fut.cancel()
