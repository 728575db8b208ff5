import json

from django.core.management import call_command


def test_bench_dashboard_reports_time_and_queries(world, tmp_path, capsys):
    out = tmp_path / "bench.json"
    call_command(
        "bench_dashboard",
        runs=2,
        place=world.place.slug,
        user=world.leader.email,
        json_path=str(out),
    )
    result = json.loads(out.read_text())
    assert result["data"]["contracts"] == 4
    assert set(result["pages"]) == {"dashboard", "transparency", "commitments.csv", "ocds.json"}
    assert all(page["queries"] > 0 and page["median_ms"] > 0 for page in result["pages"].values())
    assert "median ms" in capsys.readouterr().out
