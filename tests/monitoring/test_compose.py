"""docker-compose.yml and the Dockerfile, validated without a Docker engine.

Debian's docker-compose 1.29 validates a file against the Compose schema with `config -q` and needs no
engine for it; the broken variants below show the check really rejects bad files.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.monitoring.tools import PROMETHEUS_DIR, ROOT, require, run

COMPOSE_FILE = ROOT / "docker-compose.yml"
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def compose_config(directory: Path) -> tuple[int, str]:
    docker_compose = require("docker-compose")
    result = run(docker_compose, "--project-directory", str(directory), "config", "-q", cwd=directory)
    return result.returncode, result.stdout + result.stderr


def test_compose_file_is_valid() -> None:
    returncode, output = compose_config(ROOT)
    assert returncode == 0, output


@pytest.mark.parametrize(
    ("original", "broken"),
    [
        ("    restart: unless-stopped\n", "    restart: unless-stopped\n    restrat: always\n"),
        ("      retries: 12\n", "      retries: twelve\n"),
    ],
    ids=["unknown-key", "wrong-type"],
)
def test_compose_validation_rejects_a_broken_file(tmp_path: Path, original: str, broken: str) -> None:
    text = COMPOSE_FILE.read_text()
    assert original in text
    (tmp_path / "docker-compose.yml").write_text(text.replace(original, broken, 1))
    returncode, _ = compose_config(tmp_path)
    assert returncode != 0


def test_stack_has_every_part() -> None:
    assert set(SERVICES) == {"shadowdiff", "postgres", "prometheus", "alertmanager", "grafana"}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_service_has_a_healthcheck(service: str) -> None:
    assert SERVICES[service]["healthcheck"]["test"]


@pytest.mark.parametrize("service", ["postgres", "shadowdiff", "prometheus", "alertmanager", "grafana"])
def test_stateful_service_keeps_its_data_in_a_named_volume(service: str) -> None:
    named = [v.split(":")[0] for v in SERVICES[service]["volumes"] if not v.startswith(".")]
    assert named and set(named) <= set(COMPOSE["volumes"])


@pytest.mark.parametrize(
    "mount",
    [v for s in SERVICES.values() for v in s.get("volumes", []) if v.startswith("./")],
)
def test_bind_mount_source_is_in_the_repository(mount: str) -> None:
    assert (ROOT / mount.split(":")[0]).exists()


def test_prometheus_container_gets_the_rules_its_config_names() -> None:
    assert "./prometheus:/etc/prometheus:ro" in SERVICES["prometheus"]["volumes"]
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    assert config["rule_files"] and all((PROMETHEUS_DIR / f).is_file() for f in config["rule_files"])
    (job,) = [j for j in config["scrape_configs"] if j["job_name"] == "shadowdiff"]
    # every replica: DNS discovery of the service name, not one static address
    assert "static_configs" not in job
    assert job["dns_sd_configs"] == [
        {"names": ["shadowdiff"], "type": "A", "port": 8000, "refresh_interval": "15s"}
    ]


def test_alertmanager_container_gets_every_secret_its_config_reads() -> None:
    read = set(re.findall(r"/run/secrets/([\w.-]+)", (PROMETHEUS_DIR / "alertmanager.yml").read_text()))
    assert read and read == set(SERVICES["alertmanager"]["secrets"])


def test_alertmanager_webhook_targets_the_shadowdiff_service() -> None:
    config = yaml.safe_load((PROMETHEUS_DIR / "alertmanager.yml").read_text())
    hooks = [h for r in config["receivers"] for h in r.get("webhook_configs", [])]
    assert [h["url"] for h in hooks] == ["http://shadowdiff:8000/v1/alerts/alertmanager"]
    assert all(h["send_resolved"] and h["http_config"]["authorization"]["type"] == "Bearer" for h in hooks)


def test_service_does_not_listen_beyond_loopback_without_tokens() -> None:
    env = SERVICES["shadowdiff"]["environment"]
    assert env["SHADOWDIFF_HOST"] == "0.0.0.0"
    assert env["SHADOWDIFF_TOKENS_FILE"] == "/run/secrets/shadowdiff-tokens"
    assert "shadowdiff-tokens" in SERVICES["shadowdiff"]["secrets"]


def test_dockerfile_copies_only_what_exists_and_dockerignore_lets_it_through() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    # COPY --from copies out of an earlier build stage, not the context: it must name a stage.
    stages = set(re.findall(r"^FROM \S+ AS (\S+)$", dockerfile, re.MULTILINE))
    assert set(re.findall(r"^COPY --from=(\S+) ", dockerfile, re.MULTILINE)) <= stages
    sources = [
        s
        for line in re.findall(r"^COPY (?!--from=)(.+) \S+$", dockerfile, re.MULTILINE)
        for s in line.split()
    ]
    assert sources and all((ROOT / s).exists() for s in sources)
    allowed = {
        line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines() if line[:1] == "!"
    }
    assert set(sources) <= allowed


def test_grafana_home_dashboard_is_the_mounted_one() -> None:
    grafana = SERVICES["grafana"]
    home = Path(grafana["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"])
    mount = next(v for v in grafana["volumes"] if v.startswith("./grafana/dashboards:"))
    source, target = mount.split(":")[:2]
    assert home.parent == Path(target)
    assert (ROOT / source / home.name).is_file()


@pytest.mark.parametrize("service", ["shadowdiff", "prometheus", "alertmanager", "grafana"])
def test_published_ports_listen_on_loopback_only(service: str) -> None:
    """Issue 13: nothing of the stack is reachable from other hosts unless a proxy is put in front."""
    ports = SERVICES[service]["ports"]
    assert ports and all(str(p).startswith("127.0.0.1:") for p in ports), ports
    assert "ports" not in SERVICES["postgres"]


def test_grafana_admin_password_comes_from_a_secret() -> None:
    env = SERVICES["grafana"]["environment"]
    assert "GF_SECURITY_ADMIN_PASSWORD" not in env
    assert env["GF_SECURITY_ADMIN_PASSWORD__FILE"] == "/run/secrets/grafana-admin-password"
    assert SERVICES["grafana"]["secrets"] == ["grafana-admin-password"]
    assert COMPOSE["secrets"]["grafana-admin-password"]["file"].startswith("./secrets/")


def test_shadowdiff_can_be_scaled_on_loopback_ports() -> None:
    """Scaled replicas each need a host port: a range, all on loopback."""
    assert SERVICES["shadowdiff"]["ports"] == ["127.0.0.1:8000-8009:8000"]
