"""Alertmanager's webhook body (``webhook_configs``, payload version 4), validated at the edge."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class AlertmanagerAlert(BaseModel):
    """One alert of a notification. Unknown fields are ignored: Alertmanager may add some."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime = Field(alias="startsAt")
    ends_at: datetime | None = Field(None, alias="endsAt")
    generator_url: str = Field("", alias="generatorURL")
    fingerprint: str = ""

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "")

    @property
    def identity(self) -> str:
        """Alertmanager's fingerprint, or one made from the labels when a sender leaves it out."""
        if self.fingerprint:
            return self.fingerprint
        canonical = "\x00".join(f"{k}\x01{v}" for k, v in sorted(self.labels.items()))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class AlertmanagerPayload(BaseModel):
    """The body Alertmanager POSTs to a ``webhook_configs`` receiver."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    version: str = Field(json_schema_extra={"enum": ["4"]})  # the schema says what the validator checks
    group_key: str = Field(alias="groupKey", min_length=1)
    truncated_alerts: int = Field(0, alias="truncatedAlerts", ge=0)
    status: Literal["firing", "resolved"]
    receiver: str = ""
    group_labels: dict[str, str] = Field(default_factory=dict, alias="groupLabels")
    common_labels: dict[str, str] = Field(default_factory=dict, alias="commonLabels")
    common_annotations: dict[str, str] = Field(default_factory=dict, alias="commonAnnotations")
    external_url: str = Field("", alias="externalURL")
    alerts: list[AlertmanagerAlert]

    @field_validator("version")
    @classmethod
    def _version_4(cls, value: str) -> str:
        if value != "4":
            raise ValueError(
                f"webhook payload version {value!r} is not understood; shadowdiff reads Alertmanager's "
                'version "4" (Alertmanager 0.x webhook_configs)'
            )
        return value
