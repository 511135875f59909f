"""Google Cloud schedules in a daylight-saving transition: Google documents no behaviour for
wall times that DST skips or repeats (Cloud Scheduler: "might observe execution anomalies";
Vertex AI schedules and Data Pipelines run on the same cron), so such a schedule may run twice or
not at all on those days. The engine computes the worst case and says what it hits; this policy
passes that on with the fix, UTC, which has no transitions.

Schedules are found through the carrier registry (`policies/carriers/gcp.py`), like every
schedule policy; only Google's carriers are judged here because only Google's behaviour is
undefined in this way (EventBridge Scheduler documents its own).
"""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policies import schedule_reading as reading
from policies import schedule_registry as registry
from policies import settings
from policies.values import plain

DST_SCHEMA = {"referenceTime": settings.REFERENCE_TIME_SCHEMA}


def validate_dst(args: ResourceValidationArgs, report: ReportViolation) -> None:
    carrier = registry.carrier_for(args.resource_type)
    if carrier is None or carrier.cloud != "gcp":
        return
    spec = registry.read(args.resource_type, plain(args.props))
    if spec is None:
        return
    try:
        reference = settings.reference_time(settings.merged(args, DST_SCHEMA))
    except settings.PolicyConfigError as error:
        report(f"cannot judge schedules: {error} (policy gcp-schedule-dst-undefined).", None)
        return
    try:
        analysis = reading.analysis(spec, reference)
    except reading.ScheduleProblem:
        return  # schedule-expression-valid reports it
    if analysis.worst is None or not analysis.warnings:
        return
    zone = analysis.schedule.timezone
    worst = analysis.worst
    report(
        f"{spec.expression} ({zone}) on the {carrier.label}: "
        f"{analysis.warnings[0].rstrip('.')}. At worst: {_figures(worst)}; nominally: "
        f"{_figures(analysis)}. Run it in UTC (timezone: UTC, with the hours converted), or "
        f"move it out of the hours DST skips or repeats in {zone}.",
        None,
    )


def _figures(figures) -> str:
    gap = figures.min_interval_minutes
    shown = "no two runs" if gap is None else f"runs {_duration(gap)} apart"
    return f"{shown}, {figures.max_runs_per_24h} in 24 hours"


def _duration(minutes: float) -> str:
    if minutes < 120 or minutes % 1:
        return f"{minutes:g} min"
    hours, rest = divmod(int(minutes), 60)
    return f"{hours} h" + (f" {rest} min" if rest else "")


DST_UNDEFINED = ResourceValidationPolicy(
    name="gcp-schedule-dst-undefined",
    description="Google Cloud schedules avoid wall times that daylight saving skips or repeats, "
    "where Google leaves the behaviour undefined (Cloud Scheduler cron documentation).",
    validate=validate_dst,
    config_schema=settings.schema(DST_SCHEMA),
)

POLICIES = [DST_UNDEFINED]
