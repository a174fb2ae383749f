"""The hub code path, driven through local files with the same `load_dataset` call."""
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.config import SourceSpec
from core.data.sources import download, resolve_source
from core.data.streaming import stream_documents, tiny_codes_document
from core.errors import UserError
from core.workspace import Workspace


def write_parquet(folder, rows):
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / "train-00000-of-00001.parquet")
    return folder


def test_hub_source_streams_only_what_is_asked(tmp_path):
    folder = write_parquet(tmp_path / "tinystories", [{"text": f"Story {i}. The end."} for i in range(500)])
    spec = SourceSpec(kind="hub", path=str(folder), column="text")
    stream = stream_documents(spec)
    assert [next(stream) for _ in range(3)] == ["Story 0. The end.", "Story 1. The end.", "Story 2. The end."]


def test_filter_and_tiny_codes_format(tmp_path):
    response = "Here is the script:\n```bash\n#!/bin/bash\nls -la \"$1\"\n```\nIt lists files."
    rows = [{"prompt": "List the files in a folder. Use ls.", "response": response,
             "programming_language": "Bash"},
            {"prompt": "Print hello", "response": "```python\nprint(1)\n```", "programming_language": "Python"},
            {"prompt": "No code here", "response": "Just prose.", "programming_language": "Bash"}]
    folder = write_parquet(tmp_path / "tiny-codes", rows)
    spec = SourceSpec(kind="hub", path=str(folder), column="response",
                      filter={"programming_language": "Bash"}, format="tiny_codes")
    assert list(stream_documents(spec)) == ['#!/bin/bash\n# List the files in a folder.\nls -la "$1"\n']


def test_tiny_codes_without_shebang_gets_the_template():
    assert tiny_codes_document("Show disk use", "```sh\ndf -h\n```") == "#!/bin/bash\n# Show disk use\ndf -h\n"


def test_grouped_rows_make_passages(tmp_path):
    folder = write_parquet(tmp_path / "books", [{"text": f"Sentence {i}."} for i in range(5)])
    spec = SourceSpec(kind="hub", path=str(folder), group_rows=2)
    assert list(stream_documents(spec)) == ["Sentence 0. Sentence 1.", "Sentence 2. Sentence 3.", "Sentence 4."]


def test_local_text_jsonl_and_parquet(tmp_path):
    (tmp_path / "stories.txt").write_text("One story.\n<|endoftext|>\nTwo story.\n<|endoftext|>\n")
    (tmp_path / "more.jsonl").write_text(json.dumps({"text": "From json."}) + "\n")
    write_parquet(tmp_path / "pq", [{"text": "From parquet."}])
    spec = resolve_source("english", "local", str(tmp_path))
    assert sorted(d.strip() for d in stream_documents(spec)) == [
        "From json.", "From parquet.", "One story.", "Two story."]


def test_wrong_column_is_explained(tmp_path):
    folder = write_parquet(tmp_path / "x", [{"content": "echo hi"}])
    with pytest.raises(UserError, match="no column 'text'.*content"):
        list(stream_documents(SourceSpec(kind="hub", path=str(folder))))


def test_non_utf8_local_file_is_a_clear_error(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    with pytest.raises(UserError, match="cannot read"):
        list(stream_documents(resolve_source("english", "local", str(tmp_path))))


def test_offline_hub_request_suggests_the_offline_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match=r"cannot reach the Hugging Face hub.*`python -m core sources`"):
        download(Workspace.resolve(tmp_path), "english", "tinystories", max_docs=5, show_progress=False)
    assert not (tmp_path / "data" / "english" / "tinystories").exists()


def test_gated_dataset_message_says_how_to_log_in():
    spec = resolve_source("code", "the-stack-smol")
    from core.data.streaming import _explain_hub_failure

    message = str(_explain_hub_failure(spec, ConnectionError("401")))
    assert "gated" in message and "HF_TOKEN" in message


def test_unknown_source_lists_the_known_ones():
    with pytest.raises(UserError, match="choose local or one of installed, manuals, tinystories, bookcorpus"):
        resolve_source("english", "wikipedia")
    with pytest.raises(UserError, match="needs --path"):
        resolve_source("code", "local")


def test_a_path_goes_only_to_the_sources_that_read_one(tmp_path):
    # `--source manuals,local --path F`: the local files are F; the manual pages come from the machine,
    # and the manifest must not say they were read from F.
    assert resolve_source("english", "manuals", str(tmp_path)).path is None
    assert resolve_source("code", "tldr", str(tmp_path)).path == str(tmp_path)
