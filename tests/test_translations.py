"""Every string marked for translation has its English translation, and what customers read its
Wolof one: checked by extracting the strings again on a copy of the project, so the work tree
stays as it is."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("smartqueue", "templates", "locale", "manage.py")


# What customers read: every string used there must be in Wolof too.
CUSTOMER_FILES = (
    "templates/devices/kiosk.html",
    "templates/devices/display.html",
    "templates/queues/ticket.html",
    "templates/queues/book.html",
    "templates/queues/booking.html",
    "templates/queues/customer_languages.html",
    "smartqueue/devices/forms.py",
    "smartqueue/feedback/forms.py",
    "smartqueue/queues/booking.py",
    "smartqueue/queues/appointments.py",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The catalogues made again from today's sources, on a copy of the project."""
    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext is not installed")
    copy = tmp_path_factory.mktemp("project")
    for name in COPIED:
        source = ROOT / name
        target = copy / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-l", "wo", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=180,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://unused@127.0.0.1/unused"},
    )
    return copy / "locale"


def test_the_english_catalogue_has_every_string(extracted):
    catalogue = extracted / "en/LC_MESSAGES/django.po"
    # A new string close to an old one arrives "fuzzy", with the old translation: not done either.
    missing = untranslated(catalogue, "--untranslated") + untranslated(catalogue, "--only-fuzzy")
    assert missing == [], "not translated in English: " + ", ".join(missing)


def test_the_wolof_catalogue_has_what_customers_read(extracted):
    catalogue = extracted / "wo/LC_MESSAGES/django.po"
    missing = [
        msgid
        for selection in ("--untranslated", "--only-fuzzy")
        for msgid, places in entries(catalogue, selection)
        if any(place.startswith(CUSTOMER_FILES) for place in places)
    ]
    assert missing == [], "not translated in Wolof: " + ", ".join(missing)


def entries(catalogue: Path, selection: str) -> list[tuple[str, list[str]]]:
    """(msgid line, the files and lines it comes from) of the selected entries."""
    listing = subprocess.run(
        ["msgattrib", "--no-wrap", selection, str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found, places = [], []
    for line in listing.splitlines():
        if line.startswith("#: "):
            places += line[3:].split()
        elif line.startswith('msgid "'):
            if line != 'msgid ""':
                found.append((line, places))
            places = []
    return found


def untranslated(catalogue: Path, selection: str) -> list[str]:
    listing = subprocess.run(
        ["msgattrib", selection, str(catalogue)], capture_output=True, text=True, check=True
    ).stdout
    return [
        line for line in listing.splitlines() if line.startswith('msgid "') and line != 'msgid ""'
    ]


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext is not installed")
@pytest.mark.parametrize("language", ["en", "wo"])
def test_the_committed_catalogues_are_compiled_from_their_sources(tmp_path, language):
    """A .po edited without `make messages` would serve old text; msgfmt also checks that every
    translation keeps the placeholders of its French."""
    folder = ROOT / "locale" / language / "LC_MESSAGES"
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(folder / "django.po")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert compiled(fresh) == compiled(folder / "django.mo")


def compiled(path: Path) -> dict:
    with path.open("rb") as catalogue:
        return dict(gettext.GNUTranslations(catalogue)._catalog)  # type: ignore[attr-defined]
