"""One keypad, two fields: what a resident sees in the boxes as they type and correct."""

from __future__ import annotations

from ui.widgets.keypad_fields import CURSOR, KeyField, KeypadFields


def _fields(qtbot) -> KeypadFields:  # type: ignore[no-untyped-def]
    fields = KeypadFields(
        [
            KeyField("ticket", "ticketField", 3, next_when_full=True),
            KeyField("pin", "pinField", 4, show=lambda v: "●" * len(v)),
        ]
    )
    qtbot.addWidget(fields.keypad)
    for box in fields.boxes.values():
        qtbot.addWidget(box)
    fields.refresh()
    return fields


def test_a_full_field_hands_on_and_a_pin_shows_as_dots(qtbot) -> None:  # type: ignore[no-untyped-def]
    f = _fields(qtbot)
    for d in "12345":
        f.keypad.digit.emit(d)
    assert (f.value("ticket"), f.value("pin")) == ("123", "45")
    assert f.boxes["ticket"].text() == "123" and not f.boxes["ticket"].isChecked()
    assert f.boxes["pin"].text() == "●●" + CURSOR and f.boxes["pin"].isChecked()


def test_backspace_in_an_empty_field_goes_back_to_the_one_before(qtbot) -> None:  # type: ignore[no-untyped-def]
    f = _fields(qtbot)
    for d in "1234":
        f.keypad.digit.emit(d)
    f.keypad.backspace.emit()
    f.keypad.backspace.emit()  # the PIN is empty now: this one corrects the ticket
    assert (f.value("ticket"), f.value("pin"), f.current) == ("12", "", "ticket")
    f.keypad.clear.emit()
    assert f.value("ticket") == "" and f.boxes["ticket"].text() == CURSOR


def test_a_tap_on_a_box_chooses_what_the_keys_fill(qtbot) -> None:  # type: ignore[no-untyped-def]
    f = _fields(qtbot)
    f.boxes["pin"].click()
    f.keypad.digit.emit("9")
    assert (f.value("ticket"), f.value("pin")) == ("", "9")
