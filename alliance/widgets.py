"""Form widgets shared by every domain."""

from govuk_frontend_wtf.wtforms_widgets import GovDateInput


class DateInput(GovDateInput):
    """GOV.UK's day, month and year boxes, which share one field name. The library's widget
    expects exactly three values back; a request that sends fewer or more (a script, a
    tampered form) would stop the page with a server error, so it gets three here and the
    field's own "not a valid date" message instead."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = [*field.raw_data, "", "", ""][:3]
        return super().map_gov_params(field, **kwargs)
