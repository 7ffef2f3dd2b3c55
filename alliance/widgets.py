"""Form widgets shared by every domain."""

from decimal import Decimal

from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovTextInput
from wtforms import StringField

from alliance.money import MoneyError, parse_pounds


class DateInput(GovDateInput):
    """GOV.UK's day, month and year boxes, which share one field name. The library's widget
    expects exactly three values back; a request that sends fewer or more (a script, a
    tampered form) would stop the page with a server error, so it gets three here and the
    field's own "not a valid date" message instead."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = [*field.raw_data, "", "", ""][:3]
        return super().map_gov_params(field, **kwargs)


class PoundsField(StringField):
    """An amount in pounds and pence, typed as people type it (“£12,500”, “-250.5”): the
    field's data is an exact Decimal (None when empty), and anything else is the field's
    own error. Never a float."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, validators, **kwargs)
        self.amount: Decimal | None = None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.amount = None
        text = (self.data or "").strip()
        if text:
            try:
                self.amount = parse_pounds(text)
            except MoneyError as exc:
                raise ValueError(str(exc)) from exc
