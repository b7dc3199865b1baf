"""Build small Outlook .msg files for the tests: a minimal OLE2 compound-file writer and MS-OXMSG streams.

olefile reads compound files but cannot create one, so this writes version-3 files (512-byte sectors,
a mini stream for streams under 4096 bytes) that olefile, and Outlook, read. The committed fixture
`tests/fixtures/email/zoe.msg` is made by running this module: `python -m tests.msg_fixture`.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

Tree = dict[str, "bytes | Tree"]

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
FIXTURE = Path(__file__).parent / "fixtures" / "email" / "zoe.msg"


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = END
    size: int = 0


def _flatten(tree: Tree, entries: list[_Entry], parent: int) -> None:
    for name, value in tree.items():
        entries.append(_Entry(name, 2, value) if isinstance(value, bytes) else _Entry(name, 1))
        index = len(entries) - 1
        entries[parent].children.append(index)
        if not isinstance(value, bytes):
            _flatten(value, entries, index)


def _chain(start: int, count: int) -> list[int]:
    return [start + i + 1 if i < count - 1 else END for i in range(count)]


def ole_file(tree: Tree) -> bytes:
    """Return a compound file holding the given storages (dicts) and streams (bytes)."""
    entries = [_Entry("Root Entry", 5)]
    _flatten(tree, entries, 0)
    for entry in entries:  # siblings as a right-leaning chain in the order the format compares names
        kids = sorted(entry.children, key=lambda i: (len(entries[i].name), entries[i].name.upper()))
        if kids:
            entry.child = kids[0]
            for here, after in itertools.pairwise(kids):
                entries[here].right = after

    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for entry in entries:
        if entry.kind != 2:
            continue
        entry.size = len(entry.data)
        if entry.size >= CUTOFF:
            big.append(entry)
        elif entry.size:
            count = -(-entry.size // MINI)
            entry.start = len(minifat)
            minifat += _chain(len(minifat), count)
            mini += entry.data.ljust(count * MINI, b"\0")

    sectors: list[bytes] = []
    fat: list[int] = []

    def place(data: bytes) -> int:
        count = -(-len(data) // SECTOR)
        start = len(sectors)
        for i in range(count):
            sectors.append(data[i * SECTOR : (i + 1) * SECTOR].ljust(SECTOR, b"\0"))
        fat.extend(_chain(start, count))
        return start if count else END

    for entry in big:
        entry.start = place(entry.data)
    entries[0].start = place(bytes(mini))
    entries[0].size = len(mini)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    if minifat_bytes:
        minifat_bytes = minifat_bytes.ljust(-(-len(minifat_bytes) // SECTOR) * SECTOR, b"\xff")
    minifat_start = place(minifat_bytes)
    minifat_count = len(minifat_bytes) // SECTOR

    directory = bytearray()
    for entry in entries:
        encoded = (entry.name + "\0").encode("utf-16-le")
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            encoded,
            len(encoded),
            entry.kind,
            1,  # black
            entry.left,
            entry.right,
            entry.child,
            b"\0" * 16,
            0,
            0,
            0,
            entry.start if entry.kind != 1 else 0,
            entry.size,
        )
    while len(directory) % SECTOR:
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
        )
    directory_start = place(bytes(directory))

    fat_count = 1
    while (len(sectors) + fat_count) * 4 > fat_count * SECTOR:
        fat_count += 1
    fat_start = len(sectors)
    fat += [FATSECT] * fat_count
    fat += [FREE] * (fat_count * SECTOR // 4 - len(fat))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    for i in range(fat_count):
        sectors.append(fat_bytes[i * SECTOR : (i + 1) * SECTOR])

    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_count,
        directory_start,
        0,
        CUTOFF,
        minifat_start if minifat_count else END,
        minifat_count,
        END,
        0,
        *difat,
    )
    return header + b"".join(sectors)


# ----- MS-OXMSG ---------------------------------------------------------------------------------------
def filetime(moment: datetime) -> int:
    """Return a moment as a Windows FILETIME (100 ns ticks since 1601)."""
    delta = moment - datetime(1601, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


@dataclass
class MsgProperties:
    """The property streams of one .msg storage: strings and binaries as streams, fixed values in one."""

    header: bytes
    streams: Tree = field(default_factory=dict)
    fixed: bytearray = field(default_factory=bytearray)

    def text(self, prop: int, value: str) -> None:
        encoded = value.encode("utf-16-le")
        self.streams[f"__substg1.0_{prop:04X}001F"] = encoded
        self.fixed += struct.pack("<IIII", (prop << 16) | 0x001F, 6, len(encoded) + 2, 0)

    def binary(self, prop: int, value: bytes) -> None:
        self.streams[f"__substg1.0_{prop:04X}0102"] = value
        self.fixed += struct.pack("<IIII", (prop << 16) | 0x0102, 6, len(value), 0)

    def long(self, prop: int, value: int) -> None:
        self.fixed += struct.pack("<IIII", (prop << 16) | 0x0003, 6, value, 0)

    def time(self, prop: int, moment: datetime) -> None:
        self.fixed += struct.pack("<IIQ", (prop << 16) | 0x0040, 6, filetime(moment))

    def tree(self) -> Tree:
        return {"__properties_version1.0": self.header + bytes(self.fixed), **self.streams}


def build_msg(
    *,
    subject: str,
    sender_name: str,
    sender_address: str,
    sent_at: datetime,
    body_text: str | None = None,
    body_html: str | None = None,
    to: str = "",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    """Return an Outlook .msg file with these properties (PR_HTML as UTF-8 bytes, PR_INTERNET_CPID 65001)."""
    message = MsgProperties(struct.pack("<8sIIII8s", b"", 1, len(attachments), 1, len(attachments), b""))
    message.text(0x001A, "IPM.Note")
    message.text(0x0037, subject)
    message.text(0x0C1A, sender_name)
    message.text(0x0042, sender_name)
    message.text(0x0C1E, "SMTP")
    message.text(0x0C1F, sender_address)
    message.text(0x5D01, sender_address)
    message.time(0x0039, sent_at)
    message.time(0x0E06, sent_at)
    message.text(0x0E04, to)
    message.long(0x3FDE, 65001)
    if body_text is not None:
        message.text(0x1000, body_text)
    if body_html is not None:
        message.binary(0x1013, body_html.encode("utf-8"))
    tree = message.tree()
    recipient = MsgProperties(b"\0" * 8)
    recipient.text(0x3001, to)
    recipient.long(0x0C15, 1)  # MAPI_TO
    tree["__recip_version1.0_#00000000"] = recipient.tree()
    for number, (name, media_type, content) in enumerate(attachments):
        attachment = MsgProperties(b"\0" * 8)
        attachment.long(0x3705, 1)  # ATTACH_BY_VALUE
        attachment.text(0x3707, name)
        attachment.text(0x3704, name[:12])
        attachment.text(0x370E, media_type)
        attachment.binary(0x3701, content)
        tree[f"__attach_version1.0_#{number:08X}"] = attachment.tree()
    tree["__nameid_version1.0"] = {
        "__substg1.0_00020102": b"",
        "__substg1.0_00030102": b"",
        "__substg1.0_00040102": b"",
    }
    return ole_file(tree)


ZOE_SENT = datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
ZOE_REPORT = b"%PDF-1.4\n% school report\n" + bytes(range(256)) * 20  # over 4096 bytes: in the big sectors
ZOE_HTML = (
    "<html><head><style>p {color: red}</style></head><body>"
    "<p>Dear SEND team,</p><p>Amy&#8217;s EHC needs assessment is now <b>8 weeks</b> late.<br>"
    "Please call me &amp; tell me when the plan will be ready.</p><p>Zo\u00eb</p></body></html>"
)


def zoe_msg() -> bytes:
    """Return the committed fixture's contents: non-ASCII sender, HTML-only body, one PDF attachment."""
    return build_msg(
        subject="Amy\u2019s EHC assessment \u2013 still waiting",
        sender_name="Zo\u00eb \u00d3 Briain",
        sender_address="zoe.obriain@example.org",
        sent_at=ZOE_SENT,
        body_html=ZOE_HTML,
        to="SEND team <send@council.example.gov.uk>",
        attachments=(("school report.pdf", "application/pdf", ZOE_REPORT),),
    )


if __name__ == "__main__":
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_bytes(zoe_msg())
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes)")
