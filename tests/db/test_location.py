"""Where the database lives, and the refusal to open a SQLite file on a network share."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest

from send_desk.bootstrap import NetworkShareError, open_desk
from send_desk.db import location
from send_desk.db.location import looks_like_network_share, resolve_database_url, sqlite_path


def write_mounts(path: Path, share: Path, fs_type: str) -> Path:
    mounts = path / "mounts"
    mounts.write_text(
        "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
        "/dev/sda1 / ext4 rw,relatime 0 0\n"
        "tmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n"
        f"//fileserver/send {share} {fs_type} rw,relatime,vers=3.0 0 0\n"
    )
    return mounts


@pytest.mark.parametrize(
    "unc",
    [
        r"\\fileserver\send\desk.sqlite3",
        r"\\fileserver.council.local\Shared\SEND Team\send-desk.sqlite3",
        "//fileserver/send/desk.sqlite3",
        r"\\?\UNC\fileserver\send\desk.sqlite3",
    ],
)
def test_unc_paths_are_network_shares(unc: str, tmp_path: Path) -> None:
    no_mounts = tmp_path / "no-mounts"
    assert looks_like_network_share(Path(unc), mounts_file=no_mounts)
    assert looks_like_network_share(PureWindowsPath(unc), mounts_file=no_mounts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "local",
    [r"C:\Users\sam\AppData\Local\SEND Desk\send-desk.sqlite3", "/home/sam/.local/share/send-desk.sqlite3"],
)
def test_local_paths_are_not_shares(local: str, tmp_path: Path) -> None:
    assert not looks_like_network_share(Path(local), mounts_file=tmp_path / "no-mounts")


def test_a_mapped_network_drive_is_a_share(tmp_path: Path) -> None:
    remote = {"Z"}
    no_mounts = tmp_path / "no-mounts"

    def drive_is_remote(letter: str) -> bool:
        return letter in remote

    for text, expected in (
        (r"Z:\SEND\desk.sqlite3", True),
        ("z:/SEND/desk.sqlite3", True),
        (r"C:\Users\sam\desk.sqlite3", False),
    ):
        found = looks_like_network_share(Path(text), mounts_file=no_mounts, drive_is_remote=drive_is_remote)
        assert found is expected, text


@pytest.mark.parametrize("fs_type", ["cifs", "smb3", "nfs", "nfs4", "fuse.sshfs"])
def test_a_network_mount_is_a_share(tmp_path: Path, fs_type: str) -> None:
    share = tmp_path / "mnt" / "send"
    mounts = write_mounts(tmp_path, share, fs_type)
    assert looks_like_network_share(share / "desk.sqlite3", mounts_file=mounts)
    assert looks_like_network_share(share / "team" / "deeper" / "desk.sqlite3", mounts_file=mounts)
    assert looks_like_network_share(share, mounts_file=mounts)


def test_a_sibling_folder_with_a_similar_name_is_not_the_share(tmp_path: Path) -> None:
    share = tmp_path / "mnt" / "send"
    mounts = write_mounts(tmp_path, share, "cifs")
    assert not looks_like_network_share(tmp_path / "mnt" / "send-local" / "desk.sqlite3", mounts_file=mounts)
    assert not looks_like_network_share(tmp_path / "elsewhere" / "desk.sqlite3", mounts_file=mounts)


def test_a_local_mount_inside_a_share_is_local(tmp_path: Path) -> None:
    share = tmp_path / "mnt"
    mounts = write_mounts(tmp_path, share, "nfs")
    with mounts.open("a") as extra:
        extra.write(f"/dev/sdb1 {share / 'local'} ext4 rw 0 0\n")
    assert not looks_like_network_share(share / "local" / "desk.sqlite3", mounts_file=mounts)
    assert looks_like_network_share(share / "other" / "desk.sqlite3", mounts_file=mounts)


def test_local_file_systems_are_not_shares(tmp_path: Path) -> None:
    share = tmp_path / "mnt" / "send"
    mounts = write_mounts(tmp_path, share, "ext4")
    assert not looks_like_network_share(share / "desk.sqlite3", mounts_file=mounts)


def test_an_unreadable_mounts_file_means_local(tmp_path: Path) -> None:
    assert not looks_like_network_share(tmp_path / "desk.sqlite3", mounts_file=tmp_path / "missing")


def test_a_share_reached_through_a_symlink_is_a_share(tmp_path: Path) -> None:
    share = tmp_path / "mnt" / "send"
    share.mkdir(parents=True)
    link = tmp_path / "shortcut"
    link.symlink_to(share)
    mounts = write_mounts(tmp_path, share, "cifs")
    assert looks_like_network_share(link / "desk.sqlite3", mounts_file=mounts)


@pytest.fixture
def network_share(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make a folder of tmp_path look like a CIFS mount to the desk."""
    share = tmp_path / "mnt" / "send"
    share.mkdir(parents=True)
    mounts = write_mounts(tmp_path, share, "cifs")
    real = location.looks_like_network_share

    def fake(path: Path, mounts_file: Path = mounts) -> bool:
        return real(path, mounts_file=mounts)

    monkeypatch.setattr("send_desk.bootstrap.looks_like_network_share", fake)
    return share


def test_open_desk_refuses_a_file_on_a_share(network_share: Path) -> None:
    database = network_share / "desk.sqlite3"
    with pytest.raises(NetworkShareError) as caught:
        open_desk(str(database), login="sam.patel")
    message = str(caught.value)
    assert str(database) in message
    assert "network share" in message
    assert "PostgreSQL" in message
    assert "--allow-network-share" in message
    assert not database.exists()  # nothing was created on the share


def test_open_desk_opens_a_share_when_told_to(network_share: Path) -> None:
    database = network_share / "desk.sqlite3"
    desk = open_desk(str(database), login="sam.patel", allow_network_share=True)
    try:
        assert desk.staff.me().login == "sam.patel"
    finally:
        desk.close()
    assert database.exists()


def test_the_command_line_refuses_a_share_in_one_line(
    network_share: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from send_desk.cli.main import main

    code = main(["--database", str(network_share / "desk.sqlite3"), "cases", "--json"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.startswith("send-desk: error: The database file")
    assert err.count("\n") == 1


def test_a_server_url_is_never_a_share(monkeypatch: pytest.MonkeyPatch) -> None:
    url = resolve_database_url("postgresql+psycopg://desk@db.example.org/send_desk", environ={})
    assert sqlite_path(url) is None


def test_a_plain_path_means_sqlite(tmp_path: Path) -> None:
    url = resolve_database_url(str(tmp_path / "desk.sqlite3"), environ={})
    assert url.get_backend_name() == "sqlite"
    assert sqlite_path(url) == (tmp_path / "desk.sqlite3").resolve()


def test_the_environment_variable_is_used(tmp_path: Path) -> None:
    url = resolve_database_url(None, environ={"SEND_DESK_DATABASE_URL": str(tmp_path / "env.sqlite3")})
    assert sqlite_path(url) == (tmp_path / "env.sqlite3").resolve()
