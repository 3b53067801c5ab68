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
    assert "Not converged" in result.output and "raise max_iter (now 30)" in result.output
    assert f"Report of the two-moons run: {report}" in result.output.replace("\n", "")
    html = report.read_text()
    assert 'id="training"' in html and "glassnet demo --seed 0 --max-iter 30" in html


def test_every_command_has_help():
    group = get_command(app)
    for name, command in group.commands.items():
        assert command.help, f"command {name!r} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output
