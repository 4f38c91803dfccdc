"""``reproducible_ids`` holds per thread (a contextvar), as its docstring says."""

from __future__ import annotations

import threading

from prelabel.ids import new_id, reproducible_ids


def test_reproducible_ids_are_per_thread_as_documented() -> None:
    def seeded(seed: int) -> list[str]:
        with reproducible_ids(seed):
            return [new_id() for _ in range(3)]

    seen: list[str] = []
    with reproducible_ids(1):
        thread = threading.Thread(target=lambda: seen.append(new_id()))
        thread.start()
        thread.join()
    assert seen[0] not in seeded(1)  # the worker thread's ids are not seeded
    out: dict[int, list[str]] = {}
    threads = [threading.Thread(target=lambda i=i: out.__setitem__(i, seeded(i))) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {1: seeded(1), 2: seeded(2)}  # one block per work item repeats
