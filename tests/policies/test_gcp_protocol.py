"""The real pack over the analyzer gRPC protocol with Google Cloud resources: the components'
output passes every environment's config, crafted bad grants and targets are refused in prod."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from tools.policy_client import UNKNOWN, PolicyClient, Resource

GCP_POLICIES = {
    "gcp-iam-no-basic-roles",
    "gcp-iam-service-account-no-admin-roles",
    "gcp-iam-no-project-level-service-account-user",
    "gcp-iam-no-project-level-impersonation",
    "gcp-iam-no-default-service-account-grants",
    "gcp-iam-no-public-members",
    "gcp-iam-no-service-account-keys",
    "gcp-workload-not-default-service-account",
    "gcp-scheduler-http-target-token",
    "gcp-schedule-dst-undefined",
}
# Crafted bad resources below trigger these (the DST advice is advisory by design).
MANDATORY_GCP = GCP_POLICIES - {"gcp-schedule-dst-undefined"}
COMPUTE_DEFAULT = "123456789012-compute@developer.gserviceaccount.com"


def _show(violations) -> str:
    return "\n".join(f"[{v.enforcement}] {v.policy} {v.urn}: {v.message}" for v in violations)


def _resource(type_: str, name: str, inputs: dict[str, Any]) -> Resource:
    return Resource(
        urn=f"urn:pulumi:prod::mlsched::{type_}::{name}", type=type_, name=name, inputs=inputs
    )


@pytest.fixture(scope="module")
def gcp_runs() -> dict[str, Any]:
    """Each trigger's composite under mocks (tools.mockrun), as a preview would send it."""
    import pulumi

    from modules.gcp.model import BucketGrant, FlexTemplate, GcpPipelineConfig, VertexTemplate
    from modules.gcp.scheduled_pipeline import ScheduledGcpPipeline, ScheduledGcpPipelineArgs
    from modules.schedule import parse_schedule
    from tools.mockrun import run_program

    spec = json.dumps({"root": {"dag": {"tasks": {}}}, "schemaVersion": "2.1.0"})
    runs = {}
    for trigger in ("vertex-schedule", "data-pipelines", "cloud-scheduler"):
        data = trigger == "data-pipelines"
        config = GcpPipelineConfig(
            name="nightly",
            cloud="gcp",
            schedule=parse_schedule("30 4 * * *", "Europe/Berlin", dialect="unix-cron"),
            project="ml-platform-prod",
            region="europe-west1",
            trigger=trigger,
            vertex=None if data else VertexTemplate("gs://ml-prod/root", spec_json=spec),
            flex=FlexTemplate("gs://ml-prod/spec.json", "gs://ml-prod/tmp", "nightly")
            if data
            else None,
            buckets=(BucketGrant("ml-prod", "write"),),
            alert_channels=("projects/ml-platform-prod/notificationChannels/1",),
        )

        def program(config=config) -> None:
            pulumi.export(
                "p", ScheduledGcpPipeline("nightly", ScheduledGcpPipelineArgs(config)).exports()
            )

        runs[trigger] = run_program(program, stack="prod")
    return runs


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
@pytest.mark.parametrize("trigger", ["vertex-schedule", "data-pipelines", "cloud-scheduler"])
def test_each_trigger_passes_every_environment_without_gcp_findings(
    pack_clients: dict[str, PolicyClient], gcp_runs, stack: str, trigger: str
) -> None:
    report = pack_clients[stack].check(gcp_runs[trigger].resources)
    gcp = [v for v in (*report.mandatory, *report.advisory) if v.policy in GCP_POLICIES]
    assert gcp == [], _show(gcp)
    assert report.mandatory == (), _show(report.mandatory)


@pytest.mark.parametrize("trigger", ["vertex-schedule", "data-pipelines", "cloud-scheduler"])
def test_each_trigger_passes_in_preview_when_emails_are_unknown(
    pack_clients: dict[str, PolicyClient], gcp_runs, trigger: str
) -> None:
    preview = []
    for r in gcp_runs[trigger].resources:
        inputs = json.loads(
            json.dumps(r.inputs)
            .replace("iam.gserviceaccount.com", "")
            .replace("@ml-platform-prod.", "")
        )
        for key in r.property_dependencies:
            if r.property_dependencies[key] and key in inputs and isinstance(inputs[key], str):
                inputs[key] = UNKNOWN
        preview.append(dataclasses.replace(r, inputs=inputs, outputs=inputs))
    report = pack_clients["prod"].check(preview)
    assert report.mandatory == (), _show(report.mandatory)


def test_crafted_bad_grants_and_targets_get_every_gcp_verdict_in_prod(
    pack_clients: dict[str, PolicyClient],
) -> None:
    sa = "serviceAccount:etl@ml-platform-prod.iam.gserviceaccount.com"
    bad = [
        _resource(
            "gcp:projects/iAMBinding:IAMBinding",
            "too-much",
            {
                "project": "ml-platform-prod",
                "role": "roles/editor",
                "members": [sa, f"serviceAccount:{COMPUTE_DEFAULT}", "allUsers"],
            },
        ),
        _resource(
            "gcp:projects/iAMMember:IAMMember",
            "act-as-all",
            {"project": "ml-platform-prod", "role": "roles/iam.serviceAccountUser", "member": sa},
        ),
        _resource("gcp:serviceaccount/key:Key", "leaky", {"serviceAccountId": "x"}),
        _resource(
            "gcp:colab/schedule:Schedule",
            "defaulted",
            {
                "cron": "TZ=UTC 0 6 * * *",
                "createPipelineJobRequest": {"pipelineJob": {"displayName": "x"}},
            },
        ),
        _resource(
            "gcp:cloudscheduler/job:Job",
            "anonymous",
            {"schedule": "0 6 * * *", "httpTarget": {"uri": "https://example.com/run"}},
        ),
    ]
    found = pack_clients["prod"].check(bad)
    by_policy = {v.policy for v in found.mandatory}
    assert by_policy == MANDATORY_GCP, _show(found.mandatory)


def test_an_unknown_role_is_advisory_not_silent_in_prod(
    pack_clients: dict[str, PolicyClient],
) -> None:
    grant = _resource(
        "gcp:projects/iAMMember:IAMMember",
        "later",
        {"project": "p", "role": UNKNOWN, "member": "group:g@example.com"},
    )
    found = pack_clients["prod"].analyze(grant)
    basic = [v for v in found if v.policy == "gcp-iam-no-basic-roles"]
    assert basic, _show(found)
    assert all(v.enforcement == "advisory" for v in basic), _show(basic)
    assert any("can't be known during preview" in v.message for v in basic), _show(basic)
