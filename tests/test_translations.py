"""Every string marked for translation has its English translation: checked by extracting the
strings again on a copy of the project, so the work tree stays as it is."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("smartqueue", "templates", "locale", "manage.py")


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext is not installed")
def test_the_english_catalogue_has_every_string(tmp_path):
    for name in COPIED:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://unused@127.0.0.1/unused"},
    )
    catalogue = tmp_path / "locale/en/LC_MESSAGES/django.po"
    # A new string close to an old one arrives "fuzzy", with the old translation: not done either.
    missing = untranslated(catalogue, "--untranslated") + untranslated(catalogue, "--only-fuzzy")
    assert missing == [], "not translated in English: " + ", ".join(missing)


def untranslated(catalogue: Path, selection: str) -> list[str]:
    listing = subprocess.run(
        ["msgattrib", selection, str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    return [
        line for line in listing.splitlines() if line.startswith('msgid "') and line != 'msgid ""'
    ]
