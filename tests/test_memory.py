"""The malloc arena cap that keeps the server's memory from growing with page-run threads (finder/memory.py)."""

import platform

import pytest

from finder import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the arena cap is glibc's")
def test_the_arena_cap_takes_on_glibc() -> None:
    assert memory.cap_malloc_arenas() is True
    assert memory.cap_malloc_arenas() is True  # once per process is enough; asking again is harmless


def test_without_a_c_library_nothing_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where no C library can be found (some minimal platforms), the server starts as usual."""
    monkeypatch.setattr(memory.ctypes.util, "find_library", lambda name: None)
    assert memory.cap_malloc_arenas.__wrapped__(memory.ARENAS) is False
