"""Start the window: application set-up, settings location, style, then paint before loading."""

from __future__ import annotations

import os
import sys

from .palette import style_sheet

STYLE = style_sheet()  # the palette's: read-only fields, the field marker, tones and banners


def configure_application(app) -> None:
    """Names, style and translation; the settings file upgraded from older places (``settings.py``)."""
    from .settings import APPLICATION, ORGANIZATION, upgrade_settings

    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("desktop832")
    try:
        upgrade_settings()
    except OSError:
        pass  # no data folder to be had (read-only, full): the window says so where it opens the file
    app.setStyleSheet(STYLE)
    install_qt_translation(app)
    install_cjk_fallback(app)


SHIPPED_UI_FONT = "Desktop832Kai-Regular.ttf"  # the letter's body face, OFL (resources/fonts/README.md)


def system_cjk_families() -> list[str]:
    """The system's font families that write Simplified Chinese (ours left out)."""
    from PySide6.QtGui import QFontDatabase

    return [f for f in QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese) if "Desktop832" not in f]


def install_cjk_fallback(app) -> str | None:
    """On a machine without a Chinese font every label would be a box: register the shipped font
    with Qt and put it behind the application font, so Chinese falls back to it. Returns the
    family used, or None when the system has its own."""
    from PySide6.QtGui import QFontDatabase

    from .. import paths

    if system_cjk_families():
        return None
    font_id = QFontDatabase.addApplicationFont(str(paths.resources_dir() / "fonts" / SHIPPED_UI_FONT))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    font = app.font()
    font.setFamilies([font.family(), *families])
    app.setFont(font)
    return families[0]


def install_qt_translation(app) -> None:
    """Qt's own strings (确定/取消 on standard dialogs, context menus, the file dialog) in Chinese,
    the standard buttons with their letters."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    from .file_dialogs import UNTRANSLATED
    from .mnemonics import QtTextFixes

    if app.findChild(QtTextFixes) is not None:
        return  # installed already (the tests configure one application many times)
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder)
    if loaded:
        app.installTranslator(translator)
    # asked before Qt's translation (installed last): 确定(&O), 取消(&C), 关闭(&C) on every standard
    # button, and the file dialog's labels Qt's translation lacks
    app.installTranslator(QtTextFixes(translator if loaded else None, app, UNTRANSLATED))


def preload_store_libraries():
    """Import SQLAlchemy on a worker thread while the window builds its forms.

    Opening the data file waits mostly for this import; meanwhile the main thread lays out the
    tab on screen and the findings panel (``MainWindow._build_first_view``), which need no
    database, and then waits for the worker where it imports the store. Started after the first
    paint, so the two never compete for the GIL before the window is on screen. Only third-party
    modules are imported here, none of which imports ours, and Python's per-module import locks
    make a module imported by both threads load once. A failure is left to the main thread's own
    import, which reports it where the file opens.
    """
    from .background_task import BackgroundTask

    def load(_progress) -> None:
        import sqlalchemy.dialects.sqlite  # noqa: F401  (the import is the work)

    task = BackgroundTask(load, name="preload-sqlalchemy")
    task.finished.connect(task.deleteLater)  # a failure is not shown from here: see above
    return task.start()


def close_when_the_system_asks(app, window) -> None:
    """A logout, a shutdown or ``kill`` ends the window as the clerk closing it would.

    The session manager's request (Windows' end-of-session message among them) saves what was
    being typed; SIGTERM closes the window, which saves, releases the file's lock and lets the
    demo copy be cleaned up at exit.
    """
    import signal

    from PySide6.QtCore import QTimer

    app.commitDataRequest.connect(lambda _manager: window.save_now())
    if os.name == "posix":
        signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, window.close))
        # Python runs a signal handler only between its own bytecodes: give it a turn now and then
        wakeup = QTimer(app)
        wakeup.timeout.connect(lambda: None)
        wakeup.start(300)


def create_application(argv: list[str] | None = None):
    """The one place the program makes its ``QApplication`` (or returns the one there is).

    Before it is made: on a 125 % or 150 % display Qt scales by exactly that, instead of rounding
    the factor to 100 % or 200 % (text and layouts the clerk's system setting asked for)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(list(argv) if argv else ["desktop832"])
    return app


def run_gui(args) -> int:
    from PySide6.QtCore import QTimer

    from ..app import logs
    from .crash import install_excepthook
    from .main_window import MainWindow
    from .start import choose_start_file, open_start_file

    logs.setup_logging()
    app = create_application(sys.argv[:1])
    configure_application(app)
    window = MainWindow()
    # an unexpected error: logged, a calm dialog with the log's path, pending edits saved first
    handler = install_excepthook(
        app, window=lambda: window, before_dialog=lambda: window.document and window.document.save_now()
    )
    close_when_the_system_asks(app, window)
    start = choose_start_file(args, window.settings)
    window.show()
    app.processEvents()  # paint first, then open the file (the store's imports cost more)
    preload_store_libraries()
    QTimer.singleShot(0, lambda: open_start_file(window, start))
    try:
        return app.exec()
    finally:
        from .background_task import wait_for

        wait_for(None, timeout=10)  # no worker may report to a window that is being destroyed
        handler.uninstall()
        logs.shutdown_logging()
