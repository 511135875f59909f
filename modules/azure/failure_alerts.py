"""`FailureAlerts`: Azure Monitor metric alerts on failed runs of one pipeline and its trigger,
the Azure twin of the AWS delivery alarms.

ADF has no dead-letter queue: a trigger run that cannot start the pipeline, or a pipeline run
that fails, is recorded in the factory's run history (45 days) and counted in the
`TriggerFailedRuns` / `PipelineFailedRuns` platform metrics. These alerts turn those counts into
notifications; the run history (and a manual rerun with the same `scheduledTime`) is where a
missed run is inspected and replayed.
https://learn.microsoft.com/azure/data-factory/monitor-metrics-alerts
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor

TYPE_TOKEN = "mlsched:azure:FailureAlerts"
# The smallest window and frequency metric alerts accept together; fire on the first failure.
WINDOW = "PT5M"


@dataclass(frozen=True)
class FailureAlertsArgs:
    factory_id: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    pipeline_name: pulumi.Input[str]
    trigger_name: pulumi.Input[str]
    action_group_ids: tuple[str, ...] = ()
    """Action group resource IDs notified; none only records the alert in Azure Monitor."""
    severity: int = 1
    """Azure Monitor severity, 0 (critical) to 4 (verbose)."""
    label: str = ""
    """Human name used in descriptions; defaults to the component name."""
    tags: tuple[tuple[str, str], ...] = ()


class FailureAlerts(pulumi.ComponentResource):
    """Children `azure-native:monitor:MetricAlert` `<name>-pipeline-failed` (PipelineFailedRuns
    of this pipeline) and `<name>-trigger-failed` (TriggerFailedRuns of this trigger)."""

    alert_ids: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: FailureAlertsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        label = args.label or name
        actions = [monitor.MetricAlertActionArgs(action_group_id=i) for i in args.action_group_ids]
        alerts = [
            self._alert(
                name,
                "pipeline-failed",
                metric="PipelineFailedRuns",
                dimension_value=args.pipeline_name,
                args=args,
                actions=actions,
                description=f"{label}: a run of the scheduled Azure ML pipeline failed",
            ),
            self._alert(
                name,
                "trigger-failed",
                metric="TriggerFailedRuns",
                dimension_value=args.trigger_name,
                args=args,
                actions=actions,
                description=f"{label}: the schedule trigger failed to start the pipeline",
            ),
        ]
        self.alert_ids = pulumi.Output.all(*[alert.id for alert in alerts])
        self.register_outputs({"alert_ids": self.alert_ids})

    def _alert(
        self,
        name: str,
        role: str,
        *,
        metric: str,
        dimension_value: pulumi.Input[str],
        args: FailureAlertsArgs,
        actions: list[monitor.MetricAlertActionArgs],
        description: str,
    ) -> monitor.MetricAlert:
        return monitor.MetricAlert(
            f"{name}-{role}",
            resource_group_name=args.resource_group_name,
            location="global",
            description=description,
            enabled=True,
            severity=args.severity,
            scopes=[args.factory_id],
            evaluation_frequency=WINDOW,
            window_size=WINDOW,
            # Resolve by itself once a window has no failure, so the next failure notifies again.
            auto_mitigate=True,
            criteria=monitor.MetricAlertSingleResourceMultipleMetricCriteriaArgs(
                odata_type="Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
                all_of=[
                    monitor.MetricCriteriaArgs(
                        criterion_type="StaticThresholdCriterion",
                        name=metric,
                        metric_name=metric,
                        metric_namespace="Microsoft.DataFactory/factories",
                        operator="GreaterThan",
                        threshold=0,
                        time_aggregation="Total",
                        dimensions=[
                            monitor.MetricDimensionArgs(
                                name="Name", operator="Include", values=[dimension_value]
                            )
                        ],
                    )
                ],
            ),
            actions=actions or None,
            tags=dict(args.tags) or None,
            opts=pulumi.ResourceOptions(parent=self),
        )
