"""The key that signs backups: kept in the OS credential store, or a file only this user can read.

Each backup gets a signature file beside it (`NAME.sig`): an HMAC-SHA256 of the backup's bytes under
this PC's key. The key is 32 random bytes kept with `keyring` (Windows Credential Manager, macOS
Keychain, the Secret Service on a Linux desktop). Where no credential store is usable (a headless
machine), it is kept in `keys/backup-signing-keys.json` in the desk's configuration folder, mode 0600 in
a 0700 folder, never beside the backups. An admin can export the key to a file and import it on another
PC: imported keys are trusted for checking backups, while each PC signs with its own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from send_desk.domain.errors import SendDeskError
from send_desk.paths import typed_path, user_config_dir

KEYRING_SERVICE = "SEND Desk"
KEYRING_ENTRY = "backup signing keys"
KEY_FOLDER = "keys"
KEY_FILE_NAME = "backup-signing-keys.json"
SIGNATURE_SUFFIX = ".sig"
SIGNATURE_FORMAT = "SEND Desk backup signature 1"
EXPORT_FORMAT = "SEND Desk backup signing key 1"
ALGORITHM = "HMAC-SHA256"
CHUNK = 1 << 20


class BackupKeyError(SendDeskError):
    """Raise when the signing key cannot be read, written, exported or imported."""


@dataclass(frozen=True)
class SigningKey:
    """A secret that signs backups, named by a short id derived from it (the id reveals nothing)."""

    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> str:
        """Return the key's public name: the first 16 hex digits of a hash of it."""
        return hashlib.sha256(b"SEND Desk backup key id\0" + self.secret).hexdigest()[:16]

    def sign_file(self, path: Path) -> str:
        """Return the HMAC-SHA256 (hex) of a file's bytes under this key."""
        mac = hmac.new(self.secret, digestmod=hashlib.sha256)
        with path.open("rb") as stream:
            while chunk := stream.read(CHUNK):
                mac.update(chunk)
        return mac.hexdigest()


def signature_path(backup: Path) -> Path:
    """Return where a backup's signature is kept: beside it, NAME.sig."""
    return backup.with_name(backup.name + SIGNATURE_SUFFIX)


def usable_keyring() -> Any | None:
    """Return the OS credential store keyring would use, or None where there is none (headless, say)."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null

        backend = keyring.get_keyring()
    except Exception:  # an unusable keyring set-up is the same as none
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


class KeyStore:
    """Keep the signing key of this user on this PC, and the keys imported from other PCs."""

    def __init__(self, config_dir: Path | None = None, *, use_keyring: bool | None = None) -> None:
        """Keep keys in the credential store when one is usable (or as told), else under `config_dir`."""
        self.folder = (config_dir or user_config_dir()) / KEY_FOLDER
        self._keyring = usable_keyring() if use_keyring is None or use_keyring else None

    @property
    def file(self) -> Path:
        """Return the key file used where there is no credential store."""
        return self.folder / KEY_FILE_NAME

    def where(self) -> str:
        """Say in plain words where the keys are kept."""
        if self._keyring is not None:
            return f"the computer's credential store ({self._keyring.name})"
        return f"the file {self.file}, readable only by you"

    # ----- the keys ------------------------------------------------------------------------------
    def signing_key(self) -> SigningKey:
        """Return this PC's signing key, making it on first use."""
        stored = self._load()
        own = stored.get("own")
        if isinstance(own, str):
            return SigningKey(_decode(own, self.where()))
        key = SigningKey(secrets.token_bytes(32))
        stored["own"] = _encode(key.secret)
        self._save(stored)
        return key

    def key_for(self, key_id: str) -> SigningKey | None:
        """Return the key (this PC's own or an imported one) with this id, if it is held here."""
        stored = self._load()
        candidates = [stored.get("own"), *stored.get("trusted", [])]
        for encoded in candidates:
            if isinstance(encoded, str):
                key = SigningKey(_decode(encoded, self.where()))
                if hmac.compare_digest(key.key_id, key_id):
                    return key
        return None

    def export_key(self, out: Path) -> SigningKey:
        """Write this PC's signing key to a file (readable only by you) for another PC to import."""
        key = self.signing_key()
        body = {"format": EXPORT_FORMAT, "key_id": key.key_id, "key": _encode(key.secret)}
        out = typed_path(out)
        if out.is_dir():
            raise BackupKeyError(f"{out} is a folder; give a file name for the key, e.g. {out / 'desk.key'}.")
        if not out.parent.is_dir():
            raise BackupKeyError(f"The folder {out.parent} does not exist; choose a folder that does.")
        _write_private(out, json.dumps(body, indent=2) + "\n")
        return key

    def import_key(self, source: Path) -> SigningKey:
        """Trust a key exported on another PC for checking its backups; return it."""
        source = typed_path(source)
        try:
            body = json.loads(source.read_text(encoding="utf-8"))
            if body.get("format") != EXPORT_FORMAT:
                raise ValueError
            key = SigningKey(base64.b64decode(body["key"], validate=True))
            if len(key.secret) < 32 or body.get("key_id") != key.key_id:
                raise ValueError
        except FileNotFoundError:
            raise BackupKeyError(f"There is no key file at {source}.") from None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, binascii.Error):
            raise BackupKeyError(
                f"{source} is not a SEND Desk backup key (export one with 'send-desk backup export-key')."
            ) from None
        stored = self._load()
        if self.key_for(key.key_id) is None:
            stored.setdefault("trusted", []).append(_encode(key.secret))
            self._save(stored)
        return key

    # ----- storage -------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if self._keyring is not None:
            try:
                text = self._keyring.get_password(KEYRING_SERVICE, KEYRING_ENTRY)
            except Exception as exc:
                raise BackupKeyError(
                    f"The backup signing key could not be read from {self.where()} ({exc}). "
                    "Unlock the credential store and try again."
                ) from exc
        else:
            try:
                text = self.file.read_text(encoding="utf-8")
            except FileNotFoundError:
                text = None
            except OSError as exc:
                raise BackupKeyError(
                    f"The backup signing key file {self.file} cannot be read: {exc}."
                ) from exc
        if not text:
            return {}
        try:
            stored = json.loads(text)
        except ValueError:
            stored = None
        if not isinstance(stored, dict):
            raise BackupKeyError(
                f"The backup signing keys in {self.where()} are damaged. Import your exported key again."
            )
        return stored

    def _save(self, stored: dict[str, Any]) -> None:
        text = json.dumps(stored, sort_keys=True)
        if self._keyring is not None:
            try:
                self._keyring.set_password(KEYRING_SERVICE, KEYRING_ENTRY, text)
                return
            except Exception as exc:
                raise BackupKeyError(
                    f"The backup signing key could not be saved in {self.where()} ({exc})."
                ) from exc
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(self.folder, 0o700)
            _write_private(self.file, text)
        except OSError as exc:
            raise BackupKeyError(f"The backup signing key could not be saved in {self.file}: {exc}.") from exc


def _encode(secret: bytes) -> str:
    return base64.b64encode(secret).decode("ascii")


def _decode(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, binascii.Error):
        raise BackupKeyError(f"The backup signing keys in {where} are damaged.") from None


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), replacing any file there in one step."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
