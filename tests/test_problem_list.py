"""The check's problems as a Markdown list: grouped by row, whole, and with staff text escaped."""

from __future__ import annotations

import re

from finder.problem_list import problems_markdown
from finder.table_contract import Problem

LONG = "the phone number " + "“(312) 555-0142 ext. 4” " * 20 + "has no area code; write it like (312) 555-0142"


def test_problems_are_grouped_by_row_in_spreadsheet_order_with_the_whole_file_first() -> None:
    problems = [
        Problem("warning", "the website is not https", row=7, column="website"),
        Problem("error", "the ZIP code is unknown", row=3, column="zip"),
        Problem("warning", "the column “notes” is not used", column="notes"),
        Problem("warning", "the ZIP code lost its leading zero", row=3, column="zip"),
    ]
    assert problems_markdown(problems).splitlines() == [
        "- **The whole file**",
        "    - notes (warning): the column “notes” is not used",
        "- **Row 3**: left out until fixed",
        "    - zip (error): the ZIP code is unknown",
        "    - zip (warning): the ZIP code lost its leading zero",
        "- **Row 7**: shown, but check it",
        "    - website (warning): the website is not https",
    ]


def test_a_long_message_is_shown_whole() -> None:
    text = problems_markdown([Problem("error", LONG, row=2, column="phone")])
    shown = text.replace("\\", "")  # the escapes Markdown removes when it renders
    assert LONG in shown


def test_staff_text_in_a_message_or_column_name_cannot_become_markdown() -> None:
    hostile = Problem(
        "warning",
        "the column “[click](https://evil.example)” is not used\n- **fake row**",
        row=4,
        column="<img src=x onerror=alert(1)> $x$",
    )
    text = problems_markdown([hostile])
    assert len(text.splitlines()) == 2  # a newline in the message cannot start a new list item
    assert not re.search(r"(?<!\\)[\[\]<>$]", text)  # every link bracket, tag and LaTeX sign is escaped
    assert "\\[click\\]\\(https\\:" in text and "\\<img" in text and "\\*\\*fake row\\*\\*" in text


def test_only_the_first_rows_are_listed_and_the_rest_are_counted() -> None:
    problems = [Problem("error", "the name is missing", row=row, column="name") for row in range(2, 202)]
    text = problems_markdown(problems, shown_rows=50)
    assert text.count("- **Row") == 50 and "**Row 51**" in text and "**Row 52**" not in text
    assert text.endswith("…and 150 more rows with problems.")
    assert "more rows" not in problems_markdown(problems[:50], shown_rows=50)
