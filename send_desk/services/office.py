"""Turn a .docx letter into PDF with LibreOffice (headless) or Microsoft Word, whichever this PC has."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from send_desk.domain.errors import SendDeskError
from send_desk.values.letters import PdfMaker

CONVERT_SECONDS = 120
NO_PDF = (
    "PDF needs LibreOffice or Microsoft Word on this PC, and neither was found. Save the letter as .docx "
    "and use Word's Save as PDF, or ask IT to install LibreOffice."
)
WINDOWS_SOFFICE = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)


class PdfError(SendDeskError):
    """Raise when a letter could not be turned into PDF."""


def find_pdf_maker() -> PdfMaker:
    """Return what can make PDFs here: LibreOffice first (any system), then Word (Windows), else why not."""
    override = os.environ.get("SEND_DESK_SOFFICE", "")
    candidates = [override] if override else []
    candidates += [shutil.which(n) or "" for n in ("soffice", "libreoffice")]
    if sys.platform == "win32":  # pragma: no cover - Windows only
        candidates += list(WINDOWS_SOFFICE)
    elif sys.platform == "darwin":  # pragma: no cover - macOS only
        candidates.append("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return PdfMaker("LibreOffice", candidate)
    if sys.platform == "win32" and _word_installed():  # pragma: no cover - Windows only
        return PdfMaker("Microsoft Word", "Word.Application")
    return PdfMaker("", "", NO_PDF)


def _word_installed() -> bool:  # pragma: no cover - Windows only
    try:
        import winreg

        winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Word.Application\CurVer").Close()  # type: ignore[attr-defined,unused-ignore]
    except OSError:
        return False
    return True


def docx_to_pdf(content: bytes, maker: PdfMaker | None = None) -> bytes:
    """Return the PDF of a .docx, converted in a private folder that is removed afterwards."""
    maker = maker or find_pdf_maker()
    if not maker.available:
        raise PdfError(maker.reason)
    with tempfile.TemporaryDirectory(prefix="send-desk-pdf-") as folder:
        work = Path(folder)
        source = work / "letter.docx"
        source.write_bytes(content)
        target = work / "letter.pdf"
        if maker.program == "LibreOffice":
            command = [
                maker.path,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ]
        else:  # pragma: no cover - Windows only: Word's own Save as PDF through its COM object
            script = (
                "$w = New-Object -ComObject Word.Application; $w.Visible = $false; "
                f"$d = $w.Documents.Open('{source}'); $d.SaveAs2('{target}', 17); $d.Close(0); $w.Quit()"
            )
            command = ["powershell", "-NoProfile", "-NonInteractive", "-Command", script]
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=CONVERT_SECONDS, check=False, cwd=work
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(
                f"{maker.program} did not finish making the PDF within {CONVERT_SECONDS} seconds. Close any "
                f"{maker.program} windows and try again, or save the letter as .docx."
            ) from exc
        if not target.is_file():
            said = (result.stderr or result.stdout).strip().splitlines()
            raise PdfError(
                f"{maker.program} could not make the PDF"
                + (f" ({said[-1]})" if said else "")
                + ". Save the letter as .docx instead, or try again."
            )
        return target.read_bytes()
