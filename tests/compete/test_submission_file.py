"""Each refusal of an upload has its own clear message, which never echoes hidden labels."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.compete.submission_file import FileSpec, SubmissionError, read_submission

IDS = [str(i) for i in range(101, 121)]  # 20 test rows
LABELS = FileSpec("Id", "Label", IDS, ["0", "1"], "labels", "1", max_bytes=10_000)
PROBABILITIES = FileSpec("Id", "Label", IDS, ["0", "1"], "probabilities", "1", max_bytes=10_000)


def csv(rows, header="Id,Label"):
    lines = ([header] if header is not None else []) + [f"{i},{v}" for i, v in rows]
    return ("\n".join(lines) + "\n").encode()


def refused(content, spec=LABELS, status=422):
    with pytest.raises(SubmissionError) as caught:
        read_submission(content, spec)
    assert caught.value.status == status
    return str(caught.value)


def test_a_good_file_in_any_order_gives_predictions_in_solution_order():
    rows = [(i, int(i) % 2) for i in reversed(IDS)]
    labels = read_submission(csv(rows), LABELS)
    assert list(labels) == [str(int(i) % 2) for i in IDS]
    # 1.0 is the label 1, a BOM and CRLF line ends are fine, spaces around cells too.
    content = "\ufeffId,Label\r\n" + "".join(f" {i} , {int(i) % 2}.0\r\n" for i in IDS)
    assert list(read_submission(content.encode(), LABELS)) == list(labels)
    # CR alone ends lines too (Excel's "CSV (Macintosh)").
    assert list(read_submission(content.replace("\r\n", "\r").encode(), LABELS)) == list(labels)


def test_probabilities_are_read_as_numbers():
    rows = [(i, 0.25) for i in IDS]
    assert np.allclose(read_submission(csv(rows), PROBABILITIES), 0.25)


def test_empty_file():
    assert "The file is empty" in refused(b"")
    assert "The file is empty" in refused(b"\n\n  \n")
    assert "no values, only separators" in refused(b",,\n,\n")


def test_header_only():
    assert "a header but no predictions" in refused(b"Id,Label\n")


def test_wrong_header_shows_the_expected_one():
    message = refused(csv([(i, 0) for i in IDS], header="id,Survived"))
    assert "The header should be Id,Label" in message
    assert "received id,Survived" in message


def test_missing_header_is_named_as_such():
    message = refused(csv([(i, 0) for i in IDS], header=None))
    assert "The header line is missing: the first line should be Id,Label" in message


def test_extra_columns_are_refused_with_the_header():
    content = b"Id,Label,Proba\n" + b"".join(f"{i},1,0.5\n".encode() for i in IDS)
    assert "The header should be Id,Label" in refused(content)


def test_wrong_field_count_names_the_lines():
    content = csv([(i, 0) for i in IDS]).replace(b"105,0\n", b"105,0,7\n")
    assert "1 line should have 2 fields (Id,Label) but does not: line 6" in refused(content)


def test_missing_ids_give_count_and_first_few():
    message = refused(csv([(i, 0) for i in IDS[:12]]))
    assert "The file has 12 rows; the test set has 20." in message
    assert "8 test IDs are missing: 113, 114, 115, 116, 117, ..." in message


def test_unknown_ids():
    rows = [(i, 0) for i in IDS[:-2]] + [("999", 0), ("abc", 1)]
    message = refused(csv(rows))
    assert "2 IDs are not test IDs (Id): 999, abc." in message
    assert "2 test IDs are missing: 119, 120." in message


def test_duplicate_ids():
    rows = [(i, 0) for i in IDS] + [("101", 1)]
    message = refused(csv(rows))
    assert "The file has 21 rows; the test set has 20." in message
    assert "1 ID appears more than once: 101." in message


def test_labels_out_of_range_and_non_numeric():
    rows = [(i, 0) for i in IDS]
    rows[3], rows[7] = ("104", 2), ("108", "yes")
    message = refused(csv(rows))
    assert "2 predictions of Label are not one of the labels 0, 1" in message
    assert "line 5 ('2'), 9 ('yes')" in message
    rows[3] = ("104", "")
    assert "or empty" in refused(csv(rows))


def test_probabilities_where_labels_are_expected():
    rows = [(i, 0.73) for i in IDS]
    message = refused(csv(rows))
    assert (
        "holds probabilities (e.g. 0.73 on line 2), but this competition scores labels" in message
    )


def test_labels_where_probabilities_are_expected():
    rows = [(i, int(i) % 2) for i in IDS]
    message = refused(csv(rows), PROBABILITIES)
    assert "holds labels (0, 1), but this competition scores probabilities" in message
    assert "probability that Label is 1" in message


def test_probabilities_not_numbers_or_out_of_range():
    rows = [(i, 0.5) for i in IDS]
    rows[0] = ("101", "high")
    assert "1 prediction of Label is not a number: line 2 ('high')" in refused(
        csv(rows), PROBABILITIES
    )
    rows[0], rows[1] = ("101", 1.5), ("102", -0.1)
    message = refused(csv(rows), PROBABILITIES)
    assert "2 probabilities of Label lie outside 0 to 1: line 2 ('1.5'), 3 ('-0.1')" in message
    rows[0], rows[1] = ("101", "nan"), ("102", "inf")
    assert "are not numbers" in refused(csv(rows), PROBABILITIES)


def test_wrong_encoding():
    content = b"Id,Label\n" + "101,é\n".encode("latin-1")
    message = refused(content)
    assert "The file is not UTF-8 text (byte 0xe9 at position 13" in message


def test_binary_file():
    assert "binary data" in refused(b"PK\x03\x04\x00\x00garbage")


def test_too_large():
    message = refused(b"Id,Label\n" + b"101,0\n" * 3000, status=413)
    assert "The file is too large: 18,009 bytes; the limit is 10,000." in message


def test_no_message_echoes_the_hidden_labels():
    """The spec holds no labels at all: messages can only quote the file and public facts."""
    assert not any(hasattr(LABELS, name) for name in ("labels", "solution", "public"))


def test_a_field_beyond_the_csv_readers_limit():
    message = refused(b"Id,Label\n101," + b"1" * 140_000 + b"\n", HUGE)
    assert "line 2 has a field of more than 131,072 characters" in message
    message = refused(b'Id,Label\n101,"1\n' + b"2" * 140_000, HUGE)
    assert "a quote left open runs to the end of the file" in message


HUGE = FileSpec("Id", "Label", IDS, ["0", "1"], "labels", "1", max_bytes=1_000_000)
# Text that looks a little like a submission: IDs, labels, separators, quotes, line ends.
PIECES = st.sampled_from(
    ["Id", "Label", ",", "\n", "\r", "\r\n", '"', "101", "120", "0", "1", "0.5", " ", "\x00"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.binary(max_size=300), st.lists(PIECES, max_size=80).map("".join)),
    st.sampled_from([LABELS, PROBABILITIES]),
)
def test_any_file_is_read_or_refused_with_a_message(content, spec):
    if isinstance(content, str):
        content = ("Id,Label\n" + content).encode()
    try:
        predictions = read_submission(content, spec)
    except SubmissionError as err:
        assert 400 <= err.status < 500 and str(err)
    else:
        assert len(predictions) == len(IDS)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list('0123456789aZ ,\t\r\n"\x0b\x0c\x1c\x1f\x85é')), max_size=80
    )
)
def test_the_fast_reading_of_plain_files_is_the_csv_modules(text):
    import csv
    import io

    from glassnet.compete.submission_file import _plain, plain_rows

    if not _plain(text):
        return  # quotes, other line ends or non-ASCII: the csv module reads those
    reference = [row for row in csv.reader(io.StringIO(text, newline="")) if "".join(row).strip()]
    assert plain_rows(text) == reference
