"""The command line's words: every command, its options and their help (docs/design.md, "Command line")."""

import argparse
from pathlib import Path

from ..core import config
from ..core.arguments import ChineseParser


def parser() -> argparse.ArgumentParser:
    p = ChineseParser(prog="python -m pipelines", description="敖汉旗教育高质量发展监测平台：数据管道")
    sub = p.add_subparsers(dest="command", required=True, parser_class=ChineseParser)

    b = sub.add_parser("build", help="从原始数据目录重建数据仓库")
    b.add_argument("--raw", type=Path, default=config.raw_dir(), help="原始数据目录（默认 data/raw）")
    b.add_argument("--db", type=Path, default=config.db_path(), help="数据仓库文件（默认 data/warehouse.duckdb）")
    b.add_argument("--no-demo", action="store_true", help="不载入示例数据")
    b.add_argument("--if-needed", action="store_true", dest="if_needed",
                   help="只在数据仓库不存在或由其他版本的程序建立时重建（启动应用前用）")

    t = sub.add_parser("template", help="生成某单位某年度的填报工作簿")
    t.add_argument("--unit", required=True, help="填报单位，如 旗教育局")
    t.add_argument("--year", required=True, type=int, help="填报年度，如 2025")
    t.add_argument("--out", required=True, type=Path, help="输出文件（.xlsx）")
    t.add_argument("--db", type=Path, default=config.db_path())
    t.add_argument("--schools", action="store_true", help="学校与幼儿园办学条件工作簿（旗教育局，验收准备）")
    t.add_argument("--plan", action="store_true", help="规划项目与适龄人口工作簿（验收准备的达标路径）")

    i = sub.add_parser("ingest", help="检查、归档并载入填报工作簿")
    i.add_argument("files", nargs="+", type=Path, metavar="FILE")
    i.add_argument("--raw", type=Path, default=config.raw_dir())
    i.add_argument("--db", type=Path, default=config.db_path())
    i.add_argument("--as", dest="account", metavar="ACCOUNT", help="代表哪个账号载入（按该账号的角色检查单位）")

    im = sub.add_parser("import", help="导入本单位的统计报表（汇总表、逐校表，或基层报表的文件夹、压缩包）")
    im.add_argument("files", nargs="+", type=Path, metavar="FILE", help="统计系统导出的工作簿、文件夹或 .zip")
    im.add_argument("--unit", required=True, help="填报单位，如 旗教育局")
    im.add_argument("--year", required=True, type=int, help="填报年度，如 2025")
    im.add_argument("--mapping", type=Path, metavar="FILE", help="核对、改正后的对应关系文件（.csv），按它读取并保存")
    im.add_argument("--as", dest="account", metavar="ACCOUNT", help="代表哪个账号导入（按该账号的角色检查单位）")
    im.add_argument("--raw", type=Path, default=config.raw_dir())
    im.add_argument("--db", type=Path, default=config.db_path())

    s = sub.add_parser("status", help="列出各量化目标的达成状态")
    s.add_argument("--db", type=Path, default=config.db_path())
    s.add_argument("--raw", type=Path, help="原始数据目录（给出时，先按其归档日志补齐数据仓库）")
    s.add_argument("--as-of", type=int, dest="as_of", help="评估年度（默认：多数应报单位已报送的最近年度）")

    r = sub.add_parser("report", help="生成汇报幻灯片（.pptx）、Excel 报表（.xlsx）或 Word 监测报告（.docx）；"
                                      "加 --brief 生成领导版短幻灯片（不超过10页）",
                       description="生成汇报材料。按 --out 的扩展名：.pptx 为完整汇报幻灯片，.xlsx 为 Excel 报表，"
                                   ".docx 为 Word 监测报告（开头为领导版）。加 --brief 生成领导版短幻灯片（.pptx，不超过10页）。")
    r.add_argument("--out", required=True, type=Path, metavar="FILE", help="输出文件：.pptx、.xlsx 或 .docx（--brief 时为 .pptx）")
    r.add_argument("--brief", action="store_true",
                   help="领导版短幻灯片，不超过10页：封面、领导版（滞后目标按牵头单位，附整改说明；验收风险）、"
                        "重点指标、两项验收、需要研究决定的事项。完整汇报幻灯片不加此项")
    r.add_argument("--as-of", type=int, dest="as_of", metavar="YEAR", help="评估年度（默认：多数应报单位已报送的最近年度）")
    r.add_argument("--db", type=Path, default=config.db_path(), metavar="FILE", help="数据仓库文件（默认 data/warehouse.duckdb）")
    r.add_argument("--raw", type=Path, help="原始数据目录（给出时，先按其归档日志补齐数据仓库）")

    u = sub.add_parser("user", help="管理填报账号（账号文件 data/accounts.json）")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--raw", type=Path, default=config.raw_dir(), help="审计日志写在其中的 audit/ 下")
    common.add_argument("--db", type=Path, default=config.db_path())
    actions = u.add_subparsers(dest="action", required=True, parser_class=ChineseParser)
    add = actions.add_parser("add", parents=[common], help="新建账号（密码在提示时输入，或用 --password-stdin 从标准输入读取）")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["浏览", "填报", "审核", "管理"])
    add.add_argument("--unit", action="append", help="填报账号所属单位；审核账号所审核的单位（可写多次）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（不出现在命令行上）")
    remove = actions.add_parser("remove", parents=[common], help="删除账号")
    remove.add_argument("name")
    passwd = actions.add_parser("passwd", parents=[common], help="修改密码")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    actions.add_parser("list", parents=[common], help="列出账号")
    unlock = actions.add_parser("unlock", parents=[common], help="解除账号的登录锁定（各地址的失败计数一并清零）")
    unlock.add_argument("name")

    bk = sub.add_parser("backup", help="把整个原始数据目录和账号文件备份为一个压缩文件（附 sha256 清单）")
    bk.add_argument("--out", required=True, type=Path, help="备份文件，如 备份_20261129.tar.gz")
    bk.add_argument("--raw", type=Path, default=config.raw_dir(), help="原始数据目录（默认 data/raw）")
    rs = sub.add_parser("restore", help="检查备份文件、恢复原始数据和账号文件，并重建数据仓库")
    rs.add_argument("file", type=Path, metavar="FILE")
    rs.add_argument("--raw", type=Path, default=config.raw_dir(), help="恢复到哪个原始数据目录（默认 data/raw）")
    rs.add_argument("--db", type=Path, default=config.db_path())
    rs.add_argument("--yes", action="store_true",
                    help="确认恢复：当前数据中有备份之后的工作簿、决定、审计记录或账号变更时，丢弃它们（原目录另存，不删除）")
    rs.add_argument("--accounts", action="store_true", help="也恢复备份中的账号文件（默认保留当前账号；没有账号文件时总是恢复）")
    rs.add_argument("--unsigned-ok", action="store_true", dest="unsigned_ok",
                    help="本机配置了备份签名密钥时，也接受没有签名或签名不符的备份（只用于确知来源可靠的备份）")
    from . import review_command as review_cli

    review_cli.add_parser(sub, ChineseParser)
    dm = sub.add_parser("demo", help="示例数据：remove 结束示例数据（此后任何页面、报表、检查都不再读取示例数据）")
    dm_actions = dm.add_subparsers(dest="action", required=True, parser_class=ChineseParser)
    dm_remove = dm_actions.add_parser("remove", help="结束示例数据（记入归档日志和审计日志；示例工作簿留在归档中）")
    dm_remove.add_argument("--raw", type=Path, default=config.raw_dir())
    dm_remove.add_argument("--db", type=Path, default=config.db_path())
    dm_remove.add_argument("--as", dest="account", metavar="ACCOUNT", help="以哪个账号的名义记入审计日志")
    dm_remove.add_argument("--source", default="命令行", help=argparse.SUPPRESS)  # deploy.sh: 部署
    ru = sub.add_parser("ruling", help="裁定正文与附件目标值不同的目标以哪份文件为准（只限管理账号，须写明理由）")
    ru.add_argument("target", metavar="TARGET", help="目标编号，如 T65-1")
    ru.add_argument("--text", required=True, choices=["body", "attachment"], help="body：以正文为准；attachment：以附件为准")
    ru.add_argument("--as", dest="account", required=True, metavar="ACCOUNT", help="以哪个管理账号的名义裁定")
    ru.add_argument("--reason", required=True, help="裁定的理由（如依据哪次会议或哪份文件）")
    ru.add_argument("--raw", type=Path, default=config.raw_dir())
    ru.add_argument("--db", type=Path, default=config.db_path())
    qu = sub.add_parser("quarantine", help="隔离区：归档日志未记载的文件和日志中损坏的行（保留，不删除）：查看、重新载入、丢弃")
    qu_actions = qu.add_subparsers(dest="action", required=True, parser_class=ChineseParser)
    qu_common = argparse.ArgumentParser(add_help=False)
    qu_common.add_argument("--raw", type=Path, default=config.raw_dir())
    qu_common.add_argument("--db", type=Path, default=config.db_path())
    qu_actions.add_parser("list", parents=[qu_common], help="列出隔离区中的文件（原位置、隔离时间和原因）")
    qu_admit = qu_actions.add_parser("admit", parents=[qu_common],
                                     help="把隔离区中的工作簿按上传时的全部检查重新载入（重新归档、记入日志，待审核）")
    qu_admit.add_argument("file", metavar="FILE", help="quarantine list 列出的路径，或文件名")
    qu_admit.add_argument("--as", dest="account", metavar="ACCOUNT", help="代表哪个账号载入（按该账号的角色检查单位）")
    qu_discard = qu_actions.add_parser("discard", parents=[qu_common], help="丢弃隔离区中的一个文件（只限管理账号，记入审计日志）")
    qu_discard.add_argument("file", metavar="FILE", help="quarantine list 列出的路径，或文件名")
    qu_discard.add_argument("--as", dest="account", required=True, metavar="ACCOUNT", help="以哪个管理账号的名义丢弃")
    qu_discard.add_argument("--reason", help="为什么丢弃（记入审计日志）")
    qu_repair = qu_actions.add_parser("repair-log", parents=[qu_common],
                                      help="把日志中损坏的行原样移到隔离区，再重建数据仓库（它记载的文件随之移入隔离区）")
    qu_repair.add_argument("--as", dest="account", metavar="ACCOUNT", help="以哪个账号的名义记入审计日志")

    from . import plan_command as plan_cli

    plan_cli.add_parser(sub)  # issue 23: the cheapest path to pass
    hc = sub.add_parser("health", help="数据仓库是否与原始数据一致（退出码 0 一致，1 不一致或无法检查）")
    hc.add_argument("--raw", type=Path, default=config.raw_dir())
    hc.add_argument("--db", type=Path, default=config.db_path())
    return p
