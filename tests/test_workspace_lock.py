"""One way to hold a data file's lock: the workspace owns it and releases it in ``close()``, for
the window as for the command line (the window used to release it by path, beside the workspace)."""

from desktop832.app import locking
from desktop832.app.workspace import Workspace


def held(path) -> bool:
    return locking.lock_path(path) in locking.held_paths()


def test_the_window_s_workspace_owns_the_lock_across_opens_and_the_close(make_window, tmp_path):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    window = make_window(first)
    assert held(first) and window.workspace.lock is not None and window.workspace.lock.ok
    assert window.open_database(second, first_start=True)
    assert not held(first) and held(second)  # the first file's workspace closed, and its lock with it
    assert window.open_database(second)  # the same file again: the lock passes to the new workspace
    assert held(second) and window.workspace.lock is not None
    window.close()
    assert not held(second) and window.workspace is None


def test_a_workspace_used_as_a_context_manager_releases_its_lock(tmp_path):
    path = tmp_path / "unit.sqlite"
    lock = locking.acquire(path)
    assert lock.ok
    with Workspace.open(path, lock=lock) as workspace:
        assert held(path) and workspace.default_year()
    assert not held(path) and workspace.lock is None
