"""The targets the notice's body and its attachment give different values, once per text: what a ruling (裁定)
chooses between (records/ruling_state.py)."""

import pandas as pd

from ..core import config
from .discrepancies import SUBSTANTIVE, values

TEXTS = config.RULING_TEXTS
# Kinds whose target is one number a text may state otherwise (a structure, a trend, an event are not ruled).
RULED_KINDS = ("level", "count_cumulative", "count_annual", "rank", "compliance", "relative")
TEXT_COLUMNS = ["target_id", "text", "target_value", "source_text", "words"]


def target_texts(targets: pd.DataFrame, discrepancies: pd.DataFrame) -> pd.DataFrame:
    """Each target the body and the attachment give different values, once per text: its value and words there.

    From the substantive discrepancies of field target_value where both texts state one number (a target only
    one text states is not ruled here: it is the other's only version).
    """
    rows = []
    wanted = discrepancies[(discrepancies["field"] == "target_value") & (discrepancies["severity"] == SUBSTANTIVE)
                           & discrepancies["target_id"].notna()]
    by_id = targets.set_index("target_id")
    for d in wanted.itertuples():
        said = {text: getattr(d, f"{text}_value") for text in TEXTS}
        numbers = {text: values(words) if isinstance(words, str) else [] for text, words in said.items()}
        if d.target_id not in by_id.index or any(len(found) != 1 for found in numbers.values()):
            continue
        target = by_id.loc[d.target_id]
        if target["kind"] not in RULED_KINDS:
            continue
        for text in TEXTS:
            value = target["target_value"] if text == target["source"] else float(numbers[text][0])
            phrase = target["source_text"] if text == target["source"] else getattr(d, f"{text}_text")
            rows.append({"target_id": d.target_id, "text": text, "target_value": float(value), "source_text": phrase,
                         "words": said[text]})
    return pd.DataFrame(rows, columns=TEXT_COLUMNS)
