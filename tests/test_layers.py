"""Layers: a data folder that extends another and holds only what differs (README, Layers)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from handbook.cli import main
from handbook.errors import ContentError
from handbook.validate import load_handbook


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def _rules(handbook, section="basics"):  # type: ignore[no-untyped-def]
    return {r.id: r for g in handbook.section(section).groups for r in g.rules}


def _errors(data: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_handbook(data)
    return [str(p) for p in info.value.problems]


def test_region_inherits_overrides_removes_and_adds(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    region, _ = load_handbook(base / "layers" / "region")
    rules = _rules(region)
    assert list(rules) == ["BAS-GRT-001", "BAS-GRT-002", "BAS-GRT-101", "BAS-PRM-001"]
    assert rules["BAS-GRT-001"].measure == "3 分钟内"           # changed field
    assert rules["BAS-GRT-001"].text == "顾客排队不超过规定时间。"  # the rest inherited
    assert [s.id for s in region.sections] == ["basics", "vi", "local"]
    assert region.meta.audiences[0].first_week[-1].text == "第六天：学习华东区域的本地规定。"
    assert region.meta.organisation.name == "小店服务集团"
    assert region.meta.unit is not None and region.meta.unit.hotline == "021-5555-0100"
    changes = [(c.kind, c.id, c.fields, c.reason) for c in region.provenance.changes]
    assert changes == [
        ("changed", "BAS-GRT-001", ("measure",), "华东客流集中，排队时限收紧。"),
        ("removed", "BAS-GRT-003", (), "华东各店柜台为站立式。"),
        ("added", "BAS-GRT-101", (), None),
        ("added", "local", (), None),
    ]


def test_site_chains_over_region(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    site, _ = load_handbook(base / "layers" / "region" / "branch")
    rules = _rules(site)
    assert rules["BAS-GRT-101"].text == "顾客说杭州话时，用杭州话问候。"
    assert rules["BAS-GRT-001"].measure == "3 分钟内"  # the region's change holds
    assert "BAS-GRT-003" not in rules
    assert [layer.id for layer in site.meta.layers] == ["region", "site"]
    assert site.provenance.item_layer == {"BAS-GRT-001": "region", "BAS-GRT-101": "site",
                                          "LOC-HOL-001": "region"}
    # the site's own list is against the region only
    assert [(c.kind, c.id) for c in site.provenance.changes] == [("changed", "BAS-GRT-101")]
    corporate, _ = load_handbook(base)
    assert corporate.provenance is None and "BAS-GRT-003" in _rules(corporate)


def test_locked_items_cannot_change(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    region = base / "layers" / "region"
    _write(region / "sections" / "basics.yaml", """
        id: basics
        change:
          BAS-GRT-002:
            text: 直呼其名。
        remove:
          - id: BAS-PRM-001
            reason: 不需要。
        groups:
          - id: promises
            rules:
              - id: BAS-PRM-101
                title: 新承诺
                text: 多承诺一点。
        """)
    _write(region / "sections" / "vi.yaml", """
        id: vi
        change:
          VI-NAM-001:
            text: 用简称。
        """)
    assert _errors(Path("layered/layers/region")) == [
        "layered/layers/region/sections/basics.yaml:3:3: ERROR: change.BAS-GRT-002: rule "
        "'BAS-GRT-002' is locked at layered/sections/basics.yaml:21:17; its owner is 质量部 "
        "(quality): expected no change, removal or addition from a layer; ask the owner to "
        "change it below [layer.locked]",
        "layered/layers/region/sections/basics.yaml:6:5: ERROR: remove[0].id: group 'promises' "
        "is locked at layered/sections/basics.yaml:28:13; its owner is 质量部 (quality): "
        "expected no change, removal or addition from a layer; ask the owner to change it "
        "below [layer.locked]",
        "layered/layers/region/sections/basics.yaml:9:5: ERROR: groups[0]: group 'promises' "
        "is locked at layered/sections/basics.yaml:28:13; its owner is 质量部 (quality): "
        "expected no change, removal or addition from a layer; ask the owner to change it "
        "below [layer.locked]",
        "layered/layers/region/sections/vi.yaml:2:1: ERROR: change: chapter 'vi' is locked: "
        "the VI chapter is locked unless the corporate handbook says locked: false; its owner "
        "is 品牌部 (brand): expected no change, removal or addition from a layer; ask the "
        "owner to change it below [layer.locked]",
    ]
    assert main(["validate", "--data", "layered/layers/region", "-q"]) == 1


def test_vi_unlocked_by_corporate(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    vi = base / "sections" / "vi.yaml"
    vi.write_text(vi.read_text(encoding="utf-8") + "locked: false\n", encoding="utf-8")
    _write(base / "layers" / "region" / "sections" / "vi.yaml", """
        id: vi
        change:
          VI-NAM-001:
            text: 对外文件使用区域全称。
        """)
    region, _ = load_handbook(base / "layers" / "region")
    assert _rules(region, "vi")["VI-NAM-001"].text == "对外文件使用区域全称。"


def test_removal_needs_a_reason_and_ids_must_exist(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    _write(base / "layers" / "region" / "sections" / "basics.yaml", """
        id: basics
        remove:
          - id: BAS-GRT-003
        change:
          BAS-GRT-999:
            text: 没有这条。
          BAS-GRT-001:
            colour: red
        groups:
          - id: greeting
            rules:
              - id: BAS-GRT-102
                title: 没有正文
        """)
    assert _errors(Path("layered/layers/region")) == [
        "layered/layers/region/sections/basics.yaml:3:9: ERROR: remove[0].id: expected key "
        "'reason' beside the removed ID, got none: say why the rule does not apply here "
        "[layer.reason]",
        "layered/layers/region/sections/basics.yaml:5:3: ERROR: change.BAS-GRT-999: expected "
        "the ID of an inherited rule, phrase or case of chapter 'basics', got 'BAS-GRT-999' "
        "[layer.reference]",
        "layered/layers/region/sections/basics.yaml:8:5: ERROR: change.BAS-GRT-001.colour: "
        "unknown key 'colour': expected fields of a rule (audiences, do, dont, measure, "
        "reason, see_also, steps, text, title) [data.unknown-key]",
        # a schema error in what the layer added stands in the layer's file
        "layered/layers/region/sections/basics.yaml:12:9: ERROR: groups[0].rules[0].text: "
        "expected key 'text', got none (it is required) [data.missing]",
    ]


def test_layer_may_not_set_inherited_keys(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    meta = base / "layers" / "region" / "handbook.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "source_language: en\n"
                    "sections: [basics]\n".replace("sections", "owners"), encoding="utf-8")
    errors = _errors(Path("layered/layers/region"))
    assert errors[0].startswith("layered/layers/region/handbook.yaml:15:1: ERROR: "
                                "source_language: a layer cannot set 'source_language'")


def test_broken_extends_is_located(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    base = root("layered")
    monkeypatch.chdir(base.parent)
    meta = base / "layers" / "region" / "handbook.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("extends: ../..",
                                                             "extends: ../nowhere"),
                    encoding="utf-8")
    assert _errors(Path("layered/layers/region")) == [
        "layered/layers/region/handbook.yaml:2:10: ERROR: extends: expected a data folder "
        "with handbook.yaml, relative to this file, got '../nowhere' [layer.extends]"]


def test_sample_layers_and_generated_branches_validate(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from handbook.benchlayers import generate_branches
    from handbook.layerbuild import find_layers

    data = root("sample")
    monkeypatch.chdir(data.parent)
    assert [p.relative_to(data).as_posix() for p in find_layers(data)] == [
        "layers/east", "layers/east/hangzhou-xihu"]
    branch, _ = load_handbook(data / "layers/east/hangzhou-xihu")
    rules = {r.id: r for s in branch.sections for g in s.groups for r in g.rules}
    assert rules["STD-RSP-001"].measure == "顾客等候超过 3 分钟即主动致歉并告知预计等候时间"
    assert "STD-ONS-001" not in rules and "EAS-SEA-001" in rules
    assert branch.meta.unit is not None and len(branch.meta.unit.contacts) == 4
    assert generate_branches(data, 2) == 4
    for n in (1, 2):
        generated, _ = load_handbook(data / f"layers/east/branch-0{n}")
        assert generated.meta.layers[-1].id == f"branch-0{n}"


def test_references_below_to_a_removed_rule_go_with_it(root, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Head office's see-also and first-week refs name a rule the region removes: the region
    builds without them; a reference the region itself makes to it is still an error."""
    base = root("layered")
    monkeypatch.chdir(base.parent)
    basics = base / "sections" / "basics.yaml"
    basics.write_text(basics.read_text(encoding="utf-8").replace(
        "        text: 知道顾客姓名后，用姓氏称呼。\n",
        "        text: 知道顾客姓名后，用姓氏称呼。\n"
        "        see_also: [BAS-GRT-003, BAS-GRT-001]\n"), encoding="utf-8")
    meta = base / "handbook.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace(
        "      - 第一天：通读本手册。\n",
        "      - 第一天：通读本手册。\n"
        "      - {text: 第二天：练习起身迎客。, refs: [BAS-GRT-003, basics]}\n"),
        encoding="utf-8")
    corporate, _ = load_handbook(base)
    assert _rules(corporate)["BAS-GRT-002"].see_also == ["BAS-GRT-003", "BAS-GRT-001"]
    region, _ = load_handbook(base / "layers" / "region")
    assert _rules(region)["BAS-GRT-002"].see_also == ["BAS-GRT-001"]
    assert region.meta.audiences[0].first_week[1].refs == ["basics"]
    own = base / "layers" / "region" / "sections" / "basics.yaml"
    own.write_text(own.read_text(encoding="utf-8") + "        see_also: [BAS-GRT-003]\n",
                   encoding="utf-8")
    assert [e.split(": ERROR: ")[1] for e in _errors(Path("layered/layers/region"))] == [
        "groups[0].rules[0].see_also[0]: expected the ID of a rule in this handbook, got "
        "'BAS-GRT-003' [data.reference]"]
