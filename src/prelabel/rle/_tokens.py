"""Where the tokens of a stream start: a finite-state machine over its bytes.

A token's length depends on its own head, so finding where tokens start is
sequential. It is done as a finite-state machine over the stream's bytes: the state at a
byte boundary is the offset (0..26 bits) of the next token start from that boundary, and a
byte's transition depends only on that byte and the top 2 bits of the next one (a repeat
token is 3 + w + 8 <= 27 bits, at least 12, so at most one token starts in a byte). Blocks
of bytes are composed for all 27 entry states at once (numpy), the true state is carried
from block to block (one Python step per block), and a second numpy pass lists the token
starts. Literal chunks (flag 0) have a data-dependent length: the machine goes to _ESC and
that stretch is walked token by token in Python until the next block boundary.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ._header import HEADER_BITS, WIDTHS

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["PAIR_BYTES", "SCALAR_BYTES", "token_end", "token_starts"]


_STATES = 27
_ESC = 27
_FIRST_BYTE = HEADER_BITS // 8  # the first token starts at bit 5 of byte 6
_FIRST_STATE = HEADER_BITS % 8
SCALAR_BYTES = 768  # shorter bodies: a plain Python walk is faster than numpy set-up (measured)
PAIR_BYTES = 2**17  # longer bodies: the two-byte machine (7 MiB table, built once) pays off


@functools.lru_cache(maxsize=8)
def _byte_machine(widths: tuple[int, int, int, int]) -> NDArray[np.int8]:
    """Transition table, flattened (1024, 28): [10-bit window, state] -> next state.

    The window is the byte and the top 2 bits of the next one: enough to read the flag and
    count class of a token starting anywhere in the byte.
    """
    win = np.arange(1024)[:, None]
    state = np.arange(_STATES + 1)[None, :]
    s = np.minimum(state, 7)  # state >= 8: no token starts in this byte
    flag = (win >> (9 - s)) & 1
    cls = (win >> (7 - s)) & 3
    starts_here = state + np.array(widths)[cls] + 11 - 8
    table = np.where(state >= 8, state - 8, np.where(flag == 1, starts_here, _ESC))
    table[:, _ESC] = _ESC
    return table.astype(np.int8).ravel()


@functools.lru_cache(maxsize=1)
def _pair_machine(widths: tuple[int, int, int, int]) -> NDArray[np.int8]:
    """Two bytes per step, flattened (2**18, 28): [18-bit window, state] -> next state.

    The window is bytes b0, b1 and the top 2 bits of b2. Built once per process (7 MiB,
    about 40 ms), and only for the standard count widths.
    """
    one = _byte_machine(widths).reshape(1024, _STATES + 1)
    b0 = np.arange(256)[:, None]
    b1 = np.arange(256)[None, :]
    after_b0 = one[b0 << 2 | b1 >> 6].astype(np.intp)  # (b0, b1, state)
    table = np.empty((256, 256, 4, _STATES + 1), dtype=np.int8)
    flat_one = one.ravel()
    for b2 in range(4):
        table[:, :, b2, :] = flat_one[((b1 << 2 | b2) * (_STATES + 1))[..., None] + after_b0]
    return table.ravel()


def token_end(
    starts: NDArray[np.int64],
    top: NDArray[np.uint64],
    width: NDArray[np.uint64],
    count: NDArray[np.int64],
    i: int,
) -> int:
    """Bit position just after token ``i``."""
    body = 8 if top[i] >> np.uint64(63) else 8 * int(count[i])
    return int(starts[i]) + 3 + int(width[i]) + body


def token_starts(
    data: bytes, buf: NDArray[np.uint8], widths: tuple[int, int, int, int]
) -> NDArray[np.int64]:
    """Bit positions of all tokens, in order, from the header to the end of ``data``."""
    n_body = len(data) - _FIRST_BYTE
    if n_body <= SCALAR_BYTES:
        starts: list[int] = []
        _walk(data, 8 * _FIRST_BYTE + _FIRST_STATE, None, widths, starts)
        return np.array(starts, dtype=np.int64)
    step = 2 if n_body >= PAIR_BYTES and widths == WIDTHS else 1
    block = _block_bytes(n_body)
    n_blocks = -(-n_body // block)
    one = _byte_machine(widths)
    body = np.zeros(n_blocks * block + 2, dtype=np.intp)
    body[:n_body] = buf[_FIRST_BYTE : len(data)]
    win10 = (body[:-2] << 2 | body[1:-1] >> 6) * (_STATES + 1)
    rows = np.ascontiguousarray(win10.reshape(n_blocks, block).T)  # rows[j]: byte j of each block

    # 1. every block's exit state, for each of the 27 entry states
    entry_states = np.arange(_STATES, dtype=np.intp)[:, None]
    state = np.broadcast_to(entry_states, (_STATES, n_blocks))
    if step == 2:
        pairs = (body[:-2:2] << 10 | body[1:-1:2] << 2 | body[2::2] >> 6) * (_STATES + 1)
        pair_rows = np.ascontiguousarray(pairs.reshape(n_blocks, block // 2).T)
        two = _pair_machine(widths)
        for row in pair_rows:
            state = two[row + state]
    else:
        for row in rows:
            state = one[row + state]
    exits = np.asarray(state, dtype=np.uint8).T.tobytes()

    # 2. carry the true state from block to block; literal chunks are walked in Python
    entry = bytearray(b"\xff") * n_blocks
    walked: list[int] = []
    first_bit = 8 * _FIRST_BYTE
    block_bits = 8 * block
    k, s = 0, _FIRST_STATE
    while k < n_blocks:
        nxt = exits[k * _STATES + s]
        if nxt != _ESC:
            entry[k] = s
            k, s = k + 1, nxt
            continue
        p = _walk(data, first_bit + k * block_bits + s, (first_bit, block_bits), widths, walked)
        if p < 0:
            break
        k, s = divmod(p - first_bit, block_bits)

    # 3. the token starts inside the blocks the machine carried
    fsm = np.frombuffer(bytes(entry), dtype=np.uint8)
    ks = np.flatnonzero(fsm != 255)
    cur = fsm[ks].astype(np.intp)
    seen = np.empty((ks.size, block), dtype=np.int8)  # state at each byte, block-major
    sub = rows if ks.size == n_blocks else rows[:, ks]
    for j in range(block):
        seen[:, j] = cur
        cur = one[sub[j] + cur]
    flat_seen = seen.ravel()
    at = np.flatnonzero(flat_seen < 8)  # a token starts in this byte
    byte = (ks * block)[at // block] + at % block if ks.size != n_blocks else at
    found = 8 * byte + first_bit + flat_seen[at]
    if walked:
        found = np.sort(np.concatenate([found, np.array(walked, dtype=np.intp)]), kind="stable")
    return found.astype(np.int64, copy=False)


def _block_bytes(n_body: int) -> int:
    """Bytes per block: more blocks cost Python steps (2.), longer blocks numpy steps (1., 3.)."""
    block = 16  # measured: 16-32 bytes suit streams of a few KiB, 64-128 those of 1 MiB
    while block < 128 and block * block * 64 < n_body:
        block *= 2
    return block


def _walk(
    data: bytes,
    p: int,
    blocks: tuple[int, int] | None,
    widths: tuple[int, int, int, int],
    out: list[int] | None = None,
) -> int:
    """Walk tokens one by one from bit ``p``, appending their starts to ``out``.

    With ``blocks = (first_bit, block_bits)``, stop at the first token that starts within
    the machine's reach (27 bits) of a later block boundary and return its position; return
    -1 at the end of the data.
    """
    starts: list[int] = [] if out is None else out
    n_bits = 8 * len(data)
    k = -1 if blocks is None else (p - blocks[0]) // blocks[1]
    while p < n_bits:
        starts.append(p)
        i = p >> 3
        win = (int.from_bytes(data[i : i + 4].ljust(4, b"\0"), "big") << (p & 7)) & 0xFFFFFFFF
        w = widths[(win >> 29) & 3]
        if win >> 31:
            p += 11 + w
        else:
            p += 3 + w + 8 * (((win >> (29 - w)) & ((1 << w) - 1)) + 1)
        if blocks is not None:
            kk, off = divmod(p - blocks[0], blocks[1])
            if kk > k and off < _STATES:
                return p
    return -1
