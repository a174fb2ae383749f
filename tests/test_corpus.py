import json

import pytest

from core.data.corpus import Manifest, build_corpus, clean_document, is_validation, read_documents
from core.errors import UserError


def build(tmp_path, documents, **options):
    options.setdefault("show_progress", False)
    return build_corpus(documents, tmp_path / "corpus", domain="code", source="test",
                        license="MIT", **options)


def test_cleaning_keeps_meaning():
    assert clean_document("\r\n\n#!/bin/bash\r\necho  'a  b'\n\n\n") == "#!/bin/bash\necho  'a  b'\n"


def test_duplicates_empty_and_binary_are_rejected(tmp_path):
    docs = ["echo one\n", "echo one", "", "   \n", "bad\x00binary", "echo two", "x" * 50]
    manifest = build(tmp_path, docs, max_doc_bytes=40)
    assert manifest.documents == 2
    assert manifest.rejected == {"empty": 2, "too_large": 1, "binary": 1, "duplicate": 1, "unreadable_file": 0}
    texts = sorted(read_documents(tmp_path / "corpus", "train")) + sorted(
        read_documents(tmp_path / "corpus", "val"))
    assert sorted(texts) == ["echo one\n", "echo two\n"]


def test_split_is_deterministic_and_order_independent(tmp_path):
    docs = [f"document number {i}\n" for i in range(400)]
    build_corpus(docs, tmp_path / "a", domain="english", source="t", license="l", show_progress=False)
    build_corpus(list(reversed(docs)), tmp_path / "b", domain="english", source="t", license="l",
                 show_progress=False)
    val_a = set(read_documents(tmp_path / "a", "val"))
    assert val_a == set(read_documents(tmp_path / "b", "val"))
    assert val_a == {d for d in docs if is_validation(d, 0.05)}
    assert 5 <= len(val_a) <= 40  # about 5% of 400


def test_tiny_corpus_still_has_both_splits(tmp_path):
    manifest = build(tmp_path, ["alpha", "beta"], val_fraction=0.01)
    assert manifest.train.documents == 1 and manifest.val.documents == 1


def test_manifest_contents(tmp_path):
    manifest = build(tmp_path, [f"echo {i}" for i in range(50)])
    on_disk = json.loads((tmp_path / "corpus" / "manifest.json").read_text())
    assert on_disk["documents"] == 50 == manifest.documents
    assert on_disk["train"]["documents"] + on_disk["val"]["documents"] == 50
    assert on_disk["bytes"] == sum(len(f"echo {i}\n") for i in range(50))
    assert on_disk["license"] == "MIT" and on_disk["source"] == "test" and on_disk["created"]
    assert Manifest.read(tmp_path / "corpus") == manifest


def test_limits_stop_reading_early(tmp_path):
    consumed = []

    def documents():
        for i in range(1000):
            consumed.append(i)
            yield f"line {i}"

    assert build(tmp_path, documents(), max_docs=10).documents == 10
    assert len(consumed) == 10
    assert build(tmp_path, (f"{i:09d}" for i in range(1000)), max_bytes=100, replace=True).documents == 10


def test_empty_source_is_refused_and_old_corpus_survives(tmp_path):
    build(tmp_path, ["echo kept"])
    with pytest.raises(UserError, match="gave no usable documents"):
        build(tmp_path, ["", "\n"], replace=True)
    assert Manifest.read(tmp_path / "corpus").documents == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_missing_corpus_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="no corpus at"):
        Manifest.read(tmp_path / "absent")


def test_an_existing_corpus_is_replaced_only_when_asked(tmp_path):
    build(tmp_path, ["echo kept"])
    with pytest.raises(UserError, match="already exists and is not empty"):
        build(tmp_path, ["echo new"])
    assert list(read_documents(tmp_path / "corpus", "train")) + list(
        read_documents(tmp_path / "corpus", "val")) == ["echo kept\n"]
    assert build(tmp_path, ["echo new"], replace=True).documents == 1
    with pytest.raises(UserError, match="refusing to write over"):  # never the folder it reads from
        build(tmp_path, ["echo new"], replace=True, protected=(tmp_path / "corpus" / "train.jsonl",))


@pytest.mark.parametrize("limits, message", [
    ({"max_docs": 0}, "max_docs must be between 1 and 1,000,000,000,000, got 0"),
    ({"max_docs": -1}, "max_docs must be between 1"), ({"max_docs": 10**13}, "max_docs must be between 1"),
    ({"max_bytes": 0}, "max_bytes must be between 1"), ({"val_fraction": 0.0}, r"val_fraction must be in \(0, 0.5\]"),
    ({"val_fraction": 0.6}, "val_fraction must be in"), ({"val_fraction": float("nan")}, "val_fraction must be in"),
])
def test_limits_that_mean_nothing_are_refused_before_anything_is_written(tmp_path, limits, message):
    with pytest.raises(UserError, match=message):
        build(tmp_path, ["echo one"], **limits)
    assert list(tmp_path.iterdir()) == []


def test_unreadable_local_files_are_skipped_and_counted_not_fatal(tmp_path, workspace):
    from core.data.sources import download

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text("A story about a kite.\n")
    (folder / "b.txt").write_bytes("A caf\u00e9 story.\n".encode("latin-1"))  # not UTF-8
    (folder / "c.txt").write_bytes(bytes(range(256)) * 4)  # binary
    (folder / "d.jsonl").write_text(json.dumps({"text": "A story about a boat."}) + "\n")
    (folder / "e.jsonl").write_bytes(b'{"text": "caf\xe9"}\n')
    (folder / "f.parquet").write_bytes(b"not a parquet file")
    (folder / "g.txt").write_bytes(b"valid UTF-8 \x00 but binary")
    manifest = download(workspace, "english", "local", name="mixed", path=str(folder), show_progress=False)
    assert manifest.documents == 2
    assert manifest.rejected["unreadable_file"] == 4 and manifest.rejected["binary"] == 1
    (folder / "h.jsonl").write_text(json.dumps({"body": "no text column"}) + "\n")
    with pytest.raises(UserError, match="has no column 'text'"):  # the options' mistake still stops it
        download(workspace, "english", "local", name="other", path=str(folder), show_progress=False)
