"""Audits on a dask cluster: the same bytes as local processes, resumable, and clear errors."""

import sys

import pytest

from certify.cli import main
from certify.ensembles import engines
from certify.ensembles.audit import Audit, run_audit
from certify.errors import CertifyError

pytest.importorskip("distributed")

FILES = ("audit.json", "results.jsonl", "summary.json")
ARGS = ["audit", "--widths", "2,4", "--samples", "10", "--seed", "5"]


def small_audit():
    return Audit("relu", "he", [2, 4, 8], [1.0], 20, 11, protocol="grid163")


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes on loopback, no dashboard."""
    with engines.local_cluster(2) as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def local_files(tmp_path_factory):
    """The reference: the small audit decided by local processes."""
    out = tmp_path_factory.mktemp("local")
    run_audit(small_audit(), str(out), workers=2)
    return {name: (out / name).read_bytes() for name in FILES}


def _files(out):
    return {name: (out / name).read_bytes() for name in FILES}


def test_dask_gives_the_local_bytes(cluster, local_files, tmp_path):
    """Same seed, dask engine (2 workers, units of 4 networks): byte-identical audit, results and summary."""
    run_audit(small_audit(), str(tmp_path), scheduler=cluster, chunk=4)
    assert _files(tmp_path) == local_files


def test_interrupted_dask_run_resumes_to_the_same_bytes(cluster, local_files, tmp_path):
    """Stopped after 3 units, the file holds exactly 3 units of complete lines; the resumed run starts after them."""
    def stop_after_three(text, calls=[]):
        calls.append(text)
        if len(calls) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_audit(small_audit(), str(tmp_path), scheduler=cluster, chunk=5, progress=stop_after_three)
    kept = (tmp_path / "results.jsonl").read_bytes()
    assert kept == b"".join(local_files["results.jsonl"].splitlines(keepends=True)[:15])
    seen = []
    run_audit(small_audit(), str(tmp_path), scheduler=cluster, chunk=5, progress=seen.append)
    assert seen[0] == "20/60 networks decided" and seen[-1] == "60/60 networks decided"
    assert _files(tmp_path) == local_files


def test_local_cluster_form(tmp_path):
    """`--scheduler local-cluster:1` starts its own cluster and writes what a local run writes."""
    assert main(ARGS + ["--out", str(tmp_path / "a"), "--workers", "1"]) == 0
    assert main(ARGS + ["--out", str(tmp_path / "b"), "--scheduler", "local-cluster:1"]) == 0
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "nonsense", "local-cluster:0"])
def test_bad_scheduler_is_one_line_exit_2_and_writes_nothing(address, tmp_path, capsys, monkeypatch):
    """An unreachable or malformed scheduler address: exit 2, one line on stderr, no output folder."""
    monkeypatch.setattr(engines, "CONNECT_SECONDS", 0.5)
    assert main(ARGS + ["--out", str(tmp_path / "a"), "--scheduler", address]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("certify: error:")
    assert not (tmp_path / "a").exists()


def test_missing_dask_names_the_extra(tmp_path, capsys, monkeypatch):
    """Without dask installed, --scheduler says how to install it (one line, exit 2, nothing written)."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` now raises ImportError
    assert main(ARGS + ["--out", str(tmp_path / "a"), "--scheduler", "local-cluster:1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and 'pip install -e ".[dask]"' in err
    assert not (tmp_path / "a").exists()


def test_cluster_with_other_code_is_refused(cluster, tmp_path, monkeypatch):
    """Workers whose certify source differs from the driver's are refused before any network is sent."""
    monkeypatch.setattr(engines, "code_fingerprint", lambda: "0" * 16)  # the driver's view only
    with pytest.raises(CertifyError, match="other certify code"):
        run_audit(small_audit(), str(tmp_path / "a"), scheduler=cluster)
    assert not (tmp_path / "a").exists()


def test_workers_option_is_for_local_engines(cluster, tmp_path):
    """--workers with a running scheduler is an input error (the cluster decides its size)."""
    with pytest.raises(CertifyError, match="--workers sets local processes"):
        run_audit(small_audit(), str(tmp_path / "a"), scheduler=cluster, workers=2)


def test_lost_cluster_is_one_line(tmp_path):
    """A cluster that goes away mid-run: a CertifyError saying to re-run, the written lines kept whole."""
    cluster = engines.local_cluster(1)
    try:
        with pytest.raises(CertifyError, match="lost the dask cluster"):
            run_audit(small_audit(), str(tmp_path), scheduler=cluster.scheduler_address, chunk=4,
                      progress=lambda text: cluster.close())
    finally:
        cluster.close()
    data = (tmp_path / "results.jsonl").read_bytes()
    assert data.endswith(b"\n") and data.count(b"\n") % 4 == 0
