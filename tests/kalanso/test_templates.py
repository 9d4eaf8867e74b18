"""The shared template pieces: the filters above a list and the search box."""

from django import forms
from django.template.loader import render_to_string


class RegionFilter(forms.Form):
    region = forms.ChoiceField(choices=[("", "All"), ("ML-5", "Mopti")], label="Region")


def filters(**context):
    form = RegionFilter({"region": "nowhere"})
    form.is_valid()
    return render_to_string(
        "includes/filter_form.html",
        {"form": form, "label": "Filter the figures", "submit": "Show", **context},
    )


def test_filter_form_labels_errors_and_button():
    html = filters()
    assert '<form method="get" class="filters" role="search"' in html
    assert 'aria-label="Filter the figures"' in html
    assert '<label for="id_region">Region</label><select name="region"' in html
    assert '<span class="error" id="id_region_error">' in html
    assert '<button type="submit" class="btn">Show</button>' in html
    assert 'type="hidden"' not in html


def test_filter_form_carries_one_more_parameter():
    html = filters(hidden_name="view", hidden_value="published")
    assert '<input type="hidden" name="view" value="published">' in html


def test_quiet_filter_form_shows_no_errors():
    html = filters(quiet=True)
    assert '<span class="error"' not in html
    assert '<label for="id_region">Region</label>' in html


def test_search_form():
    html = render_to_string(
        "includes/search_form.html",
        {
            "action": "/fr/search/",
            "input_id": "search-q",
            "label": "Search the courses",
            "value": '"><script>',
            "maxlength": 200,
        },
    )
    assert '<form method="get" action="/fr/search/" role="search"' in html
    assert '<label for="search-q">Search the courses</label>' in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    assert 'maxlength="200"' in html
    without = render_to_string(
        "includes/search_form.html", {"input_id": "q", "label": "Name"}
    )
    assert "action=" not in without
