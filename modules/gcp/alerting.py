"""`PipelineAlerting`: a Cloud Monitoring alert policy that fires when a scheduled run fails or
the scheduler could not start one, the Google Cloud twin of the AWS delivery alarms."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import monitoring

from modules.gcp.model import GcpTrigger

TYPE_TOKEN = "mlsched:gcp:PipelineAlerting"
# Log-match conditions require a notification rate limit; one notification per 5 minutes keeps
# a burst of failures to one page.
NOTIFICATION_PERIOD = "300s"
AUTO_CLOSE = "1800s"


@dataclass(frozen=True)
class PipelineAlertingArgs:
    project: str
    """Project ID the alert policy lives in (and whose logs and metrics it watches)."""
    region: str
    """Region of the runs; the conditions only match runs there."""
    trigger: GcpTrigger
    """Decides the conditions: PipelineJob failures, Dataflow job failures, scheduler attempts."""
    label: str
    """Pipeline name: display name of the policy and (Data Pipelines) job-name prefix."""
    scheduler_job: pulumi.Input[str] | None = None
    """cloud-scheduler: the job name whose failed attempts also alert."""
    dataflow_job_name: str | None = None
    """data-pipelines: base name of the launched Dataflow jobs."""
    notification_channels: tuple[str, ...] = ()
    """Notification channel resource names; none only opens incidents in the console."""


def failed_pipeline_job_filter(region: str) -> str:
    # Vertex AI writes a log entry on every PipelineJob state change, on the
    # aiplatform.googleapis.com/PipelineJob monitored resource.
    return (
        'resource.type="aiplatform.googleapis.com/PipelineJob" '
        f'AND resource.labels.location="{region}" '
        'AND jsonPayload.state="PIPELINE_STATE_FAILED"'
    )


def failed_scheduler_attempt_filter(job: str) -> str:
    # Cloud Scheduler logs each finished attempt; failed ones carry severity ERROR
    # (https://cloud.google.com/scheduler/docs/view-logs).
    return (
        f'resource.type="cloud_scheduler_job" AND resource.labels.job_id="{job}" '
        "AND severity>=ERROR"
    )


def failed_dataflow_job_filter(job_name: str, region: str) -> str:
    # dataflow.googleapis.com/job/is_failed is 1 for a failed job; Data Pipelines suffixes each
    # launched job's name, so match the prefix.
    return (
        'metric.type="dataflow.googleapis.com/job/is_failed" AND resource.type="dataflow_job" '
        f'AND resource.labels.region="{region}" '
        f'AND resource.labels.job_name=starts_with("{job_name}")'
    )


class PipelineAlerting(pulumi.ComponentResource):
    """Children: one `gcp:monitoring/alertPolicy:AlertPolicy` per failure the trigger can have,
    because a log-based policy may hold only one condition
    (https://cloud.google.com/logging/docs/alerting/log-based-alerts): `<name>-run-failed`
    (Vertex AI PipelineJob failed; vertex-schedule, cloud-scheduler), `<name>-attempt-failed`
    (Cloud Scheduler attempt failed; cloud-scheduler), `<name>-job-failed` (Dataflow job failed;
    data-pipelines). Each notifies the configured channels."""

    policy_names: pulumi.Output[list[str]]

    def __init__(
        self, name: str, args: PipelineAlertingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if args.trigger == "cloud-scheduler" and args.scheduler_job is None:
            raise ValueError(f"{name}: scheduler_job is required for a cloud-scheduler trigger")
        if args.trigger == "data-pipelines" and args.dataflow_job_name is None:
            raise ValueError(f"{name}: dataflow_job_name is required for data-pipelines")
        policies: list[monitoring.AlertPolicy] = []

        def policy(role: str, what: str, condition: monitoring.AlertPolicyConditionArgs) -> None:
            from_logs = condition.condition_matched_log is not None
            policies.append(
                monitoring.AlertPolicy(
                    f"{name}-{role}",
                    project=args.project,
                    display_name=f"mlsched {args.label}: {what}",
                    combiner="OR",
                    conditions=[condition],
                    notification_channels=list(args.notification_channels),
                    alert_strategy=monitoring.AlertPolicyAlertStrategyArgs(
                        auto_close=AUTO_CLOSE,
                        # Required for log-match conditions, not allowed for metric ones.
                        notification_rate_limit=monitoring.AlertPolicyAlertStrategyNotificationRateLimitArgs(
                            period=NOTIFICATION_PERIOD
                        )
                        if from_logs
                        else None,
                    ),
                    documentation=monitoring.AlertPolicyDocumentationArgs(
                        content=(
                            f"Pipeline {args.label} ({args.trigger}): {what}. Open it in the "
                            "console, fix the cause, and start the run again by hand if the "
                            "missed run matters."
                        ),
                        mime_type="text/markdown",
                    ),
                    opts=pulumi.ResourceOptions(parent=self),
                )
            )

        if args.trigger in ("vertex-schedule", "cloud-scheduler"):
            policy(
                "run-failed",
                "a scheduled Vertex AI pipeline run failed",
                monitoring.AlertPolicyConditionArgs(
                    display_name="Vertex AI pipeline run failed",
                    condition_matched_log=monitoring.AlertPolicyConditionConditionMatchedLogArgs(
                        filter=failed_pipeline_job_filter(args.region)
                    ),
                ),
            )
        if args.trigger == "cloud-scheduler":
            policy(
                "attempt-failed",
                "Cloud Scheduler could not create the run",
                monitoring.AlertPolicyConditionArgs(
                    display_name="Cloud Scheduler attempt failed",
                    condition_matched_log=monitoring.AlertPolicyConditionConditionMatchedLogArgs(
                        filter=pulumi.Output.from_input(args.scheduler_job).apply(
                            failed_scheduler_attempt_filter
                        )
                    ),
                ),
            )
        if args.trigger == "data-pipelines":
            policy(
                "job-failed",
                "a scheduled Dataflow job failed",
                monitoring.AlertPolicyConditionArgs(
                    display_name="Dataflow job failed",
                    condition_threshold=monitoring.AlertPolicyConditionConditionThresholdArgs(
                        filter=failed_dataflow_job_filter(str(args.dataflow_job_name), args.region),
                        comparison="COMPARISON_GT",
                        threshold_value=0,
                        duration="0s",
                        aggregations=[
                            monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                                alignment_period="300s", per_series_aligner="ALIGN_MAX"
                            )
                        ],
                    ),
                ),
            )

        self.policy_names = pulumi.Output.all(*[p.name for p in policies])
        self.register_outputs({"policy_names": self.policy_names})
