"""Read the values people type into a workbook: `95.3%`, `９５．３`, `1,234`, ` 12 `, `12所`, `是`."""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from . import config
from .text import fold

# ㎡ and m² fold (NFKC) to m2; the area example offers 4500平方米, so 平方米 must be read too.
UNIT_WORDS = ("人次", "万元", "元", "所", "个", "名", "人", "位", "次", "亩", "项", "家", "平方米", "平米", "m2")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")  # 9.53E1 too, as Excel reads it when typed
YES = ("是", "已通过", "通过", "已完成", "完成", "1", "yes", "y")
NO = ("否", "未通过", "未完成", "0", "no", "n")
# A building project's stage (config.PROJECT_STAGES), as people write it.
STAGE_WORDS = {**{word: 0 for word in ("未开工", "未动工", "尚未开工", "0")},
               **{word: 1 for word in ("在建", "已开工", "开工", "施工中", "在施工", "1")},
               **{word: 2 for word in ("已竣工", "竣工", "已完工", "完工", "已建成", "建成", "已完成", "竣工验收", "2")}}
STAGE_CHOICES = "、".join(config.PROJECT_STAGES)


@dataclass
class Parsed:
    value: float | None  # None: not reported (blank)
    error: str | None = None
    was_percent: bool = False


EXAMPLES = {"percent": "95.3 或 95.3%", "count": "12", "rank": "5", "amount": "1234.5", "area": "4500", "stage": "在建"}


def example(value_type: str, unit: str | None = None) -> str:
    """What a person should type for this kind of value (12, or 12所; 95.3 or 95.3%)."""
    text = EXAMPLES.get(value_type, "12")
    if unit and value_type in ("count", "amount", "area"):
        text += f" 或 {text}{unit}"
    return text


def parse_value(raw, value_type: str, percent_cell: bool = False, unit: str | None = None) -> Parsed:
    """A cell's value as a number for an indicator of this value type, or the reason it cannot be one.

    percent_cell: the cell has a percent number format, so Excel stored 95.3% as 0.953. unit: the
    indicator's unit, for the example in a message.
    """
    if raw is None:
        return Parsed(None)
    typed = _typed_cell(raw, value_type, percent_cell)
    if typed is not None:
        return typed
    text = fold(str(raw)).strip().replace(" ", "").replace("\u3000", "")
    if not text:
        return Parsed(None)
    if value_type in ("flag", "stage"):
        return _word(text, raw, value_type)
    text, was_percent = _without_unit(text)
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    if not NUMBER.match(text):
        return Parsed(None, f"无法识别为数字：“{raw}”（请只填写数字，例如 {example(value_type, unit)}）")
    if was_percent and value_type != "percent":
        return Parsed(None, f"“{raw}”是百分数，但该指标的单位不是 %")
    return _check(float(text), value_type, was_percent=was_percent)


def _typed_cell(raw, value_type: str, percent_cell: bool) -> Parsed | None:
    """A cell Excel typed as a logical value, a date or time, or a number, read; None for text."""
    if isinstance(raw, bool):  # TRUE / FALSE typed in Excel: for a 是/否 item, ask for the word
        words = {"flag": "请从下拉列表选择“是”或“否”，不要填写 TRUE/FALSE",
                 "stage": f"请从下拉列表选择{STAGE_CHOICES}，不要填写 TRUE/FALSE"}
        return Parsed(None, words.get(value_type, "应填写数字，不是逻辑值"))
    if value_type == "stage" and isinstance(raw, (datetime, date)):
        return Parsed(None, f"请从下拉列表选择{STAGE_CHOICES}（本项填写年末进度，不填日期）")
    if isinstance(raw, (datetime, date, time)):
        return Parsed(None, f"应填写数字，单元格中是日期或时间（{raw}）")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and (math.isnan(raw) or math.isinf(raw)):
            return Parsed(None, "不是有效的数字")
        value = float(raw) * 100 if percent_cell else float(raw)
        return _check(value, value_type, was_percent=percent_cell)
    return None


def _word(text: str, raw, value_type: str) -> Parsed:
    """A 是/否 item, or a project's stage, from the words people type."""
    if value_type == "flag":
        if text.lower() in YES:
            return Parsed(1.0)
        if text.lower() in NO:
            return Parsed(0.0)
        return Parsed(None, f"无法识别“{raw}”：请填写“是”或“否”")
    if text in STAGE_WORDS:
        return Parsed(float(STAGE_WORDS[text]))
    return Parsed(None, f"无法识别“{raw}”：请从下拉列表选择{STAGE_CHOICES}")


def _without_unit(text: str) -> tuple[str, bool]:
    """The number's text without a trailing % (said) or unit word (12所, 8645平方米)."""
    if text.endswith("%"):
        return text[:-1], True
    for word in UNIT_WORDS:
        if text.lower().endswith(word):
            return text[: -len(word)], False
    return text, False


def _check(value: float, value_type: str, was_percent: bool) -> Parsed:
    if not math.isfinite(value):  # `9` typed four hundred times reads as infinity
        return Parsed(None, "数字过大，不是有效的数值")
    if value_type == "flag":
        if value in (0.0, 1.0):
            return Parsed(value)
        return Parsed(None, "请填写“是”或“否”")
    if value_type == "stage":
        if value in (0.0, 1.0, 2.0):
            return Parsed(value)
        return Parsed(None, f"请从下拉列表选择{STAGE_CHOICES}")
    if value < 0:
        return Parsed(None, f"不能为负数（{value:g}）")
    if value_type in ("count", "rank") and not float(value).is_integer():
        return Parsed(None, f"应为整数（{value:g}）")
    if value_type == "rank" and value < 1:
        return Parsed(None, "位次应从1开始")
    return Parsed(value, was_percent=was_percent)
