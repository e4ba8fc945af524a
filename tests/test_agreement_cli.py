"""``workbench agreement``, end to end on the coded project of test_agreement_figures."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.test_agreement_figures import code_for_agreement, new_project
from workbench.cli import main


@pytest.fixture()
def study(tmp_path: Path) -> str:
    with new_project(tmp_path / "study") as project:
        code_for_agreement(project)
    return str(tmp_path / "study")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["agreement", *args])


def test_json_has_every_row_with_intervals(study: str) -> None:
    result = run(study, "--json", "--replicates", "200", "--seed", "4")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["coders"] == ["ann", "ben", "cat"]
    assert data["bootstrap"] == {"replicates": 200, "seed": 4, "confidence": 0.95,
                                 "method": data["bootstrap"]["method"]}  # fmt: skip
    assert "cluster bootstrap over comments" in data["bootstrap"]["method"]
    assert data["levels"]["comment"] == {"comments": 4, "units": 4, "single_coded": 1}
    rows = {(r["level"], r["code_id"]): r for r in data["rows"]}
    assert len(rows) == 12, "two levels × (all codes + 5 codes)"
    waiting = rows[("comment", "waiting")]
    assert waiting["alpha"] == pytest.approx(0.625) and waiting["kappa"] is None
    assert waiting["alpha_low"] <= waiting["alpha"] <= waiting["alpha_high"]
    assert rows[("span", "waiting")]["units"] == 77
    again = json.loads(run(study, "--json", "--replicates", "200", "--seed", "4").output)
    assert again == data, "the same seed gives the same intervals"


def test_codes_and_coders_repeated_or_comma_separated(study: str) -> None:
    result = run(study, "--codes", "waiting,delays", "--coders", "ann", "--coders", "ben",
                 "--replicates", "0", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["codes"] == ["waiting", "delays"] and data["coders"] == ["ann", "ben"]
    kappa = {r["code_id"]: r["kappa"] for r in data["rows"] if r["level"] == "comment"}
    assert kappa["waiting"] == pytest.approx(0.5)
    assert all(r["alpha_low"] is None for r in data["rows"]), "--replicates 0: no intervals"
    assert not any(isinstance(v, float) and math.isnan(v) for r in data["rows"]
                   for v in r.values())  # fmt: skip


def test_text_output_is_a_table(study: str) -> None:
    result = run(study, "--replicates", "100", "--confidence", "0.9")
    assert result.exit_code == 0, result.output
    assert "coders: ann, ben, cat; 100 bootstrap replicates (seed 0), 90% intervals" in (
        result.output)
    assert "comment units: 4 in 4 comments (1 coded by one coder only: left out)" in result.output
    assert "span units: 77 in 1 comment\n" in result.output
    [waiting] = [line for line in result.output.splitlines()
                 if line.startswith("comment  waiting")]  # fmt: skip
    assert "0.625 [" in waiting and "n/a (two coders only)" in waiting


def test_errors_are_one_line_with_status_2(study: str) -> None:
    result = run(study, "--codes", "waits")
    assert result.exit_code == 2
    assert "error: unknown code 'waits'; the codebook's codes are: barriers" in result.output
    as_json = run(study, "--coders", "ann,consensus", "--json")
    assert as_json.exit_code == 2
    assert json.loads(as_json.output.splitlines()[0])["type"] == "AgreementError"
    bad = run(study, "--confidence", "95")
    assert bad.exit_code == 2 and "confidence (95.0) must be between 0 and 1" in bad.output
