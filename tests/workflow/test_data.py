"""Reading CSV files and checking target and prediction columns, on the course's files."""

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from glassnet.workflow.data import (
    DataError,
    check_prediction_columns,
    check_target,
    closest_names,
    read_csv,
)

SHARED_DATA = (Path(__file__).resolve().parents[2] / "../shared/data").resolve()


def shared_csv(name):
    path = SHARED_DATA / name
    if not path.is_file():
        pytest.skip(f"course data not found: {path} does not exist")
    return path


@pytest.fixture
def course_csv():
    return shared_csv("titanic_train_500_age_passengerclass.csv")


@pytest.fixture
def kaggle_csv():
    return shared_csv("titanic_train.csv")


# Reading


def test_reads_the_course_file(course_csv):
    table = read_csv(course_csv)
    assert table.delimiter == ","
    assert table.path == course_csv
    assert list(table.frame.columns) == ["PassengerId", "Survived", "Pclass", "Age"]
    assert len(table.frame) == 500


def test_reads_kaggle_crlf_lines_and_quoted_commas(kaggle_csv):
    assert b"\r\n" in kaggle_csv.read_bytes()[:200]  # the case under test
    frame = read_csv(kaggle_csv).frame
    assert frame.shape == (891, 12)
    assert frame.loc[0, "Name"] == "Braund, Mr. Owen Harris"
    # The last column would carry the \r if line endings were mishandled.
    assert set(frame["Embarked"].dropna()) == {"C", "Q", "S"}


@pytest.mark.parametrize(
    ("delimiter", "name"), [(";", "semicolon"), ("\t", "tab"), ("|", "vertical bar")]
)
def test_detects_other_delimiters(kaggle_csv, tmp_path, delimiter, name):
    original = pd.read_csv(kaggle_csv)
    copy = tmp_path / "titanic_other_delimiter.csv"
    original.to_csv(copy, sep=delimiter, index=False, lineterminator="\r\n")
    table = read_csv(copy)
    assert table.delimiter == delimiter
    assert table.delimiter_name == name
    pd.testing.assert_frame_equal(table.frame, original)


def test_semicolon_file_with_commas_in_every_name(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Name;Survived\nBraund, Mr. Owen;0\nCumings, Mrs. John;1\n")
    table = read_csv(path)
    assert table.delimiter == ";"
    assert table.frame["Name"].tolist() == ["Braund, Mr. Owen", "Cumings, Mrs. John"]


def test_utf8_byte_order_mark_is_not_part_of_the_first_name(course_csv, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + course_csv.read_bytes())
    assert read_csv(path).frame.columns[0] == "PassengerId"


def test_latin1_file_is_read(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Name,Survived\nRenée,1\nJosé,0\n".encode("latin-1"))
    assert read_csv(path).frame["Name"].tolist() == ["Renée", "José"]


def test_one_column_file_is_a_table(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("Survived\n0\n1\n")
    table = read_csv(path)
    assert table.frame.shape == (2, 1)


def test_missing_file(tmp_path):
    path = tmp_path / "titanic.csv"
    with pytest.raises(DataError, match=r"titanic\.csv does not exist .*check the file name"):
        read_csv(path)


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(DataError, match="is not a file"):
        read_csv(tmp_path)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"  \r\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=r"empty\.csv is empty; a CSV file needs a header"):
        read_csv(path)


def test_header_without_rows(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text("PassengerId,Survived,Pclass,Age\r\n")
    with pytest.raises(DataError, match=r"has a header \(columns PassengerId, .*no data rows"):
        read_csv(path)


def test_binary_file(tmp_path):
    path = tmp_path / "model.csv"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DataError, match="is not a text file"):
        read_csv(path)


def test_garbage_without_nul_bytes(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(np.random.default_rng(0).integers(1, 256, 4000, dtype=np.uint8).tobytes())
    with pytest.raises(DataError, match="is not a text file"):
        read_csv(path)


def test_workbook_is_recognised(course_csv, tmp_path):
    path = tmp_path / "titanic.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(course_csv, "sheet1.xml")
    with pytest.raises(DataError, match=r"not a text file.*xlsx workbook: save it as CSV"):
        read_csv(path)


def test_prose_is_not_a_table(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text(
        "Titanic notes\nThe ship sank in 1912, in the North Atlantic.\n"
        "Of 2224 people on board, more than 1500 died.\nSee also: lifeboats, ice.\n"
    )
    with pytest.raises(DataError, match="does not look like a CSV table"):
        read_csv(path)


def test_ragged_line_after_the_first_lines_names_it(course_csv, tmp_path):
    path = tmp_path / "ragged.csv"
    lines = course_csv.read_text().splitlines()
    lines[200] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"not a regular table with delimiter comma.*line 201"):
        read_csv(path)


# Target


def test_target_typo_suggests_the_closest_name(kaggle_csv):
    frame = read_csv(kaggle_csv).frame
    with pytest.raises(DataError, match=r"no column 'Survivd' in .*\(did you mean 'Survived'\?\)"):
        check_target(frame, "Survivd", kaggle_csv)


def test_target_in_the_wrong_case_suggests_the_right_case(kaggle_csv):
    frame = read_csv(kaggle_csv).frame
    with pytest.raises(DataError, match=r"did you mean 'Survived'\?.*--target"):
        check_target(frame, "survived", kaggle_csv)


def test_closest_names_puts_the_case_match_first():
    assert closest_names("age", ["Page", "Age", "Stage"])[0] == "Age"
    assert closest_names("xyz", ["Age", "Sex"]) == []


def test_target_classes(kaggle_csv):
    frame = read_csv(kaggle_csv).frame
    target = check_target(frame, "Survived", kaggle_csv)
    assert target.classes == (0, 1)
    assert target.dropped_rows == ()
    assert target.notice is None
    assert len(target.frame) == 891


def test_target_with_one_class(course_csv):
    frame = read_csv(course_csv).frame
    died = frame[frame["Survived"] == 0]
    with pytest.raises(DataError, match=r"single value \(0\) in all 3\d\d rows .*two classes"):
        check_target(died, "Survived", course_csv)


def test_rows_with_missing_target_are_dropped_with_a_notice(course_csv):
    frame = read_csv(course_csv).frame
    frame["Survived"] = frame["Survived"].astype("float64")
    frame.loc[[3, 10, 11], "Survived"] = np.nan
    target = check_target(frame, "Survived", course_csv)
    assert target.dropped_rows == (3, 10, 11)
    assert len(target.frame) == 497
    assert target.frame.index.equals(pd.RangeIndex(497))
    assert target.frame["PassengerId"].tolist()[3:5] == [5, 6]  # rows 4 and 12 are gone
    assert target.notice == (
        "3 rows have no value in target column 'Survived' and were dropped (data rows 4, 11, 12)."
    )


def test_target_without_values(course_csv):
    frame = read_csv(course_csv).frame.assign(Survived=np.nan)
    with pytest.raises(DataError, match="no values in any of its 500 rows"):
        check_target(frame, "Survived", course_csv)


def test_identifier_as_target_is_refused(course_csv):
    frame = read_csv(course_csv).frame
    with pytest.raises(DataError, match=r"500 distinct values in 500 rows.*not classes"):
        check_target(frame, "PassengerId", course_csv)


# Prediction columns


def test_prediction_file_extra_columns_are_listed(kaggle_csv):
    frame = read_csv(shared_csv("titanic_test.csv")).frame
    training = ["Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Embarked"]
    extra = check_prediction_columns(frame, training, "titanic_test.csv", target="Survived")
    assert extra == ["PassengerId", "Name", "Ticket", "Cabin"]


def test_target_in_prediction_data_is_not_extra(kaggle_csv):
    frame = read_csv(kaggle_csv).frame
    training = ["Pclass", "Sex", "Age"]
    extra = check_prediction_columns(frame, training, kaggle_csv, target="Survived")
    assert "Survived" not in extra
    assert "Name" in extra


def test_prediction_file_lacking_a_training_column(kaggle_csv):
    frame = read_csv(kaggle_csv).frame.drop(columns="Age")
    training = ["Pclass", "Sex", "Age"]
    with pytest.raises(
        DataError, match=r"lacks 1 column the model was trained on: no column 'Age'"
    ):
        check_prediction_columns(frame, training, kaggle_csv)


def test_long_lines_cut_by_the_sample_still_read(tmp_path):
    # Rows of 30,000 characters: the first 64 KiB end in the middle of the third.
    path = tmp_path / "long.csv"
    rows = [f"{'x' * 30_000}{i},{i % 2}" for i in range(4)]
    path.write_text("Notes,Survived\n" + "\n".join(rows) + "\n")
    frame = read_csv(path).frame
    assert frame.shape == (4, 2)


def test_kaggle_titanic3_with_quoted_headers(tmp_path):
    frame = read_csv(shared_csv("titanic3.csv")).frame
    assert frame.shape == (1309, 14)
    assert frame.loc[0, "name"] == "Allen, Miss. Elisabeth Walton"
