"""What cards, lists and forms call a flow's fields, choices and steps, in the reader's language.

An admin may write each per language (``label: {en: Dates, zh: 日期}``); a field or a choice
without a label gets a translated default when its name is a usual one (``dates`` -> Dates /
日期, ``annual`` -> Annual leave / 年假), else its name made readable. What people type stays
the field's name and the choice's value; a choice may also be typed as its label.
"""

from __future__ import annotations

from bot import Text, TextLike, _
from skills.approvals.config import FieldSpec, FlowSpec

# the usual field names, and the usual values of choices, with a translation each
FIELDS: dict[str, Text] = {
    "dates": _("Dates"),
    "date": _("Date"),
    "days": _("Days"),
    "time": _("Time"),
    "type": _("Type"),
    "kind": _("Kind"),
    "reason": _("Reason"),
    "note": _("Note"),
    "amount": _("Amount"),
    "item": _("Item"),
    "category": _("Category"),
    "project": _("Project"),
    "spent_on": _("Spent on"),
    "place": _("Place"),
    "destination": _("Destination"),
    "description": _("Description"),
    "handover": _("Handover"),
    "substitute": _("Substitute"),
}
CHOICES: dict[str, Text] = {
    "annual": _("Annual leave"),
    "sick": _("Sick leave"),
    "personal": _("Personal leave"),
    "unpaid": _("Unpaid leave"),
    "marriage": _("Marriage leave"),
    "maternity": _("Maternity leave"),
    "paternity": _("Paternity leave"),
    "bereavement": _("Bereavement leave"),
    "compensatory": _("Time off in lieu"),
    "in": _("Clock-in"),
    "out": _("Clock-out"),
    "internal": _("Internal"),
    "client": _("Client"),
    "other": _("Other"),
}


def field(spec: FlowSpec, name: str) -> TextLike:
    """A field's label: the flow's own, a usual name's, else the name made readable."""
    found = spec.fields.get(name)
    if found is not None and found.label is not None:
        return found.label.text()
    return FIELDS.get(name) or name.replace("_", " ").capitalize()


def choice(spec: FieldSpec, value: str) -> TextLike:
    """A choice's label: the flow's own, a usual value's, else the value as written."""
    own = spec.choices.get(value)
    if own is not None:
        return own.text()
    return CHOICES.get(value.lower()) or value
