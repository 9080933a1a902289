"""Texts of the message keys that domain errors carry: key -> (zh_CN, en).

The UI shows ``text(key, lang, **params)``; a test checks that every key raised anywhere
in the core has both texts. Placeholders use ``str.format`` names.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

MESSAGES: dict[str, tuple[str, str]] = {
    # general
    "error.unexpected": (
        "出了点问题，请联系工作人员。",
        "Something went wrong. Please ask the staff.",
    ),
    "error.invalid": ("输入有误，请检查后再试。", "Please check what you entered and try again."),
    "error.not_found": ("没有找到。", "Not found."),
    "error.conflict": ("现在无法完成这个操作。", "This can't be done right now."),
    "error.environment": (
        "设备出了点问题，请联系工作人员。",
        "The kiosk has a problem. Please ask the staff.",
    ),
    "error.disk_full": (
        "存储空间已满，无法保存。请联系工作人员。",
        "The kiosk's disk is full; nothing can be saved. Please ask the staff.",
    ),
    "status.disk_full": ("磁盘已满", "Disk full"),
    "health.disk_full": (
        "存储空间已满（剩余 {free} MB）：新的订单和兑换无法保存。请技术员清理磁盘（kiosk doctor）。",
        "The disk is full ({free} MB free): new orders and redemptions cannot be saved. A technician must free space (kiosk doctor).",
    ),
    "health.read_only": (
        "数据所在的磁盘已变为只读：新的订单和兑换无法保存。请技术员检查磁盘（kiosk doctor）。",
        "The disk holding the data has become read-only: new orders and redemptions cannot be saved. A technician must check the disk (kiosk doctor).",
    ),
    "health.disk_low": (
        "存储空间不足（剩余 {free} MB），请技术员尽快清理。",
        "Disk space is low ({free} MB free); a technician should free some soon.",
    ),
    "health.clock_behind": (
        "本机时钟（{now}）早于已保存的数据（{newest}）：时钟可能有误，请技术员校准时间（kiosk doctor）。",
        "The kiosk's clock ({now}) is behind data it saved ({newest}): the clock is probably wrong; a technician must set it (kiosk doctor).",
    ),
    "health.clock_skew": (
        "本机时钟与中心服务器相差 {skew} 秒：志愿者码会被拒绝。请技术员校准时间（kiosk doctor）。",
        "The kiosk's clock is {skew} s off the central server's: volunteer codes will be refused. A technician must set it (kiosk doctor).",
    ),
    "sync.disk_full": (
        "存储空间已满，无法同步。",
        "The disk is full; syncing is stopped.",
    ),
    "sync.clock_wrong": (
        "中心服务器的证书按本机时钟尚未生效：本机时钟可能有误，请技术员校准时间。",
        "The central server's certificate is not yet valid by this kiosk's clock: the clock is probably wrong; a technician must set it.",
    ),
    "store.cannot_create": ("无法创建数据文件：{path}", "Cannot create the data file: {path}"),
    "store.no_access": (
        "数据文件无法读写：{path}（用户 {user}）。请技术员以 root 运行：chown -R {user}: '{folder}'，然后重启。",
        "The data file cannot be read and written: {path} (user {user}). A technician must run, as root: chown -R {user}: '{folder}', then restart.",
    ),
    "store.busy": ("系统正忙，请稍后再试。", "The kiosk is busy. Please try again in a moment."),
    "backup.store_in_use": (
        "数据文件正在使用中：请先停止自助机（systemctl stop station-kiosk），再恢复备份。",
        "The store is in use: stop the kiosk first (systemctl stop station-kiosk), then restore the backup.",
    ),
    "backup.restore_failed": (
        "无法恢复备份，当前数据文件未改动。",
        "The backup could not be restored; the store was left as it was.",
    ),
    "store.read_only_fs": (
        "数据目录所在的磁盘是只读的：{folder}（系统常在磁盘出错后这样做）。请技术员检查磁盘（dmesg），以读写方式重新挂载或更换存储卡，然后重启。",
        "The disk holding the data dir is read-only: {folder} (Linux does that after disk errors). A technician must check the disk (dmesg), remount it read-write or replace the card, then restart.",
    ),
    "store.emptied": (
        "数据文件是空的（0 字节），但有备份：请启动自助机（启动时会从最新备份恢复），或运行 kiosk backup restore 恢复指定备份。",
        "The store file is empty (0 bytes) but backups exist: start the kiosk (at start it restores the newest backup), or run kiosk backup restore with the backup you want.",
    ),
    "store.wal_missing": (
        "数据文件的预写日志 {wal} 不见了（可能在自助机运行时被删除），其他程序现在无法读取数据。请正常停止自助机（systemctl stop station-kiosk，不要 kill -9）：停止时它会把日志写回数据文件；然后再启动。",
        "The store's write-ahead log {wal} is gone (deleted while the kiosk was running?), so no other program can read the store now. Stop the kiosk normally (systemctl stop station-kiosk, not kill -9): as it stops it writes the log back into the store; then start it again.",
    ),
    "store.damaged": (
        "数据文件已损坏：{path}。请重启自助机：启动时会自动从最新备份恢复（kiosk backup list）。",
        "The store is damaged: {path}. Restart the kiosk: at start it restores the newest backup (kiosk backup list).",
    ),
    "store.failed": (
        "无法读写数据文件：{path}。请运行 kiosk doctor 查看原因。",
        "The store could not be read or written: {path}. Run kiosk doctor to find out why.",
    ),
    # config
    "config.invalid": ("配置有误。", "The configuration is invalid."),
    "config.bad_value": (
        "配置项 {setting} 的值不正确（{origin}）。",
        "Setting {setting} has a bad value ({origin}).",
    ),
    "config.syntax": (
        "配置文件格式有误（{origin}）。",
        "The config file has a syntax error ({origin}).",
    ),
    "config.unknown_setting": (
        "未知的配置项 {setting}（{origin}）。",
        "Unknown setting {setting} ({origin}).",
    ),
    "config.unwritable": ("无法写入配置文件。", "The config file cannot be written."),
    "config.unreadable": (
        "无法读取配置文件（{origin}）。",
        "Cannot read the config file ({origin}).",
    ),
    # orders
    "order.phone_invalid": (
        "手机号码不正确，请输入11位手机号。",
        "Please enter a valid 11-digit mobile number.",
    ),
    "order.service_unknown": ("这项服务暂时不可预约。", "This service is not available."),
    "order.address_required": ("上门服务需要填写地址。", "A home visit needs an address."),
    "order.honorific_required": ("请选择您的称呼。", "Please choose how we should address you."),
    "order.slot_invalid": ("请选择服务时间。", "Please choose a time."),
    "order.slot_passed": (
        "这个时间已经过了，请另选一个时间。",
        "That time has passed. Please choose another.",
    ),
    "order.note_invalid": ("备注选项不正确。", "Unknown note option."),
    "order.not_found": (
        "没有找到这张单子，请核对单号和手机号后四位。",
        "No order found. Please check the ticket number and the last four digits.",
    ),
    "order.lookup_invalid": (
        "请输入单号和手机号后四位。",
        "Please enter the ticket number and the last four digits of the phone.",
    ),
    "order.qr_invalid": (
        "这个二维码不是本站的服务单。",
        "This QR code is not an order from this station.",
    ),
    "order.not_completed": (
        "服务完成后才能评价。",
        "You can rate the service once it is completed.",
    ),
    "order.already_rated": (
        "这张单子已经评价过了，谢谢您。",
        "This order has already been rated. Thank you.",
    ),
    "order.rating_invalid": ("请选择1到5颗星。", "Please choose 1 to 5 stars."),
    # volunteers and codes
    "code.invalid": (
        "这个码无法使用，请联系工作人员。",
        "This code cannot be used. Please ask the staff.",
    ),
    "code.malformed": (
        "没有识别出志愿者码，请再扫一次。",
        "The code could not be read. Please scan again.",
    ),
    "code.forged": (
        "这个码无效，请在志愿者App中重新打开您的码。",
        "This code is not valid. Please open your code again in the volunteer app.",
    ),
    "code.expired": (
        "这个码已过期，请在App中刷新后再扫。",
        "This code has expired. Please refresh it in the app and scan again.",
    ),
    "code.revoked": (
        "这个码已停用，请联系工作人员。",
        "This code has been revoked. Please ask the staff.",
    ),
    "code.wrong_use": (
        "这个码不能用在这里：积分兑换和活动签到各用各的码，请在手机上打开对应的码再扫。",
        "This code is not for this: redeeming points and signing in to an activity each "
        "have their own code. Open the right one on your phone and scan again.",
    ),
    "code.no_key": (
        "本机还没有与中心同步，暂时无法验证志愿者码，请联系工作人员。",
        "The kiosk has not synced with the centre yet and cannot check codes. Please ask the staff.",
    ),
    "volunteer.unknown": (
        "没有找到这位志愿者，请联系工作人员。",
        "Volunteer not found. Please ask the staff.",
    ),
    "volunteer.inactive": (
        "这位志愿者的账户已停用，请联系工作人员。",
        "This volunteer account is inactive. Please ask the staff.",
    ),
    "volunteer.card_disabled": (
        "本站未开启卡号兑换，请扫志愿者码。",
        "Card numbers are not accepted here. Please scan your code.",
    ),
    "volunteer.card_unknown": ("卡号或密码不正确。", "Wrong card number or PIN."),
    "card.online_only": (
        "卡号加密码只能在联网时使用，现在连不上中心。请扫志愿者码，或稍后再试。",
        "Card number + PIN works only while the centre can be reached, and it cannot be "
        "reached now. Please scan your volunteer code, or try again later.",
    ),
    # central refused the proof shown with a redemption (HTTP 403)
    "proof.proof_required": (
        "中心要求出示志愿者码，请重新扫码。",
        "The centre needs your volunteer code: please scan it again.",
    ),
    "proof.bad_code": (
        "中心不认这个志愿者码，请刷新后重新扫码。",
        "The centre did not accept this code. Refresh it and scan again.",
    ),
    "proof.code_expired": (
        "志愿者码已过期，请刷新后重新扫码。",
        "This code has expired. Refresh it in the app and scan again.",
    ),
    "proof.code_revoked": (
        "这个志愿者码已作废，请刷新后重新扫码。",
        "This code was revoked. Refresh it in the app and scan again.",
    ),
    "proof.code_other_volunteer": (
        "志愿者码与兑换人不符，请本人扫码。",
        "This code belongs to another volunteer: the volunteer must scan their own code.",
    ),
    "proof.code_wrong_use": (
        "这个码不是积分兑换码，请在手机上打开兑换码再扫。",
        "This is not a code for redeeming points. Open your redeem code on your phone and "
        "scan again.",
    ),
    "proof.code_used": (
        "这个志愿者码已经用过一次兑换，请刷新后重新扫码。",
        "This code was used for a redemption already. Refresh it in the app and scan again.",
    ),
    "proof.wrong_pin": ("卡号或密码不正确。", "Wrong card number or PIN."),
    "proof.card_locked": (
        "密码错误次数太多，此卡已暂时锁定。请扫志愿者码，或联系工作人员。",
        "Too many wrong PINs: this card is locked for now. Scan your code, or ask the staff.",
    ),
    "proof.card_pin_disabled": (
        "本站未开启卡号兑换，请扫志愿者码。",
        "Card numbers are not accepted here. Please scan your code.",
    ),
    "proof.refused": (
        "中心未接受本次身份验证，请重新扫码。",
        "The centre did not accept the identification. Please scan again.",
    ),
    # volunteers' hours (签到/签退)
    "attendance.unknown_activity": (
        "这个活动已取消或不在本站，请选择今天的活动。",
        "This activity was cancelled or is not at this station. Please choose one of today's.",
    ),
    "attendance.foreign_code": (
        "这不是本区的志愿者码，请使用本区发放的志愿者码。",
        "This is not a volunteer code of this district. Please use this district's code.",
    ),
    "attendance.not_open_yet": (
        "还没到签到时间，{at} 开始签到。",
        "Sign-in has not opened yet; it opens at {at}.",
    ),
    "attendance.ended": (
        "活动已经结束，不能再签到。",
        "The activity is over; sign-in is closed.",
    ),
    "attendance.full": (
        "活动人数已满，请联系工作人员。",
        "The activity is full. Please ask the staff.",
    ),
    "attendance.just_signed_in": (
        "您刚刚已签到，不用重复扫码。活动结束时再扫一次就是签退。",
        "You have just signed in; no need to scan again. Scan again at the end to sign out.",
    ),
    "attendance.already_signed_out": (
        "您已经签退了，本次时长已记录。",
        "You have already signed out; your hours are recorded.",
    ),
    "attendance.unknown": ("找不到这条签到记录。", "This attendance record was not found."),
    "attendance.not_signed_out": (
        "还没有签退，不能更正时长。",
        "Not signed out yet; the hours cannot be corrected.",
    ),
    "attendance.reason_required": (
        "请填写更正原因（最多 200 字）。",
        "Please give a reason for the correction (200 characters at most).",
    ),
    "attendance.bad_hours": ("时长应在 0 到 24 小时之间。", "Hours must be 0 to 24."),
    "attendance.over_span": (
        "更正后的时长不能超过活动时长（{hours} 小时）。",
        "A correction cannot give more than the activity lasted ({hours} h).",
    ),
    # redemption
    "redeem.cart_empty": ("请先选择礼品。", "Please choose a gift first."),
    "redeem.gift_unknown": ("这件礼品已下架。", "This gift is no longer available."),
    "redeem.qty_invalid": ("数量不正确。", "Invalid quantity."),
    "redeem.insufficient_points": (
        "积分不够：需要 {need} 分，可用 {have} 分。",
        "Not enough points: {need} needed, {have} available.",
    ),
    "redeem.out_of_stock": ("{name} 库存不足，只剩 {left} 件。", "{name}: only {left} left."),
    "redeem.limit_exceeded": (
        "{name} 每人限兑 {limit} 件。",
        "{name}: at most {limit} per person.",
    ),
    "redeem.offline_limit": (
        "网络不通，离线最多可兑换 {limit} 分，本次需要 {need} 分。",
        "Offline, you can redeem at most {limit} points; this needs {need}.",
    ),
    "redeem.price_changed": (
        "中心刚调整了礼品积分，本机更新后即可兑换，请稍候再试。",
        "The centre has just changed a gift's points; once the kiosk has the new ones, "
        "please try again.",
    ),
    "redeem.limit_at_central": (
        "今天已达到这件礼品每人限兑的数量（以中心记录为准）。",
        "You have had as many of this gift today as one person may (by the centre's records).",
    ),
    "redeem.declined": (
        "中心未批准本次兑换：{reason}",
        "The centre declined this redemption: {reason}",
    ),
    "redeem.central_failed": (
        "中心已批准，但本机保存失败，积分已退回，请重试。",
        "Approved by the centre but the kiosk could not save it; the points were returned. Please try again.",
    ),
    "sync.central_unreachable": ("暂时连不上中心。", "The centre cannot be reached right now."),
    "exception.central": (
        "{at} · {volunteer} · 中心未入账：{reason}（{points} 分），由区级管理员处理",
        "{at} · {volunteer} · not applied by the centre: {reason} ({points} points); "
        "the district administrator handles it",
    ),
    "settings.in_force": (
        "当前生效（策略以中心为准）：",
        "In force now (central wins for policy):",
    ),
    "settings.source.central": ("中心", "central"),
    "settings.source.local config": ("本机配置", "local config"),
    "settings.source.default": ("默认", "default"),
    "sync.proof_rejected": (
        "中心未接受志愿者的身份验证。",
        "The centre did not accept the volunteer's identification.",
    ),
    # gifts
    "gift.out_of_stock": ("已兑完", "Out of stock"),
    "gift.unaffordable": ("积分不足", "Not enough points"),
    "gift.limit_reached": ("已达限兑数量", "Limit reached"),
    # the cart's "+" is off: why, in a few words under the gift's name
    "cart.limit_reached": ("每人每天限 {limit} 件", "Limit {limit} a day"),
    "cart.stock_all": ("库存只有 {left} 件", "Only {left} in stock"),
    "gift.inactive": ("已下架", "Unavailable"),
    # stock
    "stock.qty_invalid": ("数量必须是正整数。", "The quantity must be a positive whole number."),
    "stock.reason_required": ("请填写或选择原因。", "Please give a reason."),
    "stock.would_go_negative": (
        "调整后库存会小于0（现有 {level}）。",
        "Stock would go below zero (now {level}).",
    ),
    "stock.barcode_unknown": ("没有这个条码的礼品：{code}", "No gift with barcode {code}."),
    # staff
    "staff.pin_wrong": (
        "密码不正确，还可以再试 {remaining} 次。",
        "Wrong PIN. {remaining} tries left.",
    ),
    "staff.locked": (
        "密码错误次数太多，请 {minutes} 分钟后再试。",
        "Too many wrong PINs. Try again in {minutes} minutes.",
    ),
    "staff.unknown": ("没有这位工作人员。", "Unknown staff member."),
    "staff.pin_format": ("密码必须是4到8位数字。", "The PIN must be 4 to 8 digits."),
    "staff.role_required": ("需要技术员权限。", "A technician is needed for this."),
    "staff.exists": ("工作人员编号已存在。", "That staff id already exists."),
    # sync (the status strip and the admin screen)
    "sync.failed": (
        "与中心同步失败，稍后自动重试。",
        "Sync with the centre failed; it will retry shortly.",
    ),
    "sync.server_down": (
        "连不上中心服务器，稍后自动重试。",
        "Cannot reach the central server; retrying shortly.",
    ),
    "sync.timeout": (
        "中心服务器响应超时，稍后自动重试。",
        "The central server did not answer in time; retrying shortly.",
    ),
    "sync.bad_response": (
        "中心服务器的回应不完整，稍后自动重试。",
        "The central server sent an incomplete answer; retrying shortly.",
    ),
    "sync.server_error": (
        "中心服务器暂时出错，稍后自动重试。",
        "The central server has a temporary problem; retrying shortly.",
    ),
    "sync.unauthorised": (
        "本机未获中心授权，请技术员检查站点编号和令牌。",
        "The centre refused this kiosk; a technician must check the station id and token.",
    ),
    # central's reasons for refusing a sign-in (shown to staff on the sync screen)
    "sync.rejected.activity_cancelled": (
        "活动已取消，这次签到不计时长。",
        "The activity was cancelled; this sign-in earns no hours.",
    ),
    "sync.rejected.activity_not_open": (
        "签到时还没到签到时间，这次签到不计时长。",
        "Signed in before sign-in opened; this sign-in earns no hours.",
    ),
    "sync.rejected.activity_ended": (
        "签到时活动已经结束，这次签到不计时长。",
        "Signed in after the activity ended; this sign-in earns no hours.",
    ),
    "sync.request_rejected": (
        "中心拒绝了本机的同步请求，请联系技术员。",
        "The centre refused the kiosk's sync request; please call a technician.",
    ),
    "sync.store_error": (
        "本机数据保存出错，同步暂停，请联系工作人员。",
        "The kiosk could not save sync data; please ask the staff.",
    ),
    "sync.tls_failed": (
        "中心服务器的证书不受信任，请技术员检查服务器地址和证书。",
        "The central server's certificate is not trusted; a technician must check the URL and CA bundle.",
    ),
    # deployment: backups, restore, provisioning, doctor
    "backup.failed": (
        "数据备份失败，请联系技术员。",
        "The data backup failed; please call a technician.",
    ),
    "backup.salvage_failed": (
        "无法从损坏的数据文件中找回记录：{path}",
        "Could not recover records from the damaged data file: {path}",
    ),
    "store.restored": (
        "本机数据文件损坏，已于 {at} 从 {taken} 的备份恢复；找回未上传记录 {salvaged} 条。请通知技术员检查存储卡。",
        "The kiosk's data file was damaged and was restored at {at} from the backup of {taken}; {salvaged} unsent records were recovered. Please have a technician check the storage.",
    ),
    "store.damage_found": (
        "本机数据文件在 {at} 的检查中发现损坏。请尽快重启本机：重启时会自动从最新备份恢复，并找回未上传记录。请通知技术员检查存储卡。",
        "A check at {at} found the kiosk's data file damaged. Please restart the kiosk soon: at restart it restores the newest backup and recovers unsent records. Please have a technician check the storage.",
    ),
    "store.restored_empty": (
        "本机数据文件损坏且没有可用备份，已于 {at} 以空数据启动；找回未上传记录 {salvaged} 条。请立即联系技术员。",
        "The kiosk's data file was damaged and no backup was usable; it started empty at {at}; {salvaged} unsent records were recovered. Please call a technician now.",
    ),
    "store.too_new": (
        "本机程序版本（{build}）比数据文件旧：请安装 {version} 或更新的版本。",
        "This kiosk ({build}) is older than its data: install version {version} or newer.",
    ),
    "store.salvage_partial": (
        "找回未能全部完成，可能还有未上传记录留在损坏的文件中：技术员可运行 kiosk backup salvage {file}。",
        "The recovery could not finish; more unsent records may remain in the damaged file: a technician can run kiosk backup salvage {file}.",
    ),
    "init.not_interactive": (
        "缺少必填项 {setting}，请用参数 --{option} 提供。",
        "Missing required setting {setting}; pass --{option}.",
    ),
    "init.server_unreachable": (
        "无法连接中心服务器：{detail}",
        "Cannot reach the central server: {detail}",
    ),
}


def text(key: str, lang: str = "zh_CN", **params: object) -> str:
    """The message for ``key`` in ``lang``; an unknown key falls back to the generic text."""
    pair = MESSAGES.get(key)
    if pair is None:
        log.error("no message text for key %r", key)
        pair = MESSAGES["error.unexpected"]
    template = pair[0] if lang.startswith("zh") else pair[1]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        log.error("message %r lacks params for %r", key, template)
        return template


# printing (printer/ errors and the print queue)
MESSAGES.update(
    {
        "print.error": (
            "打印机出了点问题，小票稍后补打。",
            "Printer problem; the receipt will print later.",
        ),
        "print.not_found": (
            "找不到打印机，请检查连接线。",
            "Printer not found. Check its cable or address.",
        ),
        "print.permission_denied": (
            "没有使用打印机的权限，请联系技术人员。",
            "No permission to use the printer. Please call the technician.",
        ),
        "print.busy": ("打印机正被占用，稍后重试。", "The printer is busy; retrying shortly."),
        "print.offline": (
            "打印机未连接或未开机，小票稍后补打。",
            "The printer is offline; the receipt will print later.",
        ),
        "print.paper_out": (
            "打印机缺纸，请工作人员装纸。",
            "The printer is out of paper. Staff: please load paper.",
        ),
        "print.timeout": (
            "打印机没有响应，小票稍后补打。",
            "The printer is not responding; the receipt will print later.",
        ),
        "print.status_unknown": ("无法读取打印机状态。", "The printer's state cannot be read."),
        "print.bad_uri": (
            "打印机连接设置有误，请联系技术人员。",
            "The printer connection setting is wrong. Please call the technician.",
        ),
        "print.job_not_found": ("没有找到这张小票。", "That receipt was not found."),
        "print.interrupted": (
            "打印中断，小票没有打完，请补打。",
            "Printing was interrupted before the receipt was finished; please reprint it.",
        ),
        "print.unconfirmed": (
            "小票可能已打出，请先查看打印机，确实没有再补打。",
            "Probably printed — check the printer; reprint only if it is not there.",
        ),
        "print.cover_open": (
            "打印机盖没有关好，请工作人员合上盖子。",
            "The printer cover is open. Staff: please close it.",
        ),
        "print.paper_low": (
            "打印纸快用完了，请准备新纸卷。",
            "The paper roll is nearly used up. Please get a new roll ready.",
        ),
        "print.cups_failed": (
            "打印服务没有完成这张小票，稍后重试。",
            "The print service did not finish this receipt; it will be retried.",
        ),
        "print.paper_out_mid_job": (
            "打印中途缺纸：请装纸，查看这张小票是否完整，不完整再补打。",
            "The paper ran out while this receipt printed. Load paper, check the receipt, "
            "and reprint it only if it is incomplete.",
        ),
        "print.cover_open_mid_job": (
            "打印中途打印机盖被打开：请合上盖子，查看这张小票是否完整，不完整再补打。",
            "The printer cover was opened while this receipt printed. Close it, check the "
            "receipt, and reprint it only if it is incomplete.",
        ),
        "print.offline_mid_job": (
            "打印中途打印机断开：请检查电源和连接线，查看这张小票是否完整，不完整再补打。",
            "The printer went offline while this receipt printed. Check its power and cable, "
            "check the receipt, and reprint it only if it is incomplete.",
        ),
        "print.cups_left": (
            "打印服务暂停了这张小票，修好打印机后它会自动打出，请不要补打。",
            "The print service paused this receipt; it prints by itself once the printer is "
            "fixed. Do not reprint it.",
        ),
        "print.render_failed": (
            "小票内容有误，无法打印。",
            "This receipt cannot be printed (bad content).",
        ),
    }
)
