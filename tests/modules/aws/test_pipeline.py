"""modules.aws.pipeline.SageMakerPipeline under Pulumi mocks."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from modules.aws.config import S3Location
from modules.aws.pipeline import SageMakerPipeline, SageMakerPipelineArgs
from tools.mockrun import StackRun

BODY = json.dumps(
    {
        "Version": "2020-12-01",
        "Parameters": [],
        "Steps": [
            {
                "RoleArn": "${ExecutionRoleArn}",
                "Image": "${AccountId}.dkr.ecr.${Region}.amazonaws.com/x",
                "Part": "${Partition}",
            }
        ],
    }
)
ROLE = "arn:aws:iam::123456789012:role/exec"


def build(**overrides) -> Callable[[], None]:
    def program() -> None:
        args = {"pipeline_name": "Churn-Training", "role_arn": ROLE, "definition_body": BODY}
        args.update(overrides)
        component = SageMakerPipeline("churn", SageMakerPipelineArgs(**args))
        import pulumi

        pulumi.export("arn", component.arn)
        pulumi.export("name", component.pipeline_name)

    return program


def test_arn_is_built_from_invokes_with_the_name_lowercased(run: Callable[..., StackRun]) -> None:
    result = run(build())
    assert result.outputs["arn"] == (
        "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn-training"
    )
    assert result.outputs["name"] == "Churn-Training"


def test_arn_uses_the_partition_of_the_region(run: Callable[..., StackRun]) -> None:
    result = run(build(), region="cn-north-1")
    assert result.outputs["arn"] == (
        "arn:aws-cn:sagemaker:cn-north-1:123456789012:pipeline/churn-training"
    )


def test_component_and_child_follow_the_naming_contract(run: Callable[..., StackRun]) -> None:
    result = run(build())
    component = result.named("churn")
    child = result.named("churn-pipeline")
    assert component.type == "mlsched:sagemaker:Pipeline", component.urn
    assert child.type == "aws-native:sagemaker:Pipeline", child.urn
    assert child.parent == component.urn, child.urn
    assert component.outputs["arn"] == result.outputs["arn"], component.urn


def test_inline_body_gets_placeholders_filled(run: Callable[..., StackRun]) -> None:
    child = run(build()).named("churn-pipeline")
    body = json.loads(child.inputs["pipelineDefinition"]["pipelineDefinitionBody"])
    assert body["Steps"][0] == {
        "RoleArn": ROLE,
        "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x",
        "Part": "aws",
    }, child.urn
    assert child.inputs["roleArn"] == ROLE, child.urn
    assert child.inputs["pipelineName"] == "Churn-Training", child.urn


def test_body_without_placeholders_is_sent_verbatim(run: Callable[..., StackRun]) -> None:
    plain = (
        '{"Version": "2020-12-01", "Parameters": [], '
        '"Steps": [{"Name": "A", "Type": "Fail", "Arguments": {}}]}'
    )
    child = run(build(definition_body=plain)).named("churn-pipeline")
    assert child.inputs["pipelineDefinition"] == {"pipelineDefinitionBody": plain}, child.urn


def test_s3_definition_is_passed_as_a_location(run: Callable[..., StackRun]) -> None:
    program = build(definition_body=None, definition_s3=S3Location("bucket", "p/def.json"))
    child = run(program).named("churn-pipeline")
    assert child.inputs["pipelineDefinition"] == {
        "pipelineDefinitionS3Location": {"bucket": "bucket", "key": "p/def.json"}
    }, child.urn


def test_parallelism_description_and_tags_are_set(run: Callable[..., StackRun]) -> None:
    program = build(
        parallelism=4,
        description="Daily churn",
        display_name="Churn",
        tags=(("env", "prod"), ("team", "ml")),
    )
    child = run(program).named("churn-pipeline")
    assert child.inputs["parallelismConfiguration"] == {"maxParallelExecutionSteps": 4}
    assert child.inputs["pipelineDescription"] == "Daily churn"
    assert child.inputs["pipelineDisplayName"] == "Churn"
    assert child.inputs["tags"] == [
        {"key": "env", "value": "prod"},
        {"key": "team", "value": "ml"},
    ], child.urn


def test_optional_settings_are_left_to_sagemaker_by_default(run: Callable[..., StackRun]) -> None:
    child = run(build()).named("churn-pipeline")
    for key in ("parallelismConfiguration", "pipelineDescription", "tags"):
        assert key not in child.inputs, f"{child.urn}: {key}"


@pytest.mark.parametrize(
    "overrides",
    [
        {"definition_body": None},
        {"definition_s3": S3Location("b", "k")},
    ],
)
def test_exactly_one_definition_source_is_required(
    run: Callable[..., StackRun], overrides: dict
) -> None:
    with pytest.raises(ValueError, match="exactly one of definition_body and definition_s3"):
        run(build(**overrides))
