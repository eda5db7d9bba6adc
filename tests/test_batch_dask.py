"""A batch on a real Dask cluster: worker processes on this machine, through the client's executor.

The workbooks must be byte for byte those of a run in one process, and the
summary must hold the same rows.
"""

from __future__ import annotations

import zipfile

import distributed
import pytest
from batch_processes_support import API_OPTION

import xlfuncs


def scenarios(count):
    return [
        {
            "name": f"case {i}",
            "tasks_per_month": 1000 + 37 * i,
            "reference_option": "B",
            "options": [
                {"name": "small model", **API_OPTION, "accuracy": 0.9, "input_price": 0.15},
                {"name": "large model", **API_OPTION, "accuracy": 0.98 - i / 1000},
            ],
        }
        for i in range(count)
    ]


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_a_batch_on_a_local_cluster_equals_one_in_one_process(tmp_path, client):
    batch = scenarios(40)
    local = xlfuncs.generate(batch, tmp_path / "local", jobs=1)
    on_cluster = xlfuncs.generate(batch, tmp_path / "cluster", executor=client.get_executor())
    assert local.ok and on_cluster.ok, on_cluster.failures
    assert [p.name for p in on_cluster.written] == [p.name for p in local.written]
    for mine, theirs in zip(local.written, on_cluster.written, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), mine.name
    assert on_cluster.summary_rows() == local.summary_rows()
    assert len(on_cluster.summary_rows()) == 80
    # The work was done by the cluster's workers: they made the template's filler.
    made = client.run(lambda: bool(__import__("xlfuncs.batch.run").batch.run._FILLERS))
    assert len(made) == 2 and any(made.values())


def test_failures_come_back_from_the_workers_by_scenario(tmp_path, client):
    batch = scenarios(3)
    (tmp_path / "case 1.xlsx").write_bytes(b"someone else's file")
    report = xlfuncs.generate(batch, tmp_path, executor=client.get_executor())
    assert [o.status for o in report.outcomes[:3]] == ["written", "failed", "written"]
    assert "case 1.xlsx already exists" in report.outcomes[1].reason
    with zipfile.ZipFile(report.written[0]) as archive:
        assert archive.testzip() is None
