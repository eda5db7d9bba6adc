"""Scenario names become file names that are safe everywhere and unique in a batch."""

from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs.batch.write.filenames import MAX_STEM_LENGTH, UniqueNames, safe_stem

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
WINDOWS_DEVICES = (
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
)


def assert_portable(stem: str) -> None:
    """The rules of Windows (the strictest), plus no hidden files and no way out of the folder."""
    assert stem, "a name is never empty"
    assert not WINDOWS_FORBIDDEN & set(stem)
    assert all(ord(c) >= 32 and not unicodedata.category(c).startswith("C") for c in stem)
    assert stem == stem.strip(" ."), "no leading or trailing dot or space"
    assert stem.split(".")[0].strip().upper() not in WINDOWS_DEVICES
    assert len(stem) <= MAX_STEM_LENGTH
    assert len((stem + " (99).xlsx").encode("utf-8")) < 255
    assert os.path.basename(stem) == stem and stem not in {".", ".."}


# Each hostile name with the stem expected by the rules in the module docstring.
HOSTILE = {
    "separators": ("Acme/Beta\\Gamma", "Acme_Beta_Gamma"),
    "parent folder": ("../../outside", "_.._outside"),
    "dot dot alone": ("..", "scenario"),
    "absolute posix path": ("/etc/passwd", "_etc_passwd"),
    "absolute windows path": ("C:\\Windows\\win.ini", "C__Windows_win.ini"),
    "NUL character": ("a\x00b", "a_b"),
    "control characters": ("a\tb\nc\x7f", "a_b_c_"),
    "right-to-left override": ("invoice\u202excl.exe", "invoice_xcl.exe"),
    "reserved CON": ("CON", "CON_"),
    "reserved nul lower case": ("nul", "nul_"),
    "reserved COM1 with extension": ("COM1.txt", "COM1_.txt"),
    "reserved LPT9 with trailing space": ("LPT9 ", "LPT9_"),
    "trailing dots and spaces": ("Acme. . ", "Acme"),
    "leading dot": (".hidden", "hidden"),
    "forbidden punctuation": ('a<b>c:d"e|f?g*h', "a_b_c_d_e_f_g_h"),
    "empty": ("", "scenario"),
    "only spaces": ("   ", "scenario"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_hostile_names_become_safe(case):
    name, expected = HOSTILE[case]
    stem = safe_stem(name)
    assert stem == expected
    assert_portable(stem)


def test_long_names_are_cut_to_the_limit():
    stem = safe_stem("x" * 400)
    assert stem == "x" * MAX_STEM_LENGTH
    assert_portable(stem)


def test_long_names_in_wide_characters_fit_the_byte_limit_of_linux_and_macos():
    stem = safe_stem("€" * 400)  # three bytes each in UTF-8
    assert_portable(stem)
    assert stem == "€" * len(stem)


def test_letters_of_any_script_are_kept():
    assert safe_stem("Zürich - 東京 / Ünïcödé") == "Zürich - 東京 _ Ünïcödé"


def test_names_that_collide_after_cleaning_get_distinct_files():
    names = UniqueNames(reserved=["summary"])
    given_names = ["a/b", "a\\b", "a:b", "A_B", "Summary", "con", "CON", "x" * 300, "x" * 301]
    files = [names.take(n, ".xlsx") for n in given_names]
    assert files[:4] == ["a_b.xlsx", "a_b (2).xlsx", "a_b (3).xlsx", "A_B (4).xlsx"]
    assert files[4] == "Summary (2).xlsx"  # summary.xlsx is the batch's own table
    assert files[5:7] == ["con_.xlsx", "CON_ (2).xlsx"]
    assert files[8] == "x" * (MAX_STEM_LENGTH - 4) + " (2).xlsx"
    # Distinct even where case does not count (Windows, macOS).
    assert len({f.casefold() for f in files}) == len(files)


def test_the_same_name_in_two_unicode_normalisations_collides(tmp_path):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"  # macOS stores the second form
    names = UniqueNames()
    assert names.take(composed) == "Café"
    assert names.take(decomposed) == "Café (2)"


def test_every_hostile_name_stays_inside_the_output_folder(tmp_path):
    names = UniqueNames()
    for name, _ in HOSTILE.values():
        path = tmp_path / names.take(name, ".xlsx")
        path.write_bytes(b"")  # the file system accepts it
        assert path.resolve().parent == tmp_path.resolve()
    assert len(list(tmp_path.iterdir())) == len(HOSTILE)


@given(st.text(max_size=300))
def test_any_text_gives_a_portable_stem(name):
    assert_portable(safe_stem(name))


@given(st.lists(st.text(max_size=160), max_size=30))
def test_any_list_of_names_gives_distinct_portable_names(given_names):
    names = UniqueNames(reserved=["summary"])
    stems = [names.take(n) for n in given_names]
    for stem in stems:
        assert_portable(stem)
    keys = [unicodedata.normalize("NFC", s).casefold() for s in stems]
    assert len(set(keys)) == len(keys)
    assert "summary" not in keys
