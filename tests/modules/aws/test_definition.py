"""SageMaker definitions checked offline the way SageMaker checks them at run time."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from modules.aws.definition import (
    STEP_APIS,
    DefinitionReadError,
    check_definition,
    read_definition,
    repository_root,
)

REPO = Path(__file__).resolve().parents[3]

PROCESSING = {
    "Name": "Prepare",
    "Type": "Processing",
    "Arguments": {
        "RoleArn": "${ExecutionRoleArn}",
        "ProcessingResources": {
            "ClusterConfig": {
                "InstanceType": {"Get": "Parameters.InstanceType"},
                "InstanceCount": {"Get": "Parameters.Count"},
                "VolumeSizeInGB": 30,
            }
        },
        "AppSpecification": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/x"},
        "ProcessingOutputConfig": {
            "Outputs": [
                {
                    "OutputName": "train",
                    "S3Output": {
                        "S3Uri": {"Get": "Parameters.Output"},
                        "LocalPath": "/opt/ml/processing/train",
                        "S3UploadMode": "EndOfJob",
                    },
                }
            ]
        },
    },
    "PropertyFiles": [
        {"PropertyFileName": "Report", "OutputName": "train", "FilePath": "report.json"}
    ],
}
TRAINING = {
    "Name": "Train",
    "Type": "Training",
    "DependsOn": ["Prepare"],
    "Arguments": {
        "RoleArn": "${ExecutionRoleArn}",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "OutputDataConfig": {"S3OutputPath": {"Get": "Parameters.Output"}},
        "ResourceConfig": {
            "InstanceCount": 1,
            "InstanceType": "ml.m5.xlarge",
            "VolumeSizeInGB": 30,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "S3Prefix",
                        "S3Uri": {
                            "Get": "Steps.Prepare.ProcessingOutputConfig.Outputs['train']"
                            ".S3Output.S3Uri"
                        },
                    }
                },
            }
        ],
        "HyperParameters": {
            "depth": {"Std:Join": {"On": "", "Values": [{"Get": "Parameters.Count"}]}},
            "threshold": {
                "Std:JsonGet": {
                    "PropertyFile": {"Get": "Steps.Prepare.PropertyFiles.Report"},
                    "Path": "metrics.threshold",
                }
            },
        },
    },
}
GOOD: dict[str, Any] = {
    "Version": "2020-12-01",
    "Parameters": [
        {"Name": "InstanceType", "Type": "String", "DefaultValue": "ml.m5.large"},
        {"Name": "Count", "Type": "Integer", "DefaultValue": 1},
        {"Name": "Output", "Type": "String", "DefaultValue": "s3://bucket/out"},
    ],
    "Steps": [PROCESSING, TRAINING],
}


def problems(document: Any) -> list[str]:
    body = document if isinstance(document, str) else json.dumps(document)
    return [str(p) for p in check_definition(body).problems]


def changed(edit) -> dict[str, Any]:
    document = copy.deepcopy(GOOD)
    edit(document)
    return document


def one(document: Any) -> str:
    found = problems(document)
    assert len(found) == 1, found
    return found[0]


def test_a_good_definition_passes_and_records_where_parameters_land() -> None:
    report = check_definition(json.dumps(GOOD))
    assert report.problems == ()
    assert report.checked_steps == ("Prepare", "Train")
    fields = [use.field for use in report.parameter_uses["InstanceType"]]
    assert fields == [
        "SageMaker CreateProcessingJob.ProcessingResources.ClusterConfig.InstanceType"
    ]


@pytest.mark.parametrize("name", ["churn-training.json", "feature-refresh.json"])
def test_the_shipped_definitions_pass(name: str) -> None:
    report = check_definition((REPO / "pipelines" / name).read_text(encoding="utf-8"))
    assert report.problems == (), name
    assert report.unchecked_steps == (), name


def test_duplicate_json_keys_are_refused_with_their_path() -> None:
    body = json.dumps(GOOD).replace(
        '"VolumeSizeInGB": 30', '"VolumeSizeInGB": 30, "VolumeSizeInGB": 31', 1
    )
    assert (
        "Steps[0].Arguments.ProcessingResources.ClusterConfig: key 'VolumeSizeInGB' appears twice"
        in one(body)
    )


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    body = json.dumps(GOOD).replace('"VolumeSizeInGB": 30', f'"VolumeSizeInGB": {constant}', 1)
    assert f"{constant} is not JSON" in one(body)


def test_duplicate_parameter_names_are_refused() -> None:
    document = changed(lambda d: d["Parameters"].append({"Name": "Count", "Type": "Integer"}))
    assert "Parameters[3].Name: parameter 'Count' is declared twice" in one(document)


def test_duplicate_step_names_are_refused_also_across_condition_branches() -> None:
    condition = {
        "Name": "Check",
        "Type": "Condition",
        "Arguments": {"Conditions": [], "IfSteps": [dict(TRAINING, DependsOn=[])], "ElseSteps": []},
    }
    document = changed(lambda d: d["Steps"].append(condition))
    assert "step 'Train', Steps[2].Arguments.IfSteps[0].Name: another step has this name" in one(
        document
    )


def test_an_undeclared_parameter_is_refused_with_a_suggestion() -> None:
    def edit(d):
        d["Steps"][0]["Arguments"]["ProcessingResources"]["ClusterConfig"]["InstanceType"] = {
            "Get": "Parameters.InstanceTyp"
        }

    problem = one(changed(edit))
    assert "step 'Prepare'" in problem
    assert (
        "'Parameters.InstanceTyp' names no declared parameter (did you mean 'InstanceType'?)"
        in problem
    )


def test_a_reference_to_a_missing_step_is_refused() -> None:
    document = changed(lambda d: d["Steps"][1].update(DependsOn=["Prepar"]))
    assert "DependsOn: names step 'Prepar', which does not exist (did you mean 'Prepare'?)" in one(
        document
    )


def test_a_property_the_step_does_not_have_is_refused() -> None:
    def edit(d):
        source = d["Steps"][1]["Arguments"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]
        source["S3Uri"] = {
            "Get": "Steps.Prepare.ProcessingOutputConfig.Output['train'].S3Output.S3Uri"
        }

    problem = one(changed(edit))
    assert "has no property" in problem
    assert "no member 'Output' (did you mean 'Outputs'?)" in problem
    assert "DescribeProcessingJob response" in problem


def test_an_undeclared_property_file_is_refused() -> None:
    def edit(d):
        hyper = d["Steps"][1]["Arguments"]["HyperParameters"]["threshold"]["Std:JsonGet"]
        hyper["PropertyFile"] = {"Get": "Steps.Prepare.PropertyFiles.Evaluation"}

    assert "declares no property file 'Evaluation'" in one(changed(edit))


def test_a_dependency_cycle_is_refused() -> None:
    document = changed(lambda d: d["Steps"][0].update(DependsOn=["Train"]))
    assert "cycle: Prepare -> Train -> Prepare" in one(document)


def test_unknown_argument_members_are_refused_with_the_api_they_belong_to() -> None:
    document = changed(lambda d: d["Steps"][0]["Arguments"].update(AppSpecifications={}))
    problem = one(document)
    assert (
        "Steps[0].Arguments.AppSpecifications: SageMaker CreateProcessingJob has no member"
        in problem
    )
    assert "did you mean 'AppSpecification'?" in problem


def test_missing_required_members_are_refused_except_the_job_name() -> None:
    document = changed(lambda d: d["Steps"][0]["Arguments"].pop("AppSpecification"))
    assert "SageMaker CreateProcessingJob requires 'AppSpecification'" in one(document)


def test_wrong_types_and_enumerations_are_refused() -> None:
    def edit(d):
        d["Steps"][1]["Arguments"]["ResourceConfig"]["InstanceType"] = "ml.m5.huge"
        d["Steps"][1]["Arguments"]["ResourceConfig"]["VolumeSizeInGB"] = "30"

    found = problems(changed(edit))
    assert any(
        "'ml.m5.huge' is not one of" in p and "ResourceConfig.InstanceType" in p for p in found
    )
    assert any("VolumeSizeInGB" in p and "must be a whole number" in p for p in found)


def test_an_integer_parameter_in_a_string_field_must_go_through_std_join() -> None:
    def edit(d):
        d["Steps"][1]["Arguments"]["HyperParameters"]["depth"] = {"Get": "Parameters.Count"}

    problem = one(changed(edit))
    assert (
        "yields an integer but SageMaker CreateTrainingJob.HyperParameters{} expects a string"
        in problem
    )
    assert "Std:Join" in problem


def test_a_string_parameter_in_an_integer_field_is_refused() -> None:
    def edit(d):
        cluster = d["Steps"][0]["Arguments"]["ProcessingResources"]["ClusterConfig"]
        cluster["InstanceCount"] = {"Get": "Parameters.InstanceType"}

    assert "yields a string but SageMaker CreateProcessingJob" in one(changed(edit))


def test_a_parameter_default_of_the_wrong_type_is_refused() -> None:
    document = changed(lambda d: d["Parameters"][1].update(DefaultValue="one"))
    assert "Parameters[1].DefaultValue: 'one' is not an Integer" in one(document)


def test_an_unknown_execution_variable_is_refused() -> None:
    def edit(d):
        d["Steps"][1]["Arguments"]["OutputDataConfig"]["S3OutputPath"] = {
            "Std:Join": {"On": "/", "Values": [{"Get": "Execution.ExecutionId"}]}
        }

    assert "'Execution.ExecutionId' is not an execution variable" in one(changed(edit))


def test_step_types_without_an_api_shape_are_listed_as_unchecked() -> None:
    fail = {"Name": "Stop", "Type": "Fail", "Arguments": {"ErrorMessage": "x"}}
    report = check_definition(json.dumps(changed(lambda d: d["Steps"].append(fail))))
    assert report.problems == ()
    assert report.unchecked_steps == ("Stop",)
    assert set(STEP_APIS) == {
        "Processing",
        "Training",
        "Transform",
        "Model",
        "RegisterModel",
        "Tuning",
    }


def test_a_body_that_outgrows_the_limit_after_substitution_is_refused() -> None:
    padding = "${ExecutionRoleArn}" * 2000  # 38 kB as written, over 1 MB substituted
    document = changed(lambda d: d["Steps"][0].update(Description=padding * 1))
    document["Metadata"] = {"pad": "x" * (1_048_576 - len(json.dumps(document)) - 20)}
    problem = one(document)
    assert "once ${...} placeholders are substituted" in problem
    assert "SageMaker CreatePipeline PipelineDefinition accepts at most 1048576" in problem


def stack(tmp_path: Path) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    folder = tmp_path / "stacks" / "dev"
    folder.mkdir(parents=True)
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "p.json").write_text(json.dumps(GOOD))
    return folder


def test_a_repository_file_is_read(tmp_path: Path) -> None:
    folder = stack(tmp_path)
    assert repository_root(folder) == tmp_path
    assert json.loads(read_definition("../../pipelines/p.json", folder)) == GOOD


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/etc/passwd", "is an absolute path"),
        ("../../../outside.json", "points outside the repository"),
        ("missing.json", "not found"),
    ],
)
def test_paths_outside_the_repository_are_refused(
    tmp_path: Path, source: str, message: str
) -> None:
    folder = stack(tmp_path)
    (tmp_path.parent / "outside.json").write_text("{}")
    with pytest.raises(DefinitionReadError, match=message):
        read_definition(source, folder)


def test_a_symlink_leading_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    folder = stack(tmp_path / "repo")
    (tmp_path / "secret.json").write_text("{}")
    os.symlink(tmp_path / "secret.json", folder / "link.json")
    with pytest.raises(DefinitionReadError, match=r"is a symlink to .*outside the repository"):
        read_definition("link.json", folder)


def test_a_symlink_loop_is_a_clear_error(tmp_path: Path) -> None:
    folder = stack(tmp_path)
    os.symlink(folder / "b.json", folder / "a.json")
    os.symlink(folder / "a.json", folder / "b.json")
    with pytest.raises(DefinitionReadError, match=r"a\.json cannot be resolved .*fix the symlink"):
        read_definition("a.json", folder)


def test_invalid_utf8_is_a_clear_error(tmp_path: Path) -> None:
    folder = stack(tmp_path)
    (folder / "latin1.json").write_bytes(b'{"Version": "2020-12-01",\n "x": "caf\xe9"}')
    with pytest.raises(DefinitionReadError, match=r"is not UTF-8 \(byte 0xe9 on line 2\)"):
        read_definition("latin1.json", folder)
