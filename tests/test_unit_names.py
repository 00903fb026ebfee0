import pytest

from pipelines.plan.unit_names import split_units


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("旗委宣传部、统战部、编办", ["旗委宣传部", "旗委统战部", "旗委编办"]),
        ("旗委编办、旗财政局、人社局", ["旗委编办", "旗财政局", "旗人社局"]),
        ("旗委宣传部，工信和科技局、财政局", ["旗委宣传部", "旗工信和科技局", "旗财政局"]),
        ("残联", ["旗残联"]),
        ("人武部", ["旗人武部"]),
        ("团旗委、科协、妇联", ["团旗委", "旗科协", "旗妇联"]),
        ("各乡镇苏木街道办、妇联", ["各乡镇苏木街道办", "旗妇联"]),
        ("旗教育局。", ["旗教育局"]),
        ("旗委组织部\n旗教育局", ["旗委组织部", "旗教育局"]),
        ("旗纪委监委，旗委宣传部，旗人社局，各乡镇苏木街道办。", ["旗纪委监委", "旗委宣传部", "旗人社局", "各乡镇苏木街道办"]),
        ("旗委宣传部，统战部、编办", ["旗委宣传部", "旗统战部", "旗编办"]),  # the prefix does not cross a ，
        ("", []),
        (None, []),
    ],
)
def test_split_units_prefix_rule(cell, expected):
    assert split_units(cell) == expected


def test_canonical_names_map_aliases_to_the_26_units(unit_names):
    assert len(set(unit_names.values())) == 26
    assert unit_names["旗编办"] == "旗委编办"
    assert unit_names["旗统战部"] == "旗委统战部"
    assert "旗编办" not in set(unit_names.values())
