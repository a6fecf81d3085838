"""Roles as the genre writes them, from the one lexicon in ``ontology/roles.csv``.

Small texts in the forms provinces, cities and ministries use: labelled brackets with
every label, inline verbs, the "listed first leads" convention, several brackets on
one task, lists outside brackets, and brackets that hold no unit list at all.
"""

from __future__ import annotations

from policykg.loaders.model import SourceText
from policykg.loaders.structure.outline import read_outline
from policykg.loaders.tabular.table_header import column_for
from policykg.loaders.terms.roles import role_lists


def _roles(text: str) -> list[tuple[str, list[str], list[str], list[str]]]:
    """(title, leads, participants, responsible) of every task of ``text``."""
    return [(t.title, [u.text for u in t.leads], [u.text for u in t.participants], [u.text for u in t.responsible])
            for t in read_outline(SourceText(text)).tasks]


def test_inline_verbs_give_lead_participant_and_responsible() -> None:
    assert _roles("二、重点任务\n"
                  "1.扩大出口。建立清单。（省商务厅牵头，合肥海关、省贸促会等按职责分工配合）\n"
                  "2.治理固废。开展试点。（生态环境部指导，住房城乡建设部参与）\n"
                  "3.加强合作。支持企业。（市发展改革委、市财政局负责）\n") == [
        ("扩大出口", ["省商务厅"], ["合肥海关", "省贸促会"], []),
        ("治理固废", ["生态环境部"], ["住房城乡建设部"], []),
        ("加强合作", [], [], ["市发展改革委", "市财政局"]),
    ]


def test_several_brackets_on_one_task_merge_and_a_unit_keeps_each_role() -> None:
    [(_, leads, participants, responsible)] = _roles(
        "二、重点任务\n1.扩大出口。建立清单。（合肥海关负责）巩固优势。（省商务厅牵头，合肥海关配合）"
        "扩大规模。（省商务厅牵头，省农业农村厅配合）\n")
    assert (leads, participants, responsible) == (["省商务厅"], ["合肥海关", "省农业农村厅"], ["合肥海关"])


def test_listed_first_leads_once_the_document_says_so() -> None:
    text = ("二、重点任务\n1.提升水平。加快发展。（工业和信息化部、发展改革委等负责。列第一位者为牵头单位，下同）\n"
            "2.完善政策。加大支持。（农业农村部、财政部、人民银行等负责）\n")
    assert [r[1:] for r in _roles(text)] == [
        (["工业和信息化部"], ["发展改革委"], []),
        (["农业农村部"], ["财政部", "人民银行"], []),
    ]
    # without the sentence the same list leaves the lead open
    assert _roles("二、重点任务\n2.完善政策。加大支持。（农业农村部、财政部等负责）\n")[0][1:] == (
        [], [], ["农业农村部", "财政部"])


def test_every_label_of_the_lexicon_is_read_in_brackets() -> None:
    [(_, leads, participants, responsible)] = _roles(
        "二、重点任务\n1.推进更新。（牵头单位：永丰街道、泗泾镇；支撑单位：区规划资源局、区建设管理委）"
        "（推进单位：区经委）\n")
    assert (leads, participants, responsible) == (["永丰街道", "泗泾镇"], ["区规划资源局", "区建设管理委"], ["区经委"])


def test_a_deadline_or_a_score_in_the_bracket_stays_out_of_the_units() -> None:
    [(title, leads, participants, responsible)] = _roles(
        "二、重点任务\n1．全面开通全程网办（5月底取得明显成效，牵头考核单位：市审批服务局）（0.5分）\n")
    assert (title, leads, participants, responsible) == ("全面开通全程网办", ["市审批服务局"], [], [])


def test_brackets_in_titles_are_not_unit_lists() -> None:
    assert _roles("二、重点任务\n1.实施《数字乡村行动计划（2024—2026年）》。改造超市（原卜蜂莲花）。\n") == [
        ("实施《数字乡村行动计划（2024—2026年）》", [], [], [])]


def test_a_labelled_list_without_brackets_ends_at_its_sentence() -> None:
    text = "二、重点任务\n1.强化规划管控。落实要求。责任单位：区建设管理委、各街镇\n2.编制方案。完成编制。\n"
    assert _roles(text) == [
        ("强化规划管控", [], [], ["区建设管理委", "各街镇"]), ("编制方案", [], [], [])]


def test_table_columns_come_from_the_same_lexicon() -> None:
    assert column_for("支撑单位").field == "participant"
    assert column_for("牵头考核单位").field == "lead"
    assert column_for("推进单位").field == "responsible"


def test_beside_a_lead_the_units_that_are_responsible_take_part() -> None:
    assert _roles("二、重点任务\n1.完善通道。加密航线。（合肥海关牵头，省港航集团、省机场集团按职责分工负责）\n"
                  "2.培育主体。（省工作专班牵头单位牵头，省工作专班成员单位按职责分工配合）\n") == [
        ("完善通道", ["合肥海关"], ["省港航集团", "省机场集团"], []),
        ("培育主体", ["省工作专班牵头单位"], ["省工作专班成员单位"], []),
    ]


def test_safeguard_items_are_tasks_only_when_they_name_who_does_them() -> None:
    text = ("二、重点任务\n1.扩大出口。（省商务厅负责）\n三、保障措施\n"
            "2.加强组织领导。建立机制。（省领导小组成员单位按职责分工负责）\n3.强化宣传。营造氛围。\n")
    tasks = read_outline(SourceText(text)).tasks
    assert [(t.part, t.title) for t in tasks] == [("body", "扩大出口"), ("safeguards", "加强组织领导")]


def test_a_numbered_list_in_an_annex_yields_annex_tasks_with_their_roles() -> None:
    text = ("某市考评办法\n一、考评对象\n各部门。\n二、考评方式\n（一）以日常监测等方式进行。\n（二）实行百分制。\n"
            "附件：\n某市考评指标\n附件\n某市考评指标\n"
            "一、政务服务（25分）\n（一）平台建设（3分）\n"
            "1．全部开通全程网办。完成改造。（5月底取得明显成效，牵头考核单位：市审批服务局）\n"
            "2．强化审批智能化。（6月底完成，牵头考核单位：市政府办公室、市公安局）（0.5分）\n")
    tasks = read_outline(SourceText(text)).tasks
    # the scheme's own procedure (考评方式) is not a task list
    assert [(t.part, t.number, t.title, [u.text for u in t.leads], t.domain) for t in tasks] == [
        ("annex", "1", "全部开通全程网办", ["市审批服务局"], "平台建设"),
        ("annex", "2", "强化审批智能化", ["市政府办公室", "市公安局"], "平台建设"),
    ]


def test_the_notices_list_of_attachments_is_not_an_annex() -> None:
    text = ("二、主要任务\n1.推进工作。（责任单位：县民政局）\n"
            "附件:1.某县改革清单\n2.某县项目清单\n附件1\n某县改革清单\n")
    assert [t.title for t in read_outline(SourceText(text)).tasks] == ["推进工作"]


def test_a_safeguards_paragraph_with_its_own_bracket_is_one_task() -> None:
    text = ("一、主要任务\n（一）全面实施光伏工程。推进建设。\n（责任单位：区发展改革委、区建管委）\n二、保障措施\n"
            "区发展改革委整体部署相关工作，形成合力。制定考核机制。\n（责任单位：区发展改革委、各相关部门，各街道管理办）\n"
            "三、工作要求\n加强宣传。营造氛围。\n")
    tasks = read_outline(SourceText(text)).tasks
    assert [(t.part, t.number, t.title, t.domain, [u.text for u in t.responsible]) for t in tasks][1:] == [
        ("safeguards", "二、", "区发展改革委整体部署相关工作，形成合力", "保障措施",
         ["区发展改革委", "各相关部门", "各街道管理办"])]


def test_measures_numbered_as_sections_that_name_who_does_them_are_tasks() -> None:
    text = ("某某通知\n一、对年度目标任务完成情况好的省（区、市），给予优先支持。（交通运输部、财政部负责）\n"
            "二、对推进质量工作成效突出的市（地、州、盟），给予倾斜支持。（市场监管总局负责）\n"
            "三、对成效明显的县（市、区、旗），予以奖励。（国家发展改革委会同有关部门负责）\n")
    assert [(t.number, r) for t, r in zip(read_outline(SourceText(text)).tasks, _roles(text), strict=True)] == [
        ("一、", ("对年度目标任务完成情况好的省（区、市），给予优先支持", [], [], ["交通运输部", "财政部"])),
        ("二、", ("对推进质量工作成效突出的市（地、州、盟），给予倾斜支持", [], [], ["市场监管总局"])),
        ("三、", ("对成效明显的县（市、区、旗），予以奖励", ["国家发展改革委"], ["有关部门"], [])),
    ]


def test_unit_lists_keep_groups_whole_and_split_a_group_joined_by_he() -> None:
    text = ("二、重点任务\n1.拓展销售途径。（商务部、农业农村部等和各有关省级人民政府负责）\n"
            "2.推进城乡融合。（责任单位：各区、县级市，市发展改革委）\n"
            "3.加强监管。（市场监管总局、各县（市、区）负责）\n"
            "4.开展试点。（生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出）\n")
    assert [r[1:] for r in _roles(text)] == [
        ([], [], ["商务部", "农业农村部", "各有关省级人民政府"]),
        ([], [], ["各区、县级市", "市发展改革委"]),
        ([], [], ["市场监管总局", "各县（市、区）"]),
        (["生态环境部"], ["试点城市政府"], []),
    ]


def test_a_heading_without_a_full_stop_ends_at_the_blank_line_after_it() -> None:
    text = "二、主要任务\n\n（一）开展区级城市体检\n\n区级城市体检主要从生态宜居等方面开展。（区建设管理委负责）\n"
    assert _roles(text) == [("开展区级城市体检", [], [], ["区建设管理委"])]


def test_leads_stated_in_prose_count_when_the_task_has_no_role_list() -> None:
    text = ("二、主要任务\n1.建立联席会议制度。由县发改局牵头，定期会商。\n"
            "2.编制方案。区建设管理委会同区规划资源局、区经委等部门制定方案。\n"
            "3.统筹协调。由分管副区长牵头统筹协调重大事项。\n"
            "4.推进改造。区建设管理委会同区规划资源局推进。（责任单位：区房管局）\n")
    assert [r[1:] for r in _roles(text)] == [
        (["县发改局"], [], []),
        (["区建设管理委"], ["区规划资源局", "区经委"], []),
        ([], [], []),
        ([], [], ["区房管局"]),
    ]


def test_a_body_whose_line_breaks_were_lost_is_cut_at_its_numbering() -> None:
    text = ("某省关于推进开放的实施意见\n一、发展目标。全面拓展合作。二、重点任务。（一）发展货物贸易。"
            "1.扩大优势产品出口。建立清单。（省商务厅牵头，合肥海关配合）2.积极扩大进口。推动多元化。（省商务厅负责）"
            "3.用好原产地规则。加强培训。（合肥海关负责）三、保障措施。加强组织领导。\n")
    assert _roles(text) == [
        ("扩大优势产品出口", ["省商务厅"], ["合肥海关"], []),
        ("积极扩大进口", [], [], ["省商务厅"]),
        ("用好原产地规则", [], [], ["合肥海关"]),
    ]


def test_a_lone_number_after_a_full_stop_does_not_cut_a_paragraph() -> None:
    text = "二、重点任务\n1.提升服务。完成率达到90%。2.0版本平台上线，加快建设。（县数据局负责）\n"
    assert _roles(text) == [("提升服务", [], [], ["县数据局"])]


def test_unclosed_brackets_neither_swallow_a_list_nor_stall_the_reading() -> None:
    noise = "（" * 20000
    assert _roles(f"二、重点任务\n1.推进工作。{noise}说明。（县民政局负责）\n") == [("推进工作", [], [], ["县民政局"])]


def test_the_bracket_on_its_own_paragraph_after_the_task_is_the_tasks() -> None:
    text = ("一、主要任务\n（一）全面实施光伏工程\n推进光伏建设，到2030年应装尽装。\n\n"
            "（责任单位：区发展改革委、区建管委）\n"
            "（二）开展新建建筑光伏项目\n推进新建建筑光伏。\n\n（责任单位：区建管委）\n")
    assert [r[3] for r in _roles(text)] == [["区发展改革委", "区建管委"], ["区建管委"]]


def test_a_short_numbered_title_line_is_a_paragraph_of_its_own() -> None:
    text = ("二、主要任务\n（一）建立专区监督管理体系\n"
            "北京市大数据工作推进小组负责数据专区的统筹。（市经济和信息化局负责）\n"
            "（二）落实专区运营主体责任\n运营单位作为专区运营主体。\n")
    assert [r[0] for r in _roles(text)] == ["建立专区监督管理体系", "落实专区运营主体责任"]


def test_sections_of_articles_are_not_tasks() -> None:
    text = ("某县关于支持重点产业发展的实施意见\n一、政策支持\n第1条 设立引导资金。\n二、支持范围\n"
            "（一）固定资产投资奖励\n第2条 对新上项目给予奖励。（县财政局负责）\n第3条 重大项目一事一议。\n"
            "（二）绩效奖励\n第4条 对新建项目给予奖励。\n")
    assert _roles(text) == []


def test_a_labelled_list_without_brackets_ends_at_the_number_it_runs_into() -> None:
    text = ("二、重点任务\n1.强化规划管控。落实要求。责任单位：区建设管理委、各街镇"
            "2.编制系统方案。完成编制。责任单位：区水务局\n")
    assert _roles(text) == [("强化规划管控", [], [], ["区建设管理委", "各街镇"]),
                            ("编制系统方案", [], [], ["区水务局"])]
    # the list itself stops at the number, wherever the text is cut
    assert [(r.role, r.text) for r in role_lists("落实要求。责任单位：区建设管理委、各街镇2.编制系统方案。")] == [
        ("responsible", "区建设管理委、各街镇")]


def test_a_unit_list_under_a_section_heading_covers_the_tasks_that_name_none() -> None:
    text = ("二、重点任务\n（一）加快数字基础设施建设\n责任单位：省通信管理局、省发展改革委\n"
            "1.推进5G网络建设。扩大覆盖。\n2.建设算力中心。（省数据资源局负责）\n"
            "（二）推进产业数字化\n1.推动企业上云。\n")
    assert [r[1:] for r in _roles(text)] == [
        ([], [], ["省通信管理局", "省发展改革委"]), ([], [], ["省数据资源局"]), ([], [], [])]


def test_square_brackets_and_organs_named_once_for_a_group() -> None:
    text = ("二、重点任务\n1.推进建设【牵头单位：市发改委；配合单位：市财政局】\n"
            "2.完善机制【责任单位】市发改委、市财政局\n"
            "3.加强督查。（市发改委牵头，各市、县（区）人民政府负责）\n")
    assert _roles(text) == [("推进建设", ["市发改委"], ["市财政局"], []),
                            ("完善机制", [], [], ["市发改委", "市财政局"]),
                            ("加强督查", ["市发改委"], ["各市、县（区）人民政府"], [])]
