"""Errors reach the person in the UI language: the core's refusals and common system errors."""

from __future__ import annotations

import errno

from fieldsurvey.app.i18n import set_language
from fieldsurvey.app.ui import error_text
from fieldsurvey.core.errors import Phrase, RefusedError


def _locked() -> RefusedError:
    return RefusedError(
        "{path} is open in another FieldSurvey window or process", path="/data/survey.db"
    )


def test_a_refusal_is_shown_in_chinese(qapp):
    set_language("zh")
    text = error_text(_locked())
    assert text == "/data/survey.db 已在另一个 FieldSurvey 窗口或进程中打开"


def test_a_refusal_is_shown_in_english(qapp):
    assert (
        error_text(_locked()) == "/data/survey.db is open in another FieldSurvey window or process"
    )


def test_details_are_shown_in_chinese_too(qapp):
    set_language("zh")
    exc = RefusedError(
        "{path}: {count} problem(s); no village was imported",
        [Phrase("row {row}: the village code is empty", row=4), "plain line"],
        path="villages.csv",
        count=2,
    )
    assert error_text(exc).splitlines() == [
        "villages.csv：有 2 个问题，未导入任何村庄",
        "第 4 行：村庄编码为空",
        "plain line",
    ]


def test_a_full_disk_is_a_plain_sentence_in_chinese(qapp):
    set_language("zh")
    exc = OSError(errno.ENOSPC, "No space left on device", "/media/usb/pkg.zip")
    assert error_text(exc) == "磁盘空间已满，无法写入 /media/usb/pkg.zip。"
    assert error_text(OSError(errno.ENOSPC, "No space left on device")) == (
        "磁盘空间已满。请释放一些空间后重试。"
    )


def test_common_system_errors_are_plain_sentences(qapp):
    denied = PermissionError(errno.EACCES, "Permission denied", "/srv/survey.db")
    assert error_text(denied) == "You do not have permission to use /srv/survey.db."
    locked_stick = OSError(errno.EROFS, "Read-only file system", "/media/usb/survey.db")
    assert error_text(locked_stick).startswith("/media/usb/survey.db is on a read-only drive")
    set_language("zh")
    assert "只读" in error_text(locked_stick)
    assert error_text(denied) == "您没有权限使用 /srv/survey.db。"


def test_other_system_errors_keep_the_system_words(qapp):
    exc = OSError(errno.EIO, "Input/output error", "/media/usb/survey.db")
    set_language("zh")
    assert error_text(exc) == str(exc)
