"""The benchmark runs (tiny sizes: this checks the plumbing and the report, never speed)."""

from __future__ import annotations

import json

import pytest

from condis_edu import bench


def test_bench_runs_the_real_path_and_reports() -> None:
    report = bench.run(nbls=64, repeat=1, chain_lengths=(1, 8), modes=("verifier", "trace"))
    rows = {(r.mode, r.chain_length): r for r in report.results}
    assert sorted(rows) == [("trace", 1), ("trace", 8), ("verifier", 1), ("verifier", 8)]
    for row in report.results:
        assert row.engine_nbls_per_s > 0 and row.floor_nbls_per_s > 0
        assert row.ratio == pytest.approx(row.engine_nbls_per_s / row.floor_nbls_per_s)
    assert rows[("verifier", 1)].target == 0.15 and rows[("verifier", 8)].target is None
    assert rows[("verifier", 8)].alloc_blocks_per_nbl == 0.0  # the steady loop allocates nothing per NBL
    assert "engine NBL/s" in report.to_text()


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--json", "--nbls", "16", "--repeat", "1", "--chains", "8", "--no-alloc"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {r["mode"] for r in data["results"]} == {"verifier", "trace"}
    assert all(r["chain_length"] == 8 and r["alloc_blocks_per_nbl"] is None for r in data["results"])


def test_floor_loop_sets_every_status() -> None:
    from condis_edu._library.ddi.pools import (
        NET_BUFFER_LIST_POOL_PARAMETERS,
        NdisAllocateNetBufferAndNetBufferList,
        NdisAllocateNetBufferListPool,
        PoolRegistry,
    )
    from condis_edu.mirror.nbl import chain

    registry = PoolRegistry.standalone()
    params = NET_BUFFER_LIST_POOL_PARAMETERS(fAllocateNetBuffer=True, DataSize=8)
    params.Header.Type, params.Header.Revision, params.Header.Size = 0x80, 1, 16
    pool = NdisAllocateNetBufferListPool(registry.driver_handle("x"), params)
    assert pool is not None
    nbls = [NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, None, 0, 8) for _ in range(3)]
    for nbl in nbls:
        nbl.Status = 1  # type: ignore[union-attr]
    chain(n for n in nbls if n is not None)
    seen: list[int] = []
    bench.floor_loop(nbls[0], lambda ctx, head, flags: seen.append(head.Status), None, 2)  # type: ignore[arg-type]
    assert seen == [0, 0] and all(n.Status == 0 for n in nbls)  # type: ignore[union-attr]
