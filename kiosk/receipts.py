"""Receipt templates: the store's objects as ``printer.document.Receipt`` documents.

Receipts go home with residents and volunteers, so they are in Chinese only, with
personal data masked (138****1234, 张*明). The QR payloads (format in ``kiosk.qr``) are
what the kiosk's own scanner screens parse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from kiosk import qr
from kiosk.clock import to_local, utcnow
from kiosk.config import Config
from kiosk.privacy import mask_name, mask_phone
from kiosk.reports import DayFigures
from kiosk.store.models import Redemption, ServiceOrder, StockMovement
from printer.document import QR, Cut, Divider, Feed, Receipt, Row, Text

SLOT_LABELS = {
    "asap": "尽快上门",
    "today_am": "今天上午",
    "today_pm": "今天下午",
    "tomorrow_am": "明天上午",
    "tomorrow_pm": "明天下午",
}
STATUS_LABELS = {
    "submitted": "已提交",
    "assigned": "已派单",
    "accepted": "已接单",
    "in_service": "服务中",
    "completed": "已完成",
    "cancelled": "已取消",
}


class AttendanceSlipData(Protocol):
    # Read-only members, so a frozen dataclass (kiosk.attendance.ScanResult) fits.
    @property
    def attendance_id(self) -> str: ...
    @property
    def activity_title(self) -> str: ...
    @property
    def volunteer_name(self) -> str: ...
    @property
    def signed_in_at(self) -> datetime: ...
    @property
    def signed_out_at(self) -> datetime | None: ...
    @property
    def hours(self) -> float: ...
    @property
    def points(self) -> int: ...
    @property
    def total_hours(self) -> float: ...


def pickup_qr(redemption: Redemption) -> str:
    return qr.pickup_payload(redemption.pickup_code, redemption.id)


def _when(at: datetime, config: Config) -> str:
    return to_local(at, config.timezone).strftime("%Y-%m-%d %H:%M")


def _header(config: Config, title: str) -> list[Text | Divider]:
    return [
        Text(config.station_name, "center", bold=True),
        Text(title, "center", bold=True, double_height=True),
        Divider("="),
    ]


def order_ticket(order: ServiceOrder, config: Config) -> Receipt:
    receipt = Receipt(title=f"点单 {order.ticket_no}")
    receipt.add(*_header(config, "群众点单 · 服务小票"))
    receipt.add(
        Text("您的取号", "center"),
        Text(order.ticket_no, "center", bold=True, double_width=True, double_height=True),
        Divider(),
        Row("服务项目", order.service.name if order.service else order.service_code),
        Row("预约时间", SLOT_LABELS.get(order.time_slot, order.time_slot)),
        Row("联系人", order.honorific),
        Row("联系电话", mask_phone(order.phone) if order.phone else f"****{order.phone_last4}"),
        Row("下单时间", _when(order.created_at, config)),
        Divider(),
        QR(qr.order_payload(order.ticket_no, order.id), caption="扫码或在本机输入取号查看进度"),
        Text("志愿者接单后会电话联系您。", "center"),
        Text("服务完成后，请在本机点“评价”，", "center"),
        Text("为志愿者的服务打分。", "center"),
        Feed(1),
        Cut(),
    )
    return receipt


def redemption_receipt(redemption: Redemption, config: Config) -> Receipt:
    receipt = Receipt(title=f"兑换 {redemption.pickup_code}")
    receipt.add(*_header(config, "积分兑换凭证"))
    volunteer = redemption.volunteer
    receipt.add(
        Row("志愿者", mask_name(volunteer.masked_name) if volunteer else "—"),
        Row("兑换时间", _when(redemption.created_at, config)),
        Divider(),
    )
    for line in redemption.lines:
        if line.qty <= 0:
            continue  # a line emptied before confirming is not part of what was given
        receipt.add(Row(f"{line.name} ×{line.qty}", f"{line.qty * line.points_each} 分"))
    receipt.add(
        Divider(),
        Row("合计扣除", f"{redemption.total_points} 分", bold=True),
        Row("剩余积分", f"{redemption.balance_after} 分"),
    )
    if redemption.mode == "offline":
        receipt.add(Text("（离线兑换，联网后核对积分）", "center"))
    receipt.add(
        Divider(),
        Text("取货码", "center"),
        Text(redemption.pickup_code, "center", bold=True, double_width=True, double_height=True),
        QR(pickup_qr(redemption)),
        Text("凭此小票领取", "center", bold=True, double_width=True, double_height=True),
        Text("请向工作人员出示，当日有效。", "center"),
        Feed(1),
        Cut(),
    )
    return receipt


def attendance_qr(config: Config, attendance_id: str) -> str:
    """Opens central's own record of this attendance (its hours as credited)."""
    base = (config.server_url or "").rstrip("/")
    return f"{base}/api/v1/attendance/{attendance_id}" if base else f"attendance:{attendance_id}"


def attendance_slip(result: AttendanceSlipData, config: Config) -> Receipt:
    """签退凭条: the activity, times, hours by the rule, the volunteer's new total, and a QR
    that opens central's record."""
    receipt = Receipt(title=f"签退 {result.activity_title}"[:40])
    receipt.add(*_header(config, "志愿服务签退凭条"))
    receipt.add(
        Row("活动", result.activity_title),
        Row("志愿者", mask_name(result.volunteer_name)),
        Row("签到", _when(result.signed_in_at, config)),
        Row("签退", _when(result.signed_out_at or result.signed_in_at, config)),
        Divider(),
        Row("本次服务时长", f"{result.hours:g} 小时", bold=True),
        Row("本次积分", f"{result.points} 分"),
        Row("累计时长", f"{result.total_hours:g} 小时"),
        Divider(),
        QR(attendance_qr(config, result.attendance_id)),
        Text("扫码可在区中心核对本次记录", "center"),
        Text("时长、积分以区中心入账为准", "center"),
        Feed(1),
        Cut(),
    )
    return receipt


def restock_slip(
    movements: Iterable[StockMovement],
    config: Config,
    names: Mapping[str, str] | None = None,
    staff_name: str = "",
    levels: Mapping[str, int] | None = None,
) -> Receipt:
    """One slip for the movements of one restock session (names: sku -> gift name)."""
    moves = list(movements)
    names = names or {}
    when = max((m.at for m in moves), default=utcnow())
    receipt = Receipt(title="补货单")
    receipt.add(*_header(config, "礼品补货单"))
    receipt.add(
        Row("补货时间", _when(when, config)),
        Row("经办人", staff_name or next((m.staff_id for m in moves if m.staff_id), "—")),
        Divider(),
    )
    for m in moves:
        after = f"（现 {levels[m.sku]}）" if levels and m.sku in levels else ""
        receipt.add(Row(names.get(m.sku, m.sku), f"{m.delta:+d}{after}"))
        if m.reason:
            receipt.add(Text(f"  原因：{m.reason}"))
    receipt.add(
        Divider(),
        Row("合计", f"{sum(m.delta for m in moves):+d} 件", bold=True),
        Feed(1),
        Text("经办人签字：____________"),
        Feed(1),
        Cut(),
    )
    return receipt


def day_report(
    figures: DayFigures,
    config: Config,
    *,
    theme: str = "新时代文明实践志愿服务",
    place: str = "",
    names: Mapping[str, str] | None = None,
    low_stock_at: int = 5,
    printed_at: datetime | None = None,
) -> Receipt:
    names = names or {}
    receipt = Receipt(title=f"日报 {figures.day.isoformat()}")
    receipt.add(*_header(config, "每日服务报表"))
    receipt.add(
        Row("日期", figures.day.strftime("%Y年%m月%d日")),
        Row("活动主题", theme),
        Row("服务地点", place or config.station_name),
        Row("参与人数", f"{figures.volunteers_redeemed} 人"),
        Row("服务人数", f"{figures.residents_served} 人"),
        Text("服务内容：", bold=True),
    )
    services: list[Row | Text] = [Row(f"  {name}", f"{n} 单") for name, n in figures.services]
    receipt.add(*services or [Text("  （今日无点单）")])
    receipt.add(
        Divider(), Text("群众点单", bold=True), Row("点单总数", f"{figures.orders_total} 单")
    )
    for status, label in STATUS_LABELS.items():
        if figures.orders_by_status.get(status):
            receipt.add(Row(f"  {label}", f"{figures.orders_by_status[status]} 单"))
    receipt.add(
        Divider(),
        Text("积分兑换", bold=True),
        Row("兑换笔数", f"{figures.redemptions} 笔"),
        Row("兑换积分", f"{figures.points_redeemed} 分"),
    )
    receipt.add(*[Row(f"  {name}", f"{n} 件") for name, n in figures.top_gifts])
    receipt.add(
        Divider(), Text("礼品库存", bold=True), Row("今日补货", f"{figures.restocked_items} 件")
    )
    for sku, level in sorted(figures.stock.items(), key=lambda kv: (kv[1], kv[0])):
        mark = "（缺货）" if level <= 0 else "（偏少）" if level <= low_stock_at else ""
        receipt.add(Row(f"  {names.get(sku, sku)}", f"{level}{mark}"))
    receipt.add(
        Divider(),
        Text(f"打印时间 {_when(printed_at or utcnow(), config)}", "center"),
        Feed(1),
        Cut(),
    )
    return receipt
