"""Publishing: the app folder, anonymity, suppression, the review file, feedback, the CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workbench.cli import main
from workbench.errors import WorkbenchError
from workbench.project import Project
from workbench.publish import review as reviews
from workbench.publish.feedback import FeedbackImportError, feedback_memos, import_feedback
from workbench.publish.publisher import PublishError, prepare, project_names, publish
from workbench.viewer.bundle import load

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<![\w])(?:\+44\s?7\d{3}|\(?0\d{4}\)?)\s?\d{3}\s?\d{3}(?![\w])")


def _published_text(app: Path) -> str:
    """Everything in the app folder a viewer could be served, as one text."""
    parts = []
    for path in sorted(app.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".html", ".ipynb", ".py", ".j2"):
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


def _names(project_root: Path) -> set[str]:
    with Project.open(project_root) as project:
        return project_names(project)


def test_the_app_folder_has_everything_and_nothing_private(published_app: Path,
                                                           coded_demo: Path) -> None:  # fmt: skip
    for name in ("app.ipynb", "bundle/findings.json", "static.html", "viewer/app.py",
                 "voila.py", "PUBLISHED.json"):  # fmt: skip
        assert (published_app / name).is_file(), name
    assert (published_app / "feedback").is_dir()
    assert not list(published_app.rglob("*.sqlite*")) and not list(published_app.rglob("*.key"))
    text = _published_text(published_app)
    names = _names(coded_demo)
    assert len(names) > 50
    # whole words: "#SaveMarloweStreet" is not the handle "SaveMarloweSt"
    leaked = sorted(n for n in names if len(n) >= 4
                    and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))
    assert leaked == []
    quotes = json.dumps(load(published_app / "bundle").data["quotes"], ensure_ascii=False)
    assert EMAIL.findall(quotes) == [] and PHONE.findall(quotes) == []
    assert PHONE.findall(text) == []
    assert "anon_" not in text  # the project's own pseudonyms stay private too


def test_quotes_are_scrubbed_and_marked(published_app: Path) -> None:
    bundle = load(published_app / "bundle")
    quotes = bundle.data["quotes"]
    assert quotes and {q["status"] for q in quotes} <= {"verbatim", "redacted"}
    redacted = [q for q in quotes if q["status"] == "redacted"]
    assert redacted and all(re.search(r"\[(username|link|email|phone number)\]", q["text"])
                            for q in redacted)  # fmt: skip
    assert all(not re.search(r"(^|\s)@\w", q["text"]) for q in quotes)
    assert all(re.fullmatch(r"Contributor \d+", q["contributor"]) for q in quotes)
    per_theme = {}
    for q in quotes:
        per_theme[q["theme"]] = per_theme.get(q["theme"], 0) + 1
    assert max(per_theme.values()) <= 5


def test_small_themes_and_cells_are_suppressed(published_app: Path, coded_demo: Path) -> None:
    from workbench.findings import compute

    with Project.open(coded_demo) as project:
        findings = compute(project, embed=False)
    bundle = load(published_app / "bundle").data
    small = findings.themes[(findings.themes["authors"] > 0) & (findings.themes["authors"] < 5)]
    assert not small.empty and bundle["hidden_themes"] == len(small)
    text = json.dumps(bundle)
    for code_id in small["code_id"]:
        assert f'"{code_id}"' not in text
    assert all(t["authors"] >= 5 for t in bundle["themes"])
    cells = [c for theme in bundle["breakdown"].values() for rows in theme.values() for c in rows]
    assert any(c["suppressed"] for c in cells)
    assert all(c["authors"] is None or c["authors"] >= 5 for c in cells)
    threads = [c["key"] for t in bundle["breakdown"].values() for c in t.get("thread", [])]
    assert threads and all(re.fullmatch(r".+ discussion \d+", k) for k in threads)


@pytest.fixture()
def project_copy(coded_demo: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(coded_demo, root)
    return root


def test_pending_quotes_are_never_published_and_decisions_are_kept(
        project_copy: Path, tmp_path: Path) -> None:  # fmt: skip
    with Project.open(project_copy) as project:
        before = len(project.store.read_events("findings-published"))
        report = publish(project, tmp_path / "app")
        assert report.quotes == 0 and report.quotes_pending > 0
        assert load(tmp_path / "app" / "bundle").data["quotes"] == []
        review = reviews.load(report.review)
        first, second, third = review.quotes[:3]
        review.decide(first.id, "approve")
        review.decide(second.id, "withhold")
        review.decide(third.id, "edit", "My own short wording, thanks @someone")
        review.save()
        report = publish(project, tmp_path / "app")
        quotes = load(tmp_path / "app" / "bundle").data["quotes"]
        assert report.quotes == 2 == len(quotes)
        edited = [q for q in quotes if q["status"] == "edited"]
        assert edited[0]["text"] == "My own short wording, thanks [username]"
        assert second.scrubbed not in [q["text"] for q in quotes]
        again = reviews.load(report.review).by_id()
        assert again[second.id].decision == "withhold" and again[first.id].decision == "approve"
        events = project.store.read_events("findings-published")
        assert len(events) == before + 2 and events[-1].event.quotes == 2


def test_review_file_errors_name_the_file_and_quote(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    path.write_text("codebook_version: 1\nquotes:\n  - {id: q-1, theme: a, decision: maybe}\n")
    with pytest.raises(reviews.ReviewError, match=r"review.yaml: quote 1 \(q-1\): decision"):
        reviews.load(path)
    path.write_text("codebook_version: 1\nquotes:\n  - {id: q-1, theme: a, decision: edit}\n")
    with pytest.raises(reviews.ReviewError, match="edited"):
        reviews.load(path)
    path.write_text("quotes: [unclosed\n")
    with pytest.raises(reviews.ReviewError, match="not valid YAML"):
        reviews.load(path)


def test_publishing_refuses_folders_that_are_not_apps(project_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "thesis"
    other.mkdir()
    (other / "chapter1.docx").write_text("precious")
    with Project.open(project_copy) as project:
        with pytest.raises(PublishError, match="holds files but no published app"):
            publish(project, other)
        with pytest.raises(PublishError, match="inside the private project"):
            publish(project, project_copy / "app")
    assert (other / "chapter1.docx").read_text() == "precious"


def test_a_theme_threshold_above_everyone_publishes_an_empty_but_working_app(
        project_copy: Path, tmp_path: Path) -> None:  # fmt: skip
    from workbench.viewer import pages

    with Project.open(project_copy) as project:
        report = publish(project, tmp_path / "app", min_authors=10_000, approve_pending=True)
    assert report.themes == 0 and report.quotes == 0
    bundle = load(tmp_path / "app" / "bundle")
    for html in (pages.overview(bundle), pages.theme_ranking(bundle), pages.map_page(bundle),
                 pages.methods_page(bundle)):  # fmt: skip
        assert "twb-page" in html


def test_feedback_round_trip(project_copy: Path, tmp_path: Path) -> None:
    from workbench.viewer.app import App

    app_dir = tmp_path / "app"
    with Project.open(project_copy) as project:
        publish(project, app_dir, approve_pending=True)
    app = App(app_dir)
    app.widget()
    theme = app.bundle.themes[1]
    app.show("theme", theme["id"])
    app.feedback_text.value = "   "
    app.send_feedback()
    assert "write something" in app.feedback_status.value
    app.feedback_text.value = "Parking matters more to older people than this suggests."
    app.send_feedback()
    assert "Thank you" in app.feedback_status.value and app.feedback_text.value == ""
    assert len(list((app_dir / "feedback").glob("*.json"))) == 1
    with Project.open(project_copy) as project:
        first = import_feedback(project, app_dir)
        again = import_feedback(project, app_dir)
        memos = feedback_memos(project, theme["id"])
    assert (first["imported"], again["imported"], again["already_imported"]) == (1, 0, 1)
    assert len(memos) == 1 and "Parking matters" in memos[0]["text"]
    # republishing keeps the feedback folder
    with Project.open(project_copy) as project:
        publish(project, app_dir, approve_pending=True)
    assert len(list((app_dir / "feedback").glob("*.json"))) == 1


def test_a_bad_feedback_file_stops_the_import_whole(project_copy: Path, tmp_path: Path) -> None:
    from workbench.viewer import feedback

    app_dir = tmp_path / "app"
    with Project.open(project_copy) as project:
        publish(project, app_dir, approve_pending=True)
        feedback.save(app_dir, theme="feedback", theme_label="x", text="good", bundle_id="b")
        (app_dir / "feedback" / "zz-broken.json").write_text('{"id": "1", "te')
        with pytest.raises(FeedbackImportError, match="zz-broken.json"):
            import_feedback(project, app_dir)
        assert feedback_memos(project) == []
        (app_dir / "feedback" / "zz-broken.json").unlink()
        feedback.save(app_dir, theme="no.such.theme", theme_label="x", text="hm", bundle_id="b")
        with pytest.raises(FeedbackImportError, match="no.such.theme"):
            import_feedback(project, app_dir)
        assert feedback_memos(project) == []


def test_the_app_code_needs_neither_torch_nor_pandas(published_app: Path) -> None:
    code = ("import sys; from viewer.app import App; from viewer import pages; "
            "a = App('.'); [pages.theme_page(a.bundle, t['id']) for t in a.bundle.themes]; "
            "pages.map_page(a.bundle); pages.methods_page(a.bundle); "
            "bad = [m for m in ('torch', 'pandas', 'numpy', 'workbench', 'sentence_transformers') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=published_app, capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_publish_serve_and_feedback(project_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    app_dir = tmp_path / "app"
    result = runner.invoke(main, ["publish", str(project_copy), str(app_dir), "--min-authors",
                                  "6", "--approve-pending", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["themes"] > 0 and data["quotes"] > 0
    assert load(app_dir / "bundle").data["min_authors"] == 6
    result = runner.invoke(main, ["serve", str(app_dir), "--port", "9123", "--print-command"])
    assert result.exit_code == 0 and "voila" in result.output and "9123" in result.output
    result = runner.invoke(main, ["feedback", "import", str(project_copy), str(app_dir)])
    assert result.exit_code == 0 and "0 new pieces" in result.output
    result = runner.invoke(main, ["publish", str(project_copy), str(tmp_path / "x"),
                                  "--codebook-version", "99"])  # fmt: skip
    assert result.exit_code == 2 and "99" in result.output


def test_serving_refuses_a_folder_without_an_app(tmp_path: Path) -> None:
    from workbench.publish.serve import serve_command

    with pytest.raises(WorkbenchError, match="app.ipynb"):
        serve_command(tmp_path)


def test_prepare_scrubs_the_review_candidates(project_copy: Path) -> None:
    with Project.open(project_copy) as project:
        findings, scrubber, review = prepare(project)
    assert review.path.is_relative_to(project_copy / "publishing")
    assert len(review.quotes) == len(findings.quotes)
    assert any(q.scrubbed != q.original for q in review.quotes)
    assert all(scrubber.scrub(q.scrubbed).text == q.scrubbed for q in review.quotes)
