"""The committed alert rules are the render of their template with the configured base URLs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from prometheus import generate
from tests.monitoring.rules import alerting_rules


def test_committed_alert_rules_match_the_generator() -> None:
    rendered = generate.render(generate.TEMPLATE.read_text(), generate.read_links())
    assert generate.OUTPUT.read_text() == rendered, (
        "prometheus/rules/alerts.yml differs from its template: edit prometheus/templates/alerts.yml, "
        "run `python -m prometheus.generate` and commit the result"
    )


def test_no_placeholder_is_left_and_links_use_the_configured_urls() -> None:
    text = generate.OUTPUT.read_text()
    assert not [p for p in generate.PLACEHOLDERS if p in text]
    links = generate.read_links()
    rules = {r["alert"]: r for r in alerting_rules()}
    annotations = rules["ShadowMismatchRateCritical"]["annotations"]
    assert annotations["samples_url"].startswith(links["shadowdiff_url"] + "/v1/mismatches?module=")
    assert annotations["dashboard_url"].startswith(links["grafana_url"] + "/d/shadowdiff-migration/")
    assert {"worst_query", "worst_field"} <= set(annotations)


def test_every_mismatch_alert_links_a_browser_to_the_modules_console_page() -> None:
    """samples_url is the API, which answers a browser without a bearer token 401: the person paged
    follows console_url, the console's module page (fields by mismatches, the samples side by side),
    which lands there after the login."""
    links = generate.read_links()
    for rule in alerting_rules():
        annotations = rule["annotations"]
        if "samples_url" in annotations and "/v1/mismatches" in annotations["samples_url"]:
            assert (
                annotations.get("console_url") == links["shadowdiff_url"] + "/ui/modules/{{ $labels.module }}"
            ), rule["alert"]


def test_other_base_urls_render_into_the_links(tmp_path: Path) -> None:
    config = tmp_path / "links.yml"
    config.write_text("shadowdiff_url: https://sd.example.org/\ngrafana_url: https://grafana.example.org\n")
    rendered = generate.render(generate.TEMPLATE.read_text(), generate.read_links(config))
    assert "https://sd.example.org/v1/mismatches?module=" in rendered
    assert "https://grafana.example.org/d/shadowdiff-migration/" in rendered
    assert yaml.safe_load(rendered)["groups"]


@pytest.mark.parametrize("bad", ["shadowdiff_url: nowhere\ngrafana_url: http://g\n", "[]\n"])
def test_a_bad_links_file_is_refused(tmp_path: Path, bad: str) -> None:
    config = tmp_path / "links.yml"
    config.write_text(bad)
    with pytest.raises(SystemExit):
        generate.read_links(config)
