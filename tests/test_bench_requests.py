"""The request benchmark's arithmetic: each path against the reference run just before it."""

from bench import requests as bench_requests


def test_each_ratio_pairs_a_path_with_the_reference_run_just_before_it(monkeypatch):
    # The reference page gets slower during the round (200, then 100 requests/s); the widget
    # and the submit are measured at 160 and 60: 0.8 of the first run, 0.6 of the second.
    speeds = iter([2000.0, 200.0, 160.0, 100.0, 60.0])

    def fake_wrk(url, **kwargs):
        return {"rps": next(speeds), "p50_ms": 1.0, "p99_ms": 2.0, "errors": 0}

    monkeypatch.setattr(bench_requests, "wrk", fake_wrk)
    settled = []
    monkeypatch.setattr(bench_requests, "settle", settled.append)
    paths = {name: {"url": name} for name in ("bare", "reference", "widget", "submit")}
    round_ = bench_requests.measure_round(paths, duration=1)
    table = bench_requests.summarise(round_)
    assert table["widget"]["x_reference"] == 0.8
    assert table["submit"]["x_reference"] == 0.6
    assert table["submit"]["x_bare"] == 0.03
    assert table["reference"]["rps"] == 150.0  # the median of its two runs
    assert table["bare"]["x_reference"] == 10.0
    assert settled == ["bare"] * 5  # the server is idle again before every run


def test_a_reference_run_that_completed_nothing_gives_no_ratio(monkeypatch):
    """A run eaten by the previous path's queue answers 0 requests/s; the table says 0, it
    does not stop the benchmark with a division by zero."""
    speeds = iter([2000.0, 0.0, 160.0])
    monkeypatch.setattr(
        bench_requests, "wrk", lambda url, **kw: {"rps": next(speeds), "p50_ms": 1.0, "p99_ms": 2.0}
    )
    monkeypatch.setattr(bench_requests, "settle", lambda url: None)
    paths = {name: {"url": name} for name in ("bare", "reference", "widget")}
    round_ = bench_requests.measure_round(paths, duration=1)
    assert round_["widget"][0]["x_reference"] == 0.0
    assert round_["bare"][0]["x_reference"] == 0.0


def test_every_round_sends_ids_of_its_own():
    """wrk starts each round's Lua afresh (its counter back at 0): the run number must change
    with each start, or the second round re-reports every order and replays every idempotency
    token of the first, which measures duplicates and replays instead of new sales."""
    for script in (bench_requests.INGEST_LUA, bench_requests.SUBMIT_LUA):
        run_line = next(line for line in script.splitlines() if line.startswith("local run ="))
        assert "os.time()" in run_line
