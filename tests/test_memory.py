"""The malloc arena cap that keeps the server's memory from growing with page-run threads (finder/memory.py)."""

import platform

import pytest

from finder import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the arena cap is glibc's")
def test_the_arena_cap_takes_on_glibc() -> None:
    assert memory.cap_malloc_arenas() is True
    assert memory.cap_malloc_arenas() is True  # once per process is enough; asking again is harmless


def no_handle(name: object) -> object:
    raise TypeError("CDLL(None) cannot open the process itself on Windows")


@pytest.mark.parametrize(
    "process_symbols",
    [lambda name: object(), no_handle],
    ids=["a C library without mallopt (musl, macOS)", "no handle on the process (Windows)"],
)
def test_without_glibc_nothing_is_capped(monkeypatch: pytest.MonkeyPatch, process_symbols: object) -> None:
    """Where there is no glibc mallopt, the server starts as usual."""
    monkeypatch.setattr(memory.ctypes, "CDLL", process_symbols)
    assert memory.cap_malloc_arenas.__wrapped__(memory.ARENAS) is False
