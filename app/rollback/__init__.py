"""Automatic rollback: Alertmanager webhook deliveries and guard trips become rollbacks and decision records.

Two triggers, one outcome. ``POST /v1/alerts/alertmanager`` hands over Alertmanager's webhook payload
(version 4); the in-process guard (``flags.guard``) watches every compared pair through the service's
observer hook. Either way a module whose ORM path serves (``orm``) and whose ``auto_rollback`` is on goes
back to ``shadow`` through ``FlagService.rollback`` (which saves, updates this replica's view and counts
``shadow_rollbacks_total{module, actor}``), with a decision record that explains the rollback without a
second look: the rule or alert, the measured mismatch rate, the threshold, the comparisons, the window and
API paths to example mismatch samples. In ``notify`` mode the same record goes into the history as a
``rollback_notify`` entry and the flag stays as it is. Nothing here ever promotes a module.

Alertmanager repeats notifications and retries failed deliveries, so an alert acts at most once per
(groupKey, fingerprint, startsAt): ``store.claim_once`` remembers it, also across replicas. The claim is
taken only when an alert is about to act, so an alert that changed nothing (module not in ``orm``,
auto_rollback off) is evaluated again on its next delivery.

A guard trip never runs the rollback on the request that tripped it: it is scheduled as a task, at most
one per module in flight; a failed one lets the guard trip again on a later pair.

The package: ``payload`` (the webhook body), ``decision`` (what to do with one alert, pure),
``figures`` (the decision record's figures and sample links), ``coordinator`` (acting on both triggers).
"""

from app.rollback.coordinator import RollbackCoordinator, build_rollbacks, delivery_key
from app.rollback.decision import Plan, Verdict, module_of, plan
from app.rollback.figures import alert_figures, mismatches_path, parse_number, parse_window, sample_links
from app.rollback.payload import AlertmanagerAlert, AlertmanagerPayload

__all__ = [
    "AlertmanagerAlert",
    "AlertmanagerPayload",
    "Plan",
    "RollbackCoordinator",
    "Verdict",
    "alert_figures",
    "build_rollbacks",
    "delivery_key",
    "mismatches_path",
    "module_of",
    "parse_number",
    "parse_window",
    "plan",
    "sample_links",
]
