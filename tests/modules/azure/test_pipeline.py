"""modules.azure.pipeline.AdfPipeline under Pulumi mocks: activities, identity, parameters."""

from __future__ import annotations

from typing import Any

import pytest

from modules.azure.config import PipelineParameter
from modules.azure.pipeline import AdfPipeline, AdfPipelineArgs
from tests.modules.azure.conftest import ENDPOINT

PARAMETERS = (PipelineParameter("region", "String", "eu"), PipelineParameter("epochs", "Int", 3))


def build(**kwargs: Any):
    values: dict[str, Any] = {
        "factory_name": "adf",
        "resource_group_name": "rg",
        "pipeline_name": "churn-scoring",
        "parameters": PARAMETERS,
        "endpoint_uri": ENDPOINT,
    }
    values.update(kwargs)

    def program() -> None:
        AdfPipeline("churn-adf", AdfPipelineArgs(**values))

    return program


def activities(run, **kwargs: Any) -> dict[str, dict]:
    pipeline = run(build(**kwargs)).named("churn-adf-pipeline")
    return {a["name"]: a for a in pipeline.inputs["activities"]}


def test_default_invokes_the_batch_endpoint_as_the_factory_identity(run) -> None:
    submit = activities(run)["invoke-batch-endpoint"]
    assert submit["type"] == "WebActivity"
    assert (submit["method"], submit["url"]) == ("POST", ENDPOINT)
    assert submit["authentication"] == {"type": "MSI", "resource": "https://ml.azure.com"}


def test_every_declared_parameter_becomes_a_literal_job_input(run) -> None:
    body = activities(run)["invoke-batch-endpoint"]["body"]
    assert body == {
        "properties": {
            "InputData": {
                "region": {
                    "JobInputType": "Literal",
                    "Value": "@string(pipeline().parameters.region)",
                },
                "epochs": {
                    "JobInputType": "Literal",
                    "Value": "@string(pipeline().parameters.epochs)",
                },
            }
        }
    }


def test_scheduled_time_reaches_the_job_only_when_an_input_is_named(run) -> None:
    plain = activities(run)["invoke-batch-endpoint"]["body"]["properties"]["InputData"]
    named = activities(run, scheduled_time_input="as_of")["invoke-batch-endpoint"]["body"]
    assert "as_of" not in plain
    assert named["properties"]["InputData"]["as_of"] == {
        "JobInputType": "Literal",
        "Value": "@pipeline().parameters.scheduledTime",
    }


def test_a_deployment_is_chosen_with_the_azureml_model_deployment_header(run) -> None:
    submit = activities(run, deployment="blue")["invoke-batch-endpoint"]
    assert submit["headers"]["azureml-model-deployment"] == "blue"
    assert "azureml-model-deployment" not in activities(run)["invoke-batch-endpoint"]["headers"]


def test_the_run_waits_for_the_job_and_fails_unless_it_completed(run) -> None:
    found = activities(run)
    wait = found["wait-for-job"]
    status = next(a for a in wait["activities"] if a["name"] == "job-status")
    assert wait["type"] == "Until"
    assert wait["timeout"] == "0.02:00:00"
    assert status["authentication"] == {"type": "MSI", "resource": "https://management.azure.com/"}
    assert "activity('invoke-batch-endpoint').output.id" in status["url"]
    check = found["job-completed"]
    assert check["expression"]["value"].endswith("'Completed')")
    assert check["ifFalseActivities"][0]["type"] == "Fail"


def test_submit_only_when_waiting_is_off(run) -> None:
    assert list(activities(run, wait_for_completion=False)) == ["invoke-batch-endpoint"]


def test_submit_has_a_timeout_and_retry_policy(run) -> None:
    policy = activities(run, retry=4, retry_interval_seconds=30)["invoke-batch-endpoint"]["policy"]
    assert policy["timeout"] == "0.00:10:00"
    assert (policy["retry"], policy["retryIntervalInSeconds"]) == (4, 30)


def test_pipeline_declares_typed_parameters_and_the_scheduled_time(run) -> None:
    pipeline = run(build()).named("churn-adf-pipeline")
    assert pipeline.inputs["parameters"] == {
        "region": {"type": "String", "defaultValue": "eu"},
        "epochs": {"type": "Int", "defaultValue": 3},
        "scheduledTime": {"type": "String", "defaultValue": ""},
    }, pipeline.urn


def test_runs_never_overlap_by_default(run) -> None:
    pipeline = run(build()).named("churn-adf-pipeline")
    assert pipeline.inputs["concurrency"] == 1, pipeline.urn
    assert run(build(concurrency=3)).named("churn-adf-pipeline").inputs["concurrency"] == 3


def test_legacy_v1_activity_runs_the_published_pipeline_through_the_linked_service(run) -> None:
    legacy = activities(
        run, activity="ml-pipeline-v1", ml_linked_service="aml", ml_pipeline_id="abc-123"
    )["run-ml-pipeline-v1"]
    assert legacy["type"] == "AzureMLExecutePipeline"
    assert legacy["linkedServiceName"] == {"referenceName": "aml", "type": "LinkedServiceReference"}
    assert legacy["mlPipelineId"] == "abc-123"
    assert legacy["mlPipelineParameters"]["region"] == "@pipeline().parameters.region"


def test_legacy_v1_activity_is_announced_with_the_end_of_support_advisory(run, caplog) -> None:
    with caplog.at_level("WARNING"):
        run(build(activity="ml-pipeline-v1", ml_linked_service="aml", ml_pipeline_id="abc-123"))
    assert any("2026-06-30" in record.getMessage() for record in caplog.records)


def test_batch_endpoint_without_uri_is_rejected(run) -> None:
    with pytest.raises(Exception, match="endpoint_uri is required"):
        run(build(endpoint_uri=None))


def test_the_expected_duration_becomes_an_annotation_the_pack_reads(run) -> None:
    from policies.carriers.azure import _annotation

    pipeline = run(build(expected_duration="90m")).named("churn-adf-pipeline")
    assert pipeline.inputs["annotations"] == ["mlsched", "mlsched:expectedDuration=90m"], (
        pipeline.urn
    )
    assert _annotation(pipeline.inputs) == "90m", pipeline.urn


def test_without_an_expected_duration_only_the_mlsched_annotation_is_written(run) -> None:
    pipeline = run(build()).named("churn-adf-pipeline")
    assert pipeline.inputs["annotations"] == ["mlsched"], pipeline.urn
