"""`AdfPipeline`: an Azure Data Factory pipeline that runs one Azure Machine Learning pipeline.

Default: Azure ML v2, a batch endpoint with a pipeline component deployment, invoked over REST by
a WebActivity authenticated as the factory's managed identity, then polled until the job ends so
that a failed training job fails the ADF run (and the failed-runs alert fires):
https://learn.microsoft.com/azure/machine-learning/how-to-use-batch-azure-data-factory

Legacy: ADF's AzureMLExecutePipeline activity, which works only with Azure ML v1 published
pipelines; Azure ML v1 (SDK v1 and CLI v1) support ended on 2026-06-30.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_azure_native.datafactory as adf

from modules.azure.config import ActivityKind, PipelineParameter

TYPE_TOKEN = "mlsched:azure:Pipeline"

# Token audiences: the batch endpoint's data plane, and ARM for reading the job's status.
ML_AUDIENCE = "https://ml.azure.com"
ARM_AUDIENCE = "https://management.azure.com/"
ARM_ENDPOINT = "https://management.azure.com"
JOBS_API_VERSION = "2024-04-01"
# Azure ML job states that end a job:
# https://learn.microsoft.com/rest/api/azureml/jobs/get#jobstatus
FINAL_STATES = ("Completed", "Failed", "Canceled", "NotResponding", "Paused")
V1_ADVISORY = (
    "uses ADF's AzureMLExecutePipeline activity, which runs only Azure ML v1 published "
    "pipelines; Azure ML v1 support ended on 2026-06-30. Move the pipeline to a v2 pipeline "
    "component behind a batch endpoint (activity: batch-endpoint)."
)


@dataclass(frozen=True)
class AdfPipelineArgs:
    factory_name: pulumi.Input[str]
    resource_group_name: pulumi.Input[str]
    pipeline_name: str
    """Physical pipeline name in the factory."""
    parameters: tuple[PipelineParameter, ...] = ()
    """Declared pipeline parameters; each is also passed to the Azure ML job as a literal input
    of the same name."""
    activity: ActivityKind = "batch-endpoint"
    """`batch-endpoint` (Azure ML v2, default) or `ml-pipeline-v1` (legacy, with an advisory)."""
    endpoint_uri: str | None = None
    """Batch endpoint invocation URI (`https://<endpoint>.<region>.inference.ml.azure.com/jobs`);
    required for `batch-endpoint`."""
    deployment: str | None = None
    """Batch deployment to run; None runs the endpoint's default deployment."""
    wait_for_completion: bool = True
    """Poll the job until it ends and fail the run unless it Completed; False only submits."""
    poll_interval_seconds: int = 120
    """Seconds between job status checks (Microsoft's template default)."""
    timeout: str = "0.02:00:00"
    """How long the run may take (d.hh:mm:ss), submit and wait included."""
    retry: int = 2
    """Retries of a failed submit (the Azure ML job itself is not re-run by ADF)."""
    retry_interval_seconds: int = 60
    """Seconds between submit retries."""
    concurrency: int = 1
    """Runs of this pipeline at once; 1 queues a run until the previous one ends (no overlapping
    training)."""
    scheduled_time_parameter: str = "scheduledTime"
    """Pipeline parameter the trigger fills with `@trigger().scheduledTime`."""
    scheduled_time_input: str | None = None
    """Azure ML job input that receives the scheduled time; None does not pass it."""
    ml_linked_service: str | None = None
    """`ml-pipeline-v1`: name of the factory's AzureMLService linked service."""
    ml_pipeline_id: str | None = None
    """`ml-pipeline-v1`: ID of the published v1 pipeline (or pipeline endpoint)."""
    ml_pipeline_is_endpoint: bool = False
    """`ml-pipeline-v1`: `ml_pipeline_id` names a pipeline endpoint, not a published pipeline."""
    description: str | None = None
    """Pipeline description; None writes one naming the endpoint."""
    expected_duration: str | None = None
    """How long one run usually takes (canonical, e.g. `90m`); written as the annotation
    `mlsched:expectedDuration=<it>`, where the pack's schedule-overlap reads it. None: none."""


def _policy(args: AdfPipelineArgs, timeout: str) -> adf.ActivityPolicyArgs:
    return adf.ActivityPolicyArgs(
        timeout=timeout,
        retry=args.retry,
        retry_interval_in_seconds=args.retry_interval_seconds,
        # The request and response carry no secret, but the token never shows in run history.
        secure_input=False,
        secure_output=False,
    )


def _param(name: str) -> str:
    return f"@pipeline().parameters.{name}"


def job_inputs(args: AdfPipelineArgs) -> dict[str, dict[str, str]]:
    """The batch job's `InputData`: one Literal input per declared parameter (ADF evaluates the
    `@pipeline()` expressions at run time)."""
    inputs = {
        p.name: {"JobInputType": "Literal", "Value": f"@string({_param(p.name)[1:]})"}
        for p in args.parameters
    }
    if args.scheduled_time_input:
        inputs[args.scheduled_time_input] = {
            "JobInputType": "Literal",
            "Value": _param(args.scheduled_time_parameter),
        }
    return inputs


def batch_endpoint_activities(args: AdfPipelineArgs) -> list[Any]:
    if not args.endpoint_uri:
        raise ValueError("endpoint_uri is required for a batch-endpoint pipeline")
    headers = {"Content-Type": "application/json"}
    if args.deployment:
        # Routes the job to this deployment instead of the endpoint's default one.
        headers["azureml-model-deployment"] = args.deployment
    submit = adf.WebActivityArgs(
        name="invoke-batch-endpoint",
        type="WebActivity",
        method="POST",
        url=args.endpoint_uri,
        headers=headers,
        body={"properties": {"InputData": job_inputs(args)}},
        authentication=adf.WebActivityAuthenticationArgs(type="MSI", resource=ML_AUDIENCE),
        policy=_policy(args, "0.00:10:00"),
    )
    if not args.wait_for_completion:
        return [submit]
    status = "@activity('job-status').output.properties.status"
    succeeded = [
        adf.ActivityDependencyArgs(
            activity="invoke-batch-endpoint", dependency_conditions=["Succeeded"]
        )
    ]
    wait = adf.UntilActivityArgs(
        name="wait-for-job",
        type="Until",
        depends_on=succeeded,
        timeout=args.timeout,
        expression=adf.ExpressionArgs(
            type="Expression",
            value="@contains(createArray("
            + ", ".join(f"'{state}'" for state in FINAL_STATES)
            + f"), {status[1:]})",
        ),
        activities=[
            adf.WaitActivityArgs(
                name="poll-interval", type="Wait", wait_time_in_seconds=args.poll_interval_seconds
            ),
            adf.WebActivityArgs(
                name="job-status",
                type="WebActivity",
                method="GET",
                depends_on=[
                    adf.ActivityDependencyArgs(
                        activity="poll-interval", dependency_conditions=["Succeeded"]
                    )
                ],
                # The submit answers with the job's ARM resource ID.
                url=(
                    f"@concat('{ARM_ENDPOINT}', activity('invoke-batch-endpoint').output.id, "
                    f"'?api-version={JOBS_API_VERSION}')"
                ),
                authentication=adf.WebActivityAuthenticationArgs(type="MSI", resource=ARM_AUDIENCE),
                policy=_policy(args, "0.00:05:00"),
            ),
        ],
    )
    check = adf.IfConditionActivityArgs(
        name="job-completed",
        type="IfCondition",
        depends_on=[
            adf.ActivityDependencyArgs(activity="wait-for-job", dependency_conditions=["Succeeded"])
        ],
        expression=adf.ExpressionArgs(
            type="Expression", value=f"@equals({status[1:]}, 'Completed')"
        ),
        if_false_activities=[
            adf.FailActivityArgs(
                name="job-did-not-complete",
                type="Fail",
                error_code="AzureMLJobNotCompleted",
                message=(
                    "@concat('Azure ML job ', activity('invoke-batch-endpoint').output.name, "
                    f"' ended ', {status[1:]})"
                ),
            )
        ],
    )
    return [submit, wait, check]


def ml_pipeline_v1_activities(args: AdfPipelineArgs) -> list[Any]:
    if not (args.ml_linked_service and args.ml_pipeline_id):
        raise ValueError("ml_linked_service and ml_pipeline_id are required for ml-pipeline-v1")
    id_key = "ml_pipeline_endpoint_id" if args.ml_pipeline_is_endpoint else "ml_pipeline_id"
    parameters = {p.name: _param(p.name) for p in args.parameters}
    if args.scheduled_time_input:
        parameters[args.scheduled_time_input] = _param(args.scheduled_time_parameter)
    return [
        adf.AzureMLExecutePipelineActivityArgs(
            name="run-ml-pipeline-v1",
            type="AzureMLExecutePipeline",
            linked_service_name=adf.LinkedServiceReferenceArgs(
                reference_name=args.ml_linked_service, type="LinkedServiceReference"
            ),
            ml_pipeline_parameters=parameters or None,
            policy=_policy(args, args.timeout),
            **{id_key: args.ml_pipeline_id},
        )
    ]


class AdfPipeline(pulumi.ComponentResource):
    """Child `azure-native:datafactory:Pipeline` `<name>-pipeline`."""

    pipeline_name: pulumi.Output[str]
    pipeline_id: pulumi.Output[str]
    parameter_names: tuple[str, ...]

    def __init__(
        self, name: str, args: AdfPipelineArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if args.activity == "ml-pipeline-v1":
            activities = ml_pipeline_v1_activities(args)
            pulumi.log.warn(f"{name}: {V1_ADVISORY}", resource=self)
        else:
            activities = batch_endpoint_activities(args)
        parameters = {
            p.name: adf.ParameterSpecificationArgs(type=p.type, default_value=p.default)
            for p in args.parameters
        }
        # Manual runs (backfills) pass their own time; the default keeps them valid without one.
        parameters[args.scheduled_time_parameter] = adf.ParameterSpecificationArgs(
            type="String", default_value=""
        )
        pipeline = adf.Pipeline(
            f"{name}-pipeline",
            factory_name=args.factory_name,
            resource_group_name=args.resource_group_name,
            pipeline_name=args.pipeline_name,
            activities=activities,
            parameters=parameters,
            concurrency=args.concurrency,
            description=args.description
            or f"Runs Azure ML ({args.endpoint_uri or args.ml_pipeline_id}) on schedule",
            # ADF pipelines have no tags; annotations are their free-text labels.
            annotations=["mlsched"]
            + (
                [f"mlsched:expectedDuration={args.expected_duration}"]
                if args.expected_duration
                else []
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.pipeline_name = pipeline.name
        self.pipeline_id = pipeline.id
        self.parameter_names = (*(p.name for p in args.parameters), args.scheduled_time_parameter)
        self.register_outputs(
            {"pipeline_name": self.pipeline_name, "pipeline_id": self.pipeline_id}
        )
