"""modules.gcp.data_pipeline.DataflowDataPipeline under mocks: batch Data Pipelines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from modules.gcp.data_pipeline import DataflowDataPipeline, DataflowDataPipelineArgs

WORKER = "features-run@ml-platform-dev.iam.gserviceaccount.com"
SCHEDULER = "features-sched@ml-platform-dev.iam.gserviceaccount.com"


def build(flex, **kwargs: Any) -> Callable[[], None]:
    def program() -> None:
        args = DataflowDataPipelineArgs(
            project="ml-platform-dev",
            region="europe-west1",
            cron="30 2 * * *",
            template=flex,
            worker_service_account=WORKER,
            scheduler_service_account=SCHEDULER,
            **kwargs,
        )
        DataflowDataPipeline("features-dataflow", args)

    return program


def test_the_pipeline_is_an_active_batch_pipeline(run, gcp) -> None:
    pipeline = run(build(gcp.FLEX)).named("features-dataflow-pipeline")
    assert pipeline.type == "gcp:dataflow/pipeline:Pipeline", pipeline.urn
    assert pipeline.inputs["type"] == "PIPELINE_TYPE_BATCH", pipeline.urn
    assert pipeline.inputs["state"] == "STATE_ACTIVE", pipeline.urn


def test_the_scheduler_account_is_always_set_never_the_default_compute_account(run, gcp) -> None:
    pipeline = run(build(gcp.FLEX)).named("features-dataflow-pipeline")
    assert pipeline.inputs["schedulerServiceAccountEmail"] == SCHEDULER, pipeline.urn


def test_schedule_info_carries_the_cron_and_time_zone(run, gcp) -> None:
    pipeline = run(build(gcp.FLEX, time_zone="America/New_York")).named(
        "features-dataflow-pipeline"
    )
    assert pipeline.inputs["scheduleInfo"] == {
        "schedule": "30 2 * * *",
        "timeZone": "America/New_York",
    }, pipeline.urn


def test_the_workload_is_a_flex_template_run_by_the_worker_account(run, gcp) -> None:
    program = build(gcp.FLEX, parameters=(("lookback_days", "7"),), labels=(("team", "ml"),))
    pipeline = run(program).named("features-dataflow-pipeline")
    request = pipeline.inputs["workload"]["dataflowFlexTemplateRequest"]
    assert request["projectId"] == "ml-platform-dev", pipeline.urn
    assert request["location"] == "europe-west1", pipeline.urn
    launch = request["launchParameter"]
    assert launch["jobName"] == "feature-refresh"
    assert launch["containerSpecGcsPath"] == "gs://ml-dev-templates/features/spec.json"
    assert launch["parameters"] == {"lookback_days": "7"}
    assert launch["environment"] == {
        "serviceAccountEmail": WORKER,
        "tempLocation": "gs://ml-dev-artifacts/features/tmp",
        "maxWorkers": 4,
        "additionalUserLabels": {"team": "ml"},
    }


def test_the_pipeline_id_defaults_to_the_component_name(run, gcp) -> None:
    default = run(build(gcp.FLEX)).named("features-dataflow-pipeline")
    named = run(build(gcp.FLEX, pipeline_id="feature-refresh")).named("features-dataflow-pipeline")
    assert default.inputs["name"] == "features-dataflow", default.urn
    assert named.inputs["name"] == named.inputs["displayName"] == "feature-refresh", named.urn


def test_outputs_are_the_pipeline_name(run, gcp) -> None:
    result = run(build(gcp.FLEX))
    component = result.named("features-dataflow")
    assert component.outputs == {"pipeline_name": "features-dataflow"}, component.urn
