"""The PNG decoder that the screenshot test uses to look at pixels."""

from __future__ import annotations

import struct
import zlib

import pytest

from market_pipeline_tests.ui.png import PNG_SIGNATURE, decode_png

RED = b"\xff\x00\x00"
BLUE = b"\x00\x00\xff"


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png(width: int, height: int, colour_type: int, filtered_rows: list[bytes]) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    image = zlib.compress(b"".join(filtered_rows))
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", image) + _chunk(b"IEND", b"")


def test_decode_undoes_filters() -> None:
    # Three rows of RED, BLUE, RED, each filtered differently.
    plain = RED + BLUE + RED
    sub = RED + bytes((b - a) & 0xFF for a, b in zip(plain, plain[3:], strict=False))
    up = bytes(3 * 3)  # the same as the row above
    rows = [b"\x00" + plain, b"\x01" + sub, b"\x02" + up]

    image = decode_png(_png(3, 3, 2, rows))

    assert (image.width, image.height, image.channels) == (3, 3, 3)
    assert image.rows == [plain, plain, plain]
    assert image.colour_counts(step=1) == {RED: 6, BLUE: 3}


def test_decode_paeth_and_average() -> None:
    plain = RED + RED
    # With identical rows, Paeth predicts the pixel above and Average half of left plus above.
    paeth = bytes(6)
    average = bytes(
        (value - (left + value) // 2) & 0xFF
        for left, value in zip(b"\x00" * 3 + plain, plain, strict=False)
    )
    rows = [b"\x00" + plain, b"\x04" + paeth, b"\x03" + average]

    image = decode_png(_png(2, 3, 2, rows))

    assert image.rows == [plain, plain, plain]


def test_decode_rejects_palette() -> None:
    with pytest.raises(ValueError, match="colour type 3"):
        decode_png(_png(1, 1, 3, [b"\x00\x00"]))


def test_decode_rejects_other_files() -> None:
    with pytest.raises(ValueError, match="signature"):
        decode_png(b"GIF89a")
