"""The codebook model: the starter codebook, the rules between codes, the JSON Schema."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML

from workbench.codebook.model import Code, Codebook, consistency_problems, label_of, new_code_id
from workbench.codebook.schema import REGENERATE, SCHEMA_ID, codebook_schema, main, schema_text
from workbench.codebook.yamlfile import load, parse
from workbench.errors import CodebookError

ROOT = Path(__file__).resolve().parent.parent
STARTER = ROOT / "codebooks" / "social-media-health-qi.yaml"
SCHEMA = ROOT / "codebooks" / "codebook.schema.json"

#: Each theme of the seed review (and the feedback family) and the codes that cover it.
THEMES = {
    "reaching new or hard-to-reach audiences": [
        "audiences", "audiences.new", "audiences.hard-to-reach"],
    "under-use and low participation": [
        "underuse", "underuse.low-uptake", "underuse.missing-groups"],
    "barriers (access, familiarity)": ["barriers", "barriers.access", "barriers.familiarity"],
    "enablers: making discussions safe": [
        "enablers", "enablers.safety", "enablers.safety.monitoring",
        "enablers.safety.moderation", "enablers.safety.group-rules"],
    "enablers: facilitating access": [
        "enablers.access", "enablers.access.practical", "enablers.access.teaching",
        "enablers.access.blended"],
    "negative, false or malicious messaging": [
        "messaging", "messaging.misinformation", "messaging.bots", "messaging.trolling"],
    "harms and negative experiences": ["harms", "harms.distress", "harms.retaliation"],
    "low-quality engagement": [
        "low-quality", "low-quality.tokenistic", "low-quality.shallow",
        "low-quality.unanswered"],
    "building relationships": [
        "relationships", "relationships.trust", "relationships.transparency",
        "relationships.understanding", "relationships.hierarchy", "relationships.bridging"],
    "anonymity and privacy": [
        "privacy", "privacy.anonymity", "privacy.real-names", "privacy.disclosure"],
    "emerging risks": ["emerging", "emerging.filter-bubbles", "emerging.data-selling"],
    "content of feedback": [
        "feedback", "feedback.experience", "feedback.suggestion", "feedback.praise",
        "feedback.complaint"],
}  # fmt: skip


@pytest.fixture(scope="module")
def starter() -> Codebook:
    codebook, _ = load(STARTER)
    return codebook


# -- the starter codebook ---------------------------------------------------------------


def test_starter_loads_as_version_1_with_its_creation_logged(starter: Codebook) -> None:
    assert starter.id == "social-media-health-qi"
    assert starter.version == 1
    assert [(c.version, c.operation) for c in starter.changes] == [(1, "create")]
    assert starter.changes[0].rationale.strip()
    assert starter.changes[0].codes == starter.ids, "the create entry lists every code, in order"


@pytest.mark.parametrize("theme", list(THEMES))
def test_starter_covers_each_theme(starter: Codebook, theme: str) -> None:
    ids = THEMES[theme]
    assert [i for i in ids if not starter.has(i)] == []
    family = ids[0]
    for code_id in ids:
        assert starter.code(code_id).status == "active"
        assert family in starter.path(code_id), f"{code_id} is not under {family}"


def test_starter_is_a_hierarchy_of_families(starter: Codebook) -> None:
    tops = [c.id for c in starter.children(None)]
    assert tops == ["audiences", "underuse", "barriers", "enablers", "messaging", "harms",
                    "low-quality", "relationships", "privacy", "emerging", "feedback"]
    assert all(starter.children(top) for top in tops), "every family has children"
    assert starter.path("enablers.safety.moderation") == [
        "enablers", "enablers.safety", "enablers.safety.moderation"]
    assert starter.path("enablers.access.blended")[:2] == ["enablers", "enablers.access"]
    # Readable families: a child's id starts with its parent's.
    assert [c.id for c in starter.codes if c.parent and not c.id.startswith(c.parent + ".")] == []
    covered = {i for ids in THEMES.values() for i in ids}
    assert covered == set(starter.ids), "THEMES names every code of the starter"


def test_every_starter_code_is_complete(starter: Codebook) -> None:
    incomplete = {}
    for code in starter.codes:
        missing = [name for name in ("label", "definition", "use_when", "do_not_use_when")
                   if not getattr(code, name).strip()]
        if len(code.examples) < 2 or any(not e.strip() or len(e) > 100 for e in code.examples):
            missing.append("examples (two or more, each short)")
        if code.color is None:
            missing.append("color")
        if missing:
            incomplete[code.id] = missing
    assert incomplete == {}


def test_starter_codes_are_distinct(starter: Codebook) -> None:
    labels = [c.label for c in starter.codes]
    colors = [c.color.lower() for c in starter.codes]
    examples = [e for c in starter.codes for e in c.examples]
    assert len(set(labels)) == len(labels)
    assert len(set(colors)) == len(colors), "each code its own colour on the map"
    assert len(set(examples)) == len(examples)


def test_starter_cross_references_name_real_codes(starter: Codebook) -> None:
    """``do_not_use_when`` points coders at better codes: each one named must exist."""
    dangling = {}
    for code in starter.codes:
        text = " ".join([code.definition, code.use_when, code.do_not_use_when])
        named = set(re.findall(r"\b[a-z][a-z-]*(?:\.[a-z][a-z-]*)+\b", text)) - {"e.g"}
        named |= set(re.findall(r"\(use ([a-z][a-z.-]*[a-z])[,)]", text))
        named |= set(re.findall(r"\(use ([a-z][a-z.-]*[a-z]) or ", text))
        if unknown := sorted(n for n in named if not starter.has(n)):
            dangling[code.id] = unknown
    assert dangling == {}
    pointers = [c for c in starter.codes if re.search(r"\buse [a-z-]+\.[a-z]", c.do_not_use_when)]
    assert len(pointers) > len(starter.codes) // 2, "most codes name a better code"


def test_starter_has_notes_for_analysts() -> None:
    text = STARTER.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=codebook.schema.json\n")
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert len(comments) > 20
    assert any("most specific code" in line for line in comments)


# -- rules between codes, located -------------------------------------------------------

HEAD = "id: rules\ntitle: Rules\ncodes:\n"


def _located(codes_yaml: str, path: str = "rules.yaml") -> CodebookError:
    with pytest.raises(CodebookError) as caught:
        parse(HEAD + textwrap.dedent(codes_yaml), path)
    return caught.value


@pytest.mark.parametrize(
    ("codes_yaml", "line", "code_id", "problem"),
    [
        pytest.param("""\
            - id: a
              label: A
            - id: b
              label: B
            - id: a
              label: A again
            """, 8, "a", "the id is used twice", id="duplicate-id"),
        pytest.param("""\
            - id: a
              label: A
            - id: b
              label: B
              parent: nope
            """, 8, "b", "parent 'nope' is not a code", id="unknown-parent"),
        pytest.param("""\
            - id: top
              label: Top
            - id: a
              label: A
              parent: b
            - id: b
              label: B
              parent: a
            """, 8, "a", "the parents form a loop", id="parent-loop"),
        pytest.param("""\
            - id: a
              label: A
              parent: a
            """, 6, "a", "cannot be its own parent", id="own-parent"),
        pytest.param("""\
            - id: a
              label: A
            - id: b
              label: B
              status: merged
            """, 6, "b", "status is merged but merged_into is empty", id="merged-no-target"),
        pytest.param("""\
            - id: a
              label: A
            - id: b
              label: B
              merged_into: a
            """, 8, "b", "merged_into is set but status is 'active'", id="target-not-merged"),
        pytest.param("""\
            - id: a
              label: A
              status: retired
              merged_into: b
            - id: b
              label: B
            """, 7, "a", "merged_into is set but status is 'retired'", id="retired-with-target"),
        pytest.param("""\
            - id: a
              label: A
              status: merged
              merged_into: gone
            """, 7, "a", "merged_into 'gone' is not a code", id="unknown-merge-target"),
        pytest.param("""\
            - id: keep
              label: Keep
            - id: a
              label: A
              status: merged
              merged_into: b
            - id: b
              label: B
              status: merged
              merged_into: a
            """, 9, "a", "merge loop", id="merge-loop"),
        pytest.param("""\
            - id: a
              label: A
              status: merged
              merged_into: a
            """, 7, "a", "merge loop", id="merged-into-itself"),
        pytest.param("""\
            - id: a
              label: A
            - id: Bad Id
              label: B
            """, 6, "Bad Id", "id: String should match pattern", id="bad-id"),
        pytest.param("""\
            - id: a
              label: A
              color: '#12345'
            """, 6, "a", "color: String should match pattern", id="bad-colour"),
        pytest.param("""\
            - id: a
              label: A
              status: archived
            """, 6, "a", "status: Input should be 'active', 'merged' or 'retired'",
            id="bad-status"),
    ],
)
def test_rule_errors_name_file_line_and_code(
    codes_yaml: str, line: int, code_id: str, problem: str
) -> None:
    """The line is the offending key's (or the code's first line when the key is absent)."""
    error = _located(codes_yaml)
    assert (str(error.path), error.line, error.code_id) == ("rules.yaml", line, code_id)
    assert problem in error.problem
    assert str(error).startswith(f"rules.yaml, line {line}, code {code_id!r}: ")


def test_pattern_errors_quote_the_value_and_say_what_is_expected() -> None:
    error = _located("- id: a\n  label: A\n  color: red\n")
    assert "(got 'red')" in str(error) and "#rrggbb" in str(error)
    error = _located("- id: Waiting-Times\n  label: W\n")
    assert "(got 'Waiting-Times')" in str(error) and "lower case" in str(error)


def test_every_problem_is_listed_not_just_the_first() -> None:
    codebook = Codebook.model_construct(codes=[
        Code(id="a", label="A", parent="ghost"),
        Code(id="a", label="A2"),
        Code(id="b", label="B", merged_into="a"),
    ])  # fmt: skip
    problems = consistency_problems(codebook)
    assert [code_id for code_id, _ in problems] == ["a", "a", "b"]
    valid = Codebook(id="ok", title="OK", codes=[Code(id="a", label="A")])
    assert consistency_problems(valid) == []


def test_the_model_refuses_bad_codebooks_without_a_file() -> None:
    with pytest.raises(ValidationError, match="code 'b': parent 'x' is not a code"):
        Codebook(id="cb", title="T", codes=[Code(id="a", label="A"),
                                            Code(id="b", label="B", parent="x")])
    with pytest.raises(ValidationError, match="lable"):
        Code.model_validate({"id": "a", "lable": "A"})
    with pytest.raises(ValidationError):
        Code(id="a", label="")


# -- reading a codebook -----------------------------------------------------------------


def test_resolve_follows_merges_to_the_code_that_holds_the_codings() -> None:
    codebook = Codebook(id="cb", title="T", codes=[
        Code(id="old", label="Old", status="merged", merged_into="mid"),
        Code(id="mid", label="Mid", status="merged", merged_into="new"),
        Code(id="new", label="New"),
        Code(id="gone", label="Gone", status="retired"),
    ])  # fmt: skip
    assert codebook.resolve("old") == "new"
    assert codebook.resolve("gone") == "gone"
    assert [c.id for c in codebook.active] == ["new"]
    assert label_of(codebook, "mid") == "Mid (mid)"
    assert label_of(codebook, "unknown") == "unknown"
    with pytest.raises(KeyError):
        codebook.code("unknown")


def test_new_code_ids_are_readable_and_never_reused() -> None:
    assert new_code_id("Trust & transparency", set()) == "trust-transparency"
    assert new_code_id("Trust & transparency", {"trust-transparency"}) == "trust-transparency-2"
    assert new_code_id("Trust", {"trust", "trust-2"}) == "trust-3"
    assert new_code_id("111 calls", set()) == "code-111-calls"
    assert new_code_id("😀", set()) == "code"
    assert re.match(Code.model_fields["id"].metadata[0].pattern, new_code_id("Ça va?", set()))


# -- the JSON Schema --------------------------------------------------------------------


def test_checked_in_schema_is_current() -> None:
    stale = f"{SCHEMA.relative_to(ROOT)} is stale: regenerate it with `{REGENERATE}`"
    assert SCHEMA.is_file(), stale
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == codebook_schema(), stale


def test_schema_is_identified_and_generated_from_the_models() -> None:
    schema = codebook_schema()
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["$defs"]["Code"]["properties"]) == set(Code.model_fields)
    assert schema["$defs"]["Code"]["additionalProperties"] is False


def test_schema_command_writes_the_checked_in_text(tmp_path: Path) -> None:
    printed = subprocess.run([sys.executable, "-m", "workbench.codebook.schema"],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert printed == schema_text()
    assert main([str(tmp_path / "s.json")]) == 0
    assert (tmp_path / "s.json").read_text(encoding="utf-8") == schema_text()
    assert main(["a", "b"]) == 2


def _plain_yaml(path: Path) -> dict:
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_starter_validates_against_the_checked_in_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator.iter_errors(_plain_yaml(STARTER))]
    assert errors == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["codes"][0].update(lable="x"), "'lable' was unexpected"),
        (lambda d: d["codes"][1].update(color="red"), "is not valid under any"),
        (lambda d: d["codes"][2].pop("label"), "'label' is a required property"),
        (lambda d: d["codes"][3].update(status="archived"), "'archived' is not one of"),
        (lambda d: d.update(version=0), "0 is less than the minimum of 1"),
    ],
)
def test_schema_catches_what_editors_should_flag(change, expected: str) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    document = _plain_yaml(STARTER)
    change(document)
    assert [e.message for e in validator.iter_errors(document) if expected in e.message]
