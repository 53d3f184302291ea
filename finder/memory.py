"""Keep the server's memory from growing with the number of threads that have run a page.

glibc's malloc gives threads their own arenas (up to eight per core) and keeps the memory freed
in each for reuse by that arena. Streamlit runs every page run in a thread of its own, so under
load the server held on to ~170 MB more than it used (scripts/load_test.py --new-searches, 100,000
rows, 20 sessions: 610 MB peak RSS, 442 MB with two arenas). Capping the arenas at run time does
what MALLOC_ARENA_MAX=2 does for a process started with it, also where the environment cannot be
set (Streamlit Community Cloud). Elsewhere (not glibc) it does nothing.
"""

from __future__ import annotations

import ctypes
import functools

#: mallopt's parameter number for the arena limit (glibc's malloc.h: M_ARENA_MAX).
M_ARENA_MAX = -8
#: Two arenas: one for the server's own threads and one shared by the page runs; CPU time did not change.
ARENAS = 2


@functools.cache
def cap_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Limit glibc malloc to `arenas` arenas for threads started from now on; False where that is not possible."""
    try:
        # The symbols already loaded into this process, C library included: no search for libc (which
        # ctypes.util.find_library does by running ldconfig, ~7 ms of a server start).
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not glibc (musl, macOS), or Windows: nothing to cap
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))
