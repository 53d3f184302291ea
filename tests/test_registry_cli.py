"""The import commands as staff run them, and the app serving what they wrote."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from finder import app_data
from finder.cli import main
from finder.npi import registry_url
from finder.wording import list_size
from tests.apptest_pages import FIND, PASSWORD, SECRETS, manage_page, open_page, unlock
from tests.apptest_pages import cards as result_cards
from tests.registry_fixtures import (
    CMS_HEADER,
    cms_row,
    csv_text,
    deactivated,
    npi,
    organization,
    person,
    practice,
    write_nppes,
    zip_of,
)


@pytest.fixture()
def monthly(tmp_path: Path) -> Path:
    return write_nppes(
        tmp_path,
        [
            person(1, sex="F", **practice(postal="606142991")),
            person(2, last="KOWALSKI", first="PIOTR", sex="M", **practice(postal="60614")),
            organization(3),
            deactivated(4),
            person(5, codes=["2084S0012X"]),
        ],
    )


def test_import_writes_a_list_that_passes_validate(
    monthly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "specialists.csv"
    assert main(["import-nppes", str(monthly), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Read 5 rows" in printed and "Kept 2 neurologists" in printed
    assert "1 deactivated NPI" in printed and "1 not an individual" in printed and "1 no neurology code" in printed
    assert "Kept by state: IL 2" in printed
    assert main(["validate", str(out)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


def test_a_zip_and_an_unknown_zip_code_give_exit_code_1_with_the_row_listed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_nppes(tmp_path, [person(1), person(2, **practice(postal="00000"))])
    archive = zip_of(source, "NPPES_Data_Dissemination_November_2026.zip")
    out = tmp_path / "out.csv"
    assert main(["import-nppes", str(archive), "-o", str(out)]) == 1
    printed = capsys.readouterr().out
    assert f"NPI {npi(2)}" in printed and "00000" in printed
    assert main(["validate", str(out)]) == 0


def test_monthly_refresh_is_one_command(monthly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    current = tmp_path / "specialists.csv"
    assert main(["import-nppes", str(monthly), "-o", str(current), "--states", "il"]) == 0
    capsys.readouterr()
    later = write_nppes(tmp_path, [person(2, last="KOWALSKI", first="PIOTR"), deactivated(1)], name="next.csv")
    assert main(["import-nppes", str(later), "-o", str(current), "--merge", str(current)]) == 0
    printed = capsys.readouterr().out
    assert "Taken out of the list" in printed and f"NPI {npi(1)}" in printed and "deactivated" in printed
    assert main(["validate", str(current)]) == 0


def test_cms_import_writes_one_row_per_address(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [cms_row(1, "A", Telehlth="Y"), cms_row(1, "B", **{"ZIP Code": "53703", "State": "WI"})]
    source = tmp_path / "DAC_NationalDownloadableFile.csv"
    source.write_text(csv_text(rows, CMS_HEADER), encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["import-cms", str(source), "-o", str(out), "--source-date", "2026-11-01"]) == 0
    assert "Kept 2 rows: 1 neurologist, some at more than one practice address." in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["import-nppes", "{tmp}/missing.csv"], "There is no file at"),
        (["import-nppes", "{tmp}/wrong.csv"], "does not look like an NPPES npidata file"),
        (["import-nppes", "{tmp}/broken.zip"], "damaged or incomplete"),
        (["import-cms", "{tmp}/wrong.csv"], "does not look like the CMS Doctors and Clinicians file"),
        (["import-nppes", "{tmp}/good.csv", "--merge", "{tmp}/missing.csv"], "cannot be read"),
        (["import-nppes", "{tmp}/good.csv", "--merge", "{tmp}/broken.zip"], "cannot be used"),
        (["import-nppes", "{tmp}/good.csv", "-o", "{tmp}/no/such/folder/out.csv"], "cannot be written"),
    ],
)
def test_commands_that_cannot_run_say_why_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    (tmp_path / "wrong.csv").write_text('"id","name"\n"1","Ana"\n')
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    write_nppes(tmp_path, [person(1)], name="good.csv")
    argv = [part.format(tmp=tmp_path) for part in arguments]
    if "-o" not in argv:
        argv += ["-o", str(tmp_path / "out.csv")]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("states", ["NY", None])
def test_an_import_that_keeps_nobody_writes_nothing(
    monthly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], states: str | None
) -> None:
    source = monthly if states else write_nppes(tmp_path, [organization(1), person(2, codes=["2084P0800X"])], "x.csv")
    out = tmp_path / "specialists.csv"
    out.write_text("the list patients see now")
    assert main(["import-nppes", str(source), "-o", str(out), *(["--states", states] if states else [])]) == 2
    assert "No neurologist was kept, so nothing was written" in capsys.readouterr().err
    assert out.read_text() == "the list patients see now"


@pytest.mark.parametrize("option", [["--states", "IL,XX"], ["--states", ","], ["--source-date", "November"]])
def test_bad_options_are_refused_before_reading(
    monthly: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["import-nppes", str(monthly), "-o", str(tmp_path / "out.csv"), *option])
    assert stopped.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "finder", "import-nppes", str(tmp_path / "nope.zip"), "-o", str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.returncode == 2
    assert "There is no file at" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture()
def imported_list(monthly: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "imported.csv"
    assert main(["import-nppes", str(monthly), "-o", str(out)]) == 0
    monkeypatch.setattr(app_data, "SPECIALISTS_CSV", out)
    return out


def plain(text: str) -> str:
    return text.replace("\\", "")  # Markdown escapes, as the page shows the text


def test_the_app_serves_an_imported_list_with_its_source_and_no_sample_notice(imported_list: Path) -> None:
    find = open_page(FIND, location="60614")
    assert not find.exception
    captions = [plain(caption.value) for caption in find.caption]
    assert f"{list_size(2)} Source: NPI Registry, file of November 2026." in captions
    assert not any(app_data.SAMPLE_DATA_NOTICE in caption for caption in captions)
    cards = "\n".join(result_cards(find))
    assert registry_url(npi(1)) in cards and registry_url(npi(2)) in cards
    home = open_page()
    assert any("NPI Registry, file of November 2026" in plain(c.value) for c in home.caption)
    assert not any(app_data.SAMPLE_DATA_NOTICE in c.value for c in home.caption)


def test_patients_can_ask_for_a_female_or_male_doctor(imported_list: Path) -> None:
    find = open_page(FIND, location="60614", gender="female")
    assert not find.exception
    gender = next(box for box in find.selectbox if box.label == "Doctor's gender")
    assert gender.value == "female" and gender.options == ["Any", "Female", "Male"]
    cards = "\n".join(result_cards(find))
    assert registry_url(npi(1)) in cards and registry_url(npi(2)) not in cards


def test_the_sample_list_keeps_its_notice_and_has_no_gender_filter() -> None:
    find = open_page(FIND, location="60614")
    assert any(app_data.SAMPLE_DATA_NOTICE in caption.value for caption in find.caption)
    assert not any(box.label == "Doctor's gender" for box in find.selectbox)


def test_staff_see_where_the_list_comes_from(imported_list: Path) -> None:
    staff = unlock(manage_page(SECRETS), PASSWORD)
    assert not staff.exception
    assert any("NPI Registry, file of November 2026" in plain(m.value) for m in staff.markdown)
