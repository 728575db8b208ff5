"""The area picker of the forms that name neighbourhoods (a proposal, a need): a deprivation map
whose areas link back to the form with that area ticked (`?area=<id>`), so a person can find
their neighbourhood by where it is, not only by its name. One mixin, so both forms behave alike.
"""

from .maps import deprivation_map, map_areas_for_place


class AreaPickerMixin:
    """For a FormView with `self.place` and a form with an `areas` field: ticks `?area=` when
    it is one of the field's choices, and gives the template `area_picker_map`
    (`templates/places/includes/area_picker.html` shows it)."""

    def tick_chosen_area(self, form):
        chosen = self.request.GET.get("area", "")
        if (
            not form.is_bound
            and chosen.isdigit()
            and form.fields["areas"].queryset.filter(pk=int(chosen)).exists()
        ):
            form.initial["areas"] = [int(chosen)]
        return form

    def area_picker_map(self):
        query = self.request.GET.copy()
        query.pop("area", None)

        def pick(area):
            query["area"] = area.pk
            return f"?{query.urlencode()}#id_areas"

        return deprivation_map(
            map_id="area-picker-map",
            title="Choose your neighbourhood on the map",
            areas=map_areas_for_place(self.place),
            place=self.place,
            href_for=pick,
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "area_picker_map": self.area_picker_map()}
