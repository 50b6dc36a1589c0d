"""Messages the core produces for people, in English and Simplified Chinese.

The GUI translates its own widgets; messages born in the core are chosen here by the form's or
the user's language code: validation problems by key (``MESSAGES``), and the errors a person
can cause (``fieldsurvey.core.errors``) by their English template, from
``resources/translations/zh_CN/core_messages.json``.
"""

from __future__ import annotations

import json
from functools import lru_cache

from fieldsurvey import paths

CORE_MESSAGES_FILE = "core_messages.json"

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"en": "This answer is required.", "zh": "此项为必答题。"},
    "constraint": {"en": "This answer is not allowed.", "zh": "此答案不符合要求。"},
    "not_integer": {"en": "Enter a whole number.", "zh": "请输入整数。"},
    "not_number": {"en": "Enter a number.", "zh": "请输入数字。"},
    "integer_range": {  # a whole number beyond what databases and Stata keep exactly
        "en": "Enter a whole number from -9223372036854775808 to 9223372036854775807.",
        "zh": "请输入 -9223372036854775808 至 9223372036854775807 之间的整数。",
    },
    "not_text": {"en": "Enter text.", "zh": "请输入文字。"},
    "not_date": {"en": "Enter a date as YYYY-MM-DD.", "zh": "请按 YYYY-MM-DD 格式输入日期。"},
    "not_time": {"en": "Enter a time as HH:MM.", "zh": "请按 HH:MM 格式输入时间。"},
    "not_datetime": {
        "en": "Enter a date and time as YYYY-MM-DDTHH:MM.",
        "zh": "请按 YYYY-MM-DDTHH:MM 格式输入日期和时间。",
    },
    "bad_choice": {"en": "'{value}' is not one of the choices.", "zh": "“{value}”不是可选项。"},
    "filtered_choice": {
        "en": "'{value}' is not among the choices the earlier answers allow.",
        "zh": "根据前面的回答，“{value}”不在可选范围内。",
    },
    "not_list": {"en": "Expected a list of choices.", "zh": "应为选项列表。"},
    "bad_geopoint": {
        "en": "Enter latitude (-90 to 90) and longitude (-180 to 180), then optional altitude and accuracy.",
        "zh": "请输入纬度（-90 至 90）和经度（-180 至 180），可再输入海拔和精度。",
    },
    "out_of_range": {
        "en": "Enter a value from {start} to {end} in steps of {step}.",
        "zh": "请输入 {start} 至 {end} 之间、步长为 {step} 的数值。",
    },
    "not_ack": {"en": "Acknowledge by answering OK.", "zh": "请确认（OK）。"},
    "unknown_field": {"en": "No question has this name.", "zh": "表单中没有此名称的问题。"},
    "not_rows": {"en": "Expected a list of rows.", "zh": "应为多行记录列表。"},
    "repeat_count": {
        "en": "Expected {count} rows, found {found}.",
        "zh": "应有 {count} 行，实际为 {found} 行。",
    },
    "read_only": {"en": "This question cannot be answered.", "zh": "此问题不可作答。"},
}


def tr(key: str, lang: str | None = "en", **kwargs: object) -> str:
    """The message *key* in *lang* (falling back to English), with fields filled in."""
    table = MESSAGES[key]
    text = table.get(lang or "en") or table["en"]
    return text.format(**kwargs) if kwargs else text


@lru_cache(maxsize=1)
def core_catalogue() -> dict[str, str]:
    """English template -> Simplified Chinese, for the core's error messages."""
    file = paths.resources_dir() / "translations" / "zh_CN" / CORE_MESSAGES_FILE
    return json.loads(file.read_text(encoding="utf-8"))


def core_message(template: str, lang: str | None) -> str:
    """The error template *template* in *lang* (English when there is no translation)."""
    if lang == "zh":
        return core_catalogue().get(template) or template
    return template
