from typer.main import get_command
from typer.testing import CliRunner

from glassnet.cli import app

runner = CliRunner()


def test_demo_trains_both_libraries_and_prints_the_comparison(tmp_path):
    report = tmp_path / "demo.html"
    result = runner.invoke(app, ["demo", "--max-iter", "30", "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert "moons" in result.output and "breast cancer" in result.output
    assert "TN=" in result.output and "TP=" in result.output
    # 30 epochs are too few: the health report says so, for each data set.
    assert result.output.count("Training health") == 2
    # Read on the command line, the advice names options, and says whose they are.
    flat = " ".join(result.output.split())
    assert "Not converged" in flat and "raise --max-iter (now 30)" in flat
    assert "max_iter" not in flat and "learning_rate_init" not in flat
    assert "The advice names options of glassnet train" in flat
    # Without whitespace: Rich wraps lines where the path's length puts them.
    assert "".join(f"Report of the two-moons run: {report}".split()) in "".join(
        result.output.split()
    )
    html = report.read_text()
    assert 'id="training"' in html and "glassnet demo --seed 0 --max-iter 30" in html
    assert "--max-iter (now 30)" in html and "max_iter (now" not in html


def _commands(group, path=()):
    """Every command below ``group``, sub-groups (``glassnet compete ...``) included."""
    for name, command in group.commands.items():
        yield (*path, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*path, name))


def test_every_command_has_help():
    commands = list(_commands(get_command(app)))
    assert len(commands) >= 6
    for path, command in commands:
        assert command.help, f"command {' '.join(path)!r} has no help text"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_demo_json_and_quiet(tmp_path):
    import json

    report = tmp_path / "d.html"
    result = runner.invoke(app, ["demo", "--max-iter", "20", "--report", str(report), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert set(summary["data_sets"]) == {"moons", "breast cancer"}
    assert summary["data_sets"]["moons"]["same_predictions"] is True
    assert "not_converged" in summary["data_sets"]["moons"]["findings"]
    assert summary["report"] == str(report) and report.stat().st_size > 0
    quiet = runner.invoke(app, ["demo", "--max-iter", "5", "--report", str(report), "--quiet"])
    assert quiet.exit_code == 0 and quiet.output == ""
