"""The command line as users meet it, through typer's CliRunner."""

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

from conftest import SEED

runner = CliRunner()


@pytest.fixture()
def in_project(trained_project, monkeypatch):
    monkeypatch.chdir(trained_project)
    return trained_project


def invoke(*args, input=None):
    return runner.invoke(app, list(args), input=input)


def test_help_teaches_every_command():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("clean", "segment", "label", "train", "evaluate", "predict", "suggest", "corpus"):
        assert command in result.output


def test_predict_jsonl_on_the_seed_gives_the_guide_sentences_without_furniture(in_project):
    result = invoke("predict", "--format", "jsonl", str(SEED))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 12
    assert [r["index"] for r in rows] == list(range(12))
    for row in rows:
        assert set(row) >= {"article", "index", "text", "topics", "stance", "topic_scores", "stance_scores"}
        assert row["stance"] in ("supportive", "critical", "neutral")
        assert set(row["topic_scores"]) == {"migration", "fentanyl", "diplomacy"}
        for furniture in ("Getty", "Glebova", "Font Size", "RELATED"):
            assert furniture not in row["text"]


def test_predict_table_is_readable_and_ends_with_a_summary(in_project):
    result = invoke("predict", str(SEED))
    assert result.exit_code == 0
    assert "== " in result.stdout and "overall" in result.stdout


def test_predict_lines_from_stdin(in_project):
    result = invoke("predict", "--lines", "--format", "jsonl", "-", input="Migrants crossed the river.\n\nThe peso rose.\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == ["Migrants crossed the river.", "The peso rose."]
    assert all(r["article"] == "-" for r in rows)


def test_predict_csv_has_one_header(in_project, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("Second Article\n\nThe cartel moved pills north.\n", encoding="utf-8")
    result = invoke("predict", "--format", "csv", str(SEED), str(other))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("article,index,text,topics,stance,p_migration")
    assert sum(line.startswith("article,") for line in lines) == 1
    assert len(lines) == 1 + 12 + 2


def test_predict_output_file_and_summary_only(in_project, tmp_path):
    out = tmp_path / "out.jsonl"
    result = invoke("predict", "--format", "jsonl", "--summary-only", "--output", str(out), str(SEED))
    assert result.exit_code == 0
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert summary["sentences"] == 12 and set(summary["topic_share"]) == {"migration", "fentanyl", "diplomacy"}


def test_predict_explain_names_words(in_project):
    result = invoke("predict", "--format", "jsonl", "--explain", "--lines", "-", input="Migrants crossed the border.\n")
    row = json.loads(result.stdout)
    assert any(row["explain"].values())


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: d / "missing.txt", "missing.txt: no such file or directory"),
        (lambda d: (d / "empty.txt").write_text("", encoding="utf-8") and d / "empty.txt" or d / "empty.txt", "empty.txt: empty file"),
        (lambda d: (d / "blob.txt").write_bytes(b"\x00\x01\x02binary") and d / "blob.txt" or d / "blob.txt", "blob.txt: binary file"),
        (lambda d: (d / "nodir").mkdir() or d / "nodir", "nodir: directory has no .txt"),
    ],
)
def test_bad_inputs_get_one_line_and_exit_4_while_good_ones_run(in_project, tmp_path, make, message):
    bad = make(tmp_path)
    result = invoke("predict", "--format", "jsonl", str(bad), str(SEED))
    assert result.exit_code == 4
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stdout.splitlines()) == 12


def test_invalid_utf8_is_replaced_with_a_warning(in_project, tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Título\n\nMigrants waited in Juárez.\n".encode("latin-1"))
    result = invoke("predict", "--format", "jsonl", str(path))
    assert result.exit_code == 0
    assert "latin1.txt: invalid UTF-8" in result.stderr


def test_missing_model_exits_3_and_says_dvc_repro(in_project, tmp_path):
    result = invoke("predict", "--model", str(tmp_path / "none.joblib"), str(SEED))
    assert result.exit_code == 3
    assert "dvc repro" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_format_is_a_usage_error(in_project):
    result = invoke("predict", "--format", "xml", str(SEED))
    assert result.exit_code == 1 and "--format must be one of" in result.stderr


def test_evaluate_gold_reports_bad_lines_with_file_and_line(in_project, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "Migrants waited.", "topics": ["migration"], "stance": "neutral"}\n{"text": "x", "topics": ["sports"], "stance": "neutral"}\n', encoding="utf-8")
    result = invoke("evaluate", "--gold", str(gold))
    assert result.exit_code == 1
    assert "gold.jsonl:2: unknown topic 'sports'" in result.stderr


def test_evaluate_gold_prints_table_and_json(in_project, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"text": "Migrants waited at the bridge.", "topics": ["migration"], "stance": "neutral"}\n'
        '{"text": "The festival sold tamales.", "topics": [], "stance": "neutral"}\n',
        encoding="utf-8",
    )
    table = invoke("evaluate", "--gold", str(gold))
    assert table.exit_code == 0 and "topic micro-F1" in table.stdout
    as_json = json.loads(invoke("evaluate", "--gold", str(gold), "--format", "json").stdout)
    assert as_json["topics"]["sentences"] == 2


def test_suggest_writes_annotation_records_with_empty_labels(in_project):
    result = invoke("suggest", "--n", "3")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert 0 < len(rows) <= 3
    assert all(r["topics"] == [] and r["stance"] == "" and r["article"] and r["text"] for r in rows)


def test_bad_params_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("labels: [unclosed\n", encoding="utf-8")
    result = invoke("clean")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: params.yaml")


FIXTURES = SEED.parents[1] / "tests" / "fixtures"


def test_predict_extracts_the_article_from_a_saved_web_page(in_project):
    result = invoke("predict", "--format", "jsonl", str(FIXTURES / "page.html"))
    assert result.exit_code == 0, result.output
    texts = [json.loads(line)["text"] for line in result.stdout.splitlines()]
    assert any("Yuma Sector recorded fewer migrant crossings" in t for t in texts)
    assert not any(word in " ".join(texts) for word in ("Subscribe", "Privacy", "Advertisement", "Copyright"))


def test_html_page_without_article_text_is_one_line_and_exit_4(in_project):
    result = invoke("predict", str(FIXTURES / "empty_page.html"))
    assert result.exit_code == 4
    assert "empty_page.html: no article text found in the HTML page" in result.stderr


def test_directories_are_searched_recursively_and_jobs_keep_input_order(in_project, tmp_path):
    for i in range(4):
        (tmp_path / "nested" / str(i)).mkdir(parents=True)
        (tmp_path / "nested" / str(i) / "a.txt").write_text(f"Story {i}\n\nMigrants crossed near Yuma on day {i}.\n", encoding="utf-8")
    serial = invoke("predict", "--format", "jsonl", str(tmp_path / "nested"))
    parallel = invoke("predict", "--format", "jsonl", "--jobs", "2", str(tmp_path / "nested"))
    assert serial.exit_code == parallel.exit_code == 0
    assert serial.stdout == parallel.stdout
    assert [json.loads(l)["article"].split("/")[-2] for l in serial.stdout.splitlines()][::2] == ["0", "1", "2", "3"]


def test_lines_stream_in_batches_with_continuous_indexes(in_project, tmp_path):
    import yaml

    settings = yaml.safe_load((in_project / "params.yaml").read_text(encoding="utf-8"))
    settings["predict"]["batch_size"] = 3
    small = tmp_path / "params.yaml"
    small.write_text(yaml.safe_dump(settings), encoding="utf-8")
    text = "".join(f"Sentence number {i} about migrants.\n" for i in range(10))
    result = invoke("predict", "--lines", "--format", "jsonl", "--params", str(small), "-", input=text)
    assert [json.loads(l)["index"] for l in result.stdout.splitlines()] == list(range(10))
    summary = invoke("predict", "--lines", "--summary-only", "--format", "jsonl", "--params", str(small), "-", input=text)
    assert json.loads(summary.stdout)["sentences"] == 10


def test_json_format_groups_sentences_under_each_article(in_project):
    result = invoke("predict", "--format", "json", str(SEED))
    documents = json.loads(result.stdout)
    assert len(documents) == 1 and len(documents[0]["sentences"]) == 12
    assert documents[0]["summary"]["sentences"] == 12


def test_file_over_the_size_limit_is_refused_with_a_hint(in_project, tmp_path):
    import yaml

    settings = yaml.safe_load((in_project / "params.yaml").read_text(encoding="utf-8"))
    settings["predict"]["max_file_mb"] = 0
    small = tmp_path / "params.yaml"
    small.write_text(yaml.safe_dump(settings), encoding="utf-8")
    result = invoke("predict", "--params", str(small), str(SEED))
    assert result.exit_code == 4
    assert "larger than 0 MB; split it, or use --lines" in result.stderr


def test_unreadable_file_is_reported_and_the_rest_still_run(in_project, tmp_path, monkeypatch):
    import builtins

    locked = tmp_path / "locked.txt"
    locked.write_text("Headline\n\nText.\n", encoding="utf-8")
    real_open = builtins.open

    def guarded(file, *args, **kwargs):
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    result = invoke("predict", "--format", "jsonl", str(locked), str(SEED))
    assert result.exit_code == 4
    assert "locked.txt: cannot read (Permission denied)" in result.stderr
    assert len(result.stdout.splitlines()) == 12


def test_model_from_another_scikit_learn_warns_with_both_versions(in_project, tmp_path):
    import shutil

    shutil.copy(in_project / "models/model.joblib", tmp_path / "old.joblib")
    metadata = json.loads((in_project / "models/model.json").read_text(encoding="utf-8"))
    metadata["libraries"]["scikit-learn"] = "0.24.2"
    (tmp_path / "old.json").write_text(json.dumps(metadata), encoding="utf-8")
    result = invoke("predict", "--model", str(tmp_path / "old.joblib"), "--lines", "-", input="Migrants waited.\n")
    assert result.exit_code == 0
    assert "built with scikit-learn 0.24.2, running" in result.stderr
