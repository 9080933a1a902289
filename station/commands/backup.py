"""``kiosk backup now|list|restore FILE|salvage FILE|notice``: the store's backups by hand."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("backup", help="back up the store; salvage a damaged one")
    sub = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    now = sub.add_parser("now", help="take a backup now (safe while the kiosk runs)")
    now.set_defaults(func=run_now)
    lst = sub.add_parser("list", help="list the kept backups, newest first")
    lst.set_defaults(func=run_list)
    salvage = sub.add_parser(
        "salvage",
        help="copy the pending (unsent) outbox events readable from a damaged store "
        "into this station's store; ids already present are skipped",
    )
    salvage.add_argument("file", type=Path, help="the damaged file, e.g. <data dir>/corrupt/…db")
    salvage.set_defaults(func=run_salvage)
    restore = sub.add_parser(
        "restore",
        help="put a backup in place of the store (the kiosk stopped); the store that was "
        "there is kept in <data dir>/replaced/",
    )
    restore.add_argument("file", type=Path, help="the backup, e.g. <data dir>/backups/…db")
    restore.set_defaults(func=run_restore)
    notice = sub.add_parser("notice", help="show the last restore notice (and --ack it)")
    notice.add_argument("--ack", action="store_true", help="mark it read: staff stop seeing it")
    notice.set_defaults(func=run_notice)


def run_now(args: argparse.Namespace) -> int:
    from kiosk.backup import backup_now, prune
    from station.args import config_from_args

    cfg = config_from_args(args)
    if not cfg.store_path().exists():
        print(f"没有数据文件 / no store at {cfg.store_path()}")
        return 1
    made = backup_now(cfg.store_path(), cfg.data_dir)
    removed = prune(cfg.data_dir, cfg.backup_keep_days)
    print(f"备份 / backup: {made} ({made.stat().st_size / 1e6:.1f} MB)")
    if removed:
        print(f"删除过期备份 / pruned {len(removed)} older than {cfg.backup_keep_days} days")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from kiosk.backup import backup_time, corrupt_dir, list_backups
    from station.args import config_from_args

    cfg = config_from_args(args)
    backups = list_backups(cfg.data_dir)
    for path in backups:
        taken = backup_time(path)
        when = taken.strftime("%Y-%m-%d %H:%M UTC") if taken else "?"
        print(f"{when}  {path.stat().st_size / 1e6:7.1f} MB  {path}")
    if not backups:
        print(f"没有备份 / no backups in {Path(cfg.data_dir) / 'backups'}")
    for path in sorted(corrupt_dir(cfg.data_dir).glob("*.db")):
        print(f"damaged, kept for salvage: {path}")
    return 0


def run_salvage(args: argparse.Namespace) -> int:
    from kiosk.backup import open_checked_store
    from kiosk.salvage import salvage_outbox
    from station.args import config_from_args

    cfg = config_from_args(args)
    if args.file.resolve() == cfg.store_path().resolve():
        print("这是当前数据文件 / that is the live store; give the damaged copy")
        return 2
    store = open_checked_store(cfg.store_path(), cfg.data_dir)
    try:
        result = salvage_outbox(args.file, store)
    finally:
        store.close()
    print(
        f"找回 / copied {result.copied}, 已存在 / already present {result.skipped}, "
        f"已发送 / already sent {result.not_pending}, 无法读取 / unreadable {result.unreadable}"
        f" (read: {result.method})"
    )
    if not result.complete:
        # Cut at the time budget (KIOSK_SALVAGE_BUDGET_S): what was read is kept.
        print("未完成 / not finished: time limit reached; again with KIOSK_SALVAGE_BUDGET_S=600")
        return 1
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from kiosk.backup import restore_from
    from station.args import config_from_args

    cfg = config_from_args(args)
    done = restore_from(args.file, cfg.store_path(), cfg.data_dir)
    print(f"已恢复 / restored {cfg.store_path()} from {done.backup}")
    if done.previous is not None:
        print(
            f"原数据文件 / the store that was there: {done.previous} "
            f"(unsent records: kiosk backup salvage {done.previous})"
        )
    print("现在可以启动自助机 / now start the kiosk: systemctl start station-kiosk")
    return 0


def run_notice(args: argparse.Namespace) -> int:
    from kiosk.backup import acknowledge_restore_notice, last_restore_notice, notice_text
    from station.args import config_from_args

    cfg = config_from_args(args)
    notice = last_restore_notice(cfg.data_dir)
    if notice is None:
        print("没有未读的恢复通知 / no unread restore notice")
        return 0
    print(notice_text(notice, "zh_CN"))
    print(notice_text(notice, "en"))
    print(f"damaged file: {notice.corrupt_file}")
    if args.ack:
        acknowledge_restore_notice(cfg.data_dir)
        print("已标记为已读 / marked as read")
    return 0
