"""What a resident has chosen so far in the 点单 flow, handed from step to step as a param.

Immutable: each step returns a new form with its answer (``dataclasses.replace``). The
screens keep their copy only until ``reset()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.orders import OrderDraft


@dataclass(frozen=True)
class OrderForm:
    category: str = ""
    service_code: str = ""
    service_name: str = ""
    service_name_en: str = ""
    home_visit: bool = False
    phone: str = ""
    surname: str = ""
    title: str = ""
    community: str = ""
    building: str = ""
    unit: int = 0
    room: str = ""
    time_slot: str = ""
    notes: tuple[str, ...] = ()

    @property
    def honorific(self) -> str:
        return f"{self.surname}{self.title}"

    @property
    def address(self) -> str:
        """梅园小区3号楼2单元502室 — what the volunteer reads on the dispatch."""
        if not (self.home_visit and self.community and self.building and self.room):
            return ""
        return f"{self.community}{self.building}{self.unit}单元{self.room}室"

    def draft(self) -> OrderDraft:
        return OrderDraft(
            service_code=self.service_code,
            honorific=self.honorific,
            phone=self.phone,
            time_slot=self.time_slot,
            address=self.address,
            note_tags=tuple(self.notes),
        )

    def steps(self) -> list[str]:
        """The routes of this order's questions, in order (no address for station services)."""
        steps = ["order.phone", "order.name"]
        if self.home_visit:
            steps.append("order.address")
        steps += ["order.slot", "order.confirm"]
        return steps

    def next_after(self, route: str) -> str:
        steps = self.steps()
        return steps[steps.index(route) + 1] if route in steps[:-1] else "order.confirm"
