"""Privacy: the clerk's data never reaches the log, and no other local user can read her files.

An unexpected save error used to log the whole profile row (unit, contact, phone, person in
charge) with the SQL parameters, and the data, backup and log folders were made 0755 and their
files 0644. Now the engine hides parameters from every error text, and the app's own folders are
0700 and its files 0600 (POSIX; Windows keeps its per-user folders' access rules).
"""

import dataclasses
import logging
import os
import stat

import pytest

from desktop832 import paths
from desktop832.store import backups
from desktop832.store.database import Store

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are a POSIX notion")


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_an_unexpected_save_error_never_carries_the_clerks_values(tmp_path, profile, caplog):
    from sqlalchemy.exc import SQLAlchemyError

    with Store.open(tmp_path / "unit.sqlite") as store:
        broken = dataclasses.replace(profile, name=None)  # NOT NULL: a bug's kind of error, not the clerk's
        with pytest.raises(SQLAlchemyError) as caught:
            store.save_profile(broken)
    logging.getLogger("desktop832.crash").error("Unhandled exception", exc_info=caught.value)
    for value in (profile.phone, profile.contact_name, profile.supervising_department, profile.credit_code):
        assert value not in str(caught.value)
        assert value not in caplog.text
    assert "hidden" in str(caught.value)  # the SQL is still there for support, its values are not


@posix_only
def test_data_backup_and_log_folders_and_files_are_private(tmp_path):
    from desktop832.app import logs

    old = os.umask(0o022)  # a usual desktop: new files 0644, folders 0755
    try:
        db = paths.default_database()
        with Store.open(db, backup_dir=paths.backup_dir()) as store:
            store.save_profile(store.profile())
            made = backups.make_backup(db, paths.backup_dir())
            for name in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), made.path):
                assert mode(name) == 0o600, name
        log = logs.setup_logging()
        logging.getLogger("desktop832").info("a line")
        logs.shutdown_logging()
    finally:
        os.umask(old)
    assert mode(log) == 0o600
    for folder in (paths.data_dir(), paths.backup_dir(), paths.log_dir()):
        assert mode(folder) == 0o700, folder


@posix_only
def test_an_app_folder_made_public_by_an_older_version_is_made_private(tmp_path):
    folder = paths.backup_dir()
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    paths.make_private_dir(folder)
    assert mode(folder) == 0o700
    chosen = tmp_path / "my documents"  # a folder the clerk chose is hers: left as it is
    chosen.mkdir()
    os.chmod(chosen, 0o755)
    with Store.open(chosen / "unit.sqlite"):
        pass
    assert mode(chosen) == 0o755 and mode(chosen / "unit.sqlite") == 0o600
