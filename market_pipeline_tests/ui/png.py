"""A minimal PNG decoder (8-bit RGB or RGBA, not interlaced) to inspect screenshots."""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from dataclasses import dataclass

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS_BY_COLOUR_TYPE = {2: 3, 6: 4}  # RGB, RGBA


@dataclass(frozen=True)
class PngImage:
    """Decoded pixel rows: `channels` bytes per pixel, `width` pixels per row."""

    width: int
    height: int
    channels: int
    rows: list[bytes]

    def colour_counts(self, step: int = 4) -> Counter[bytes]:
        """Count the RGB colours of every `step`-th pixel of every `step`-th row."""
        counts: Counter[bytes] = Counter()
        for row in self.rows[::step]:
            for offset in range(0, len(row), self.channels * step):
                counts[row[offset : offset + 3]] += 1
        return counts


def decode_png(data: bytes) -> PngImage:
    """Decode `data`. Raise ValueError for anything but 8-bit, non-interlaced RGB or RGBA."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file: the signature is missing")
    header, compressed = _read_chunks(data)
    width, height, bit_depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if bit_depth != 8 or colour_type not in CHANNELS_BY_COLOUR_TYPE or interlace:
        raise ValueError(
            f"unsupported PNG: bit depth {bit_depth}, colour type {colour_type}, "
            f"interlace {interlace}; expected 8-bit RGB or RGBA without interlacing"
        )
    channels = CHANNELS_BY_COLOUR_TYPE[colour_type]
    rows = _unfilter(zlib.decompress(compressed), width * channels, height, channels)
    return PngImage(width=width, height=height, channels=channels, rows=rows)


def _read_chunks(data: bytes) -> tuple[bytes, bytes]:
    """Return the IHDR body and the concatenated IDAT bodies."""
    header = b""
    compressed = bytearray()
    position = len(PNG_SIGNATURE)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += length + 12  # length, type, body and CRC
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            compressed += body
    if not header:
        raise ValueError("invalid PNG: the IHDR chunk is missing")
    return header, bytes(compressed)


def _unfilter(raw: bytes, stride: int, height: int, bpp: int) -> list[bytes]:
    """Undo the per-row PNG filters (None, Sub, Up, Average, Paeth)."""
    if len(raw) != (stride + 1) * height:
        raise ValueError(f"invalid PNG: {len(raw)} image bytes, expected {(stride + 1) * height}")
    rows: list[bytes] = []
    previous = bytearray(stride)
    for index in range(height):
        start = index * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                upper_left = previous[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, up, upper_left)) & 0xFF
            elif kind != 0:
                raise ValueError(f"invalid PNG: unknown filter type {kind} in row {index}")
        rows.append(bytes(line))
        previous = line
    return rows


def _paeth(left: int, up: int, upper_left: int) -> int:
    estimate = left + up - upper_left
    distance_left = abs(estimate - left)
    distance_up = abs(estimate - up)
    distance_upper_left = abs(estimate - upper_left)
    if distance_left <= distance_up and distance_left <= distance_upper_left:
        return left
    if distance_up <= distance_upper_left:
        return up
    return upper_left
