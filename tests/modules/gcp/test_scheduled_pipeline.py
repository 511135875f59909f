"""modules.gcp.scheduled_pipeline.ScheduledGcpPipeline under mocks: every trigger end to end."""

from __future__ import annotations

from dataclasses import replace

import pulumi
import pytest

from modules.gcp.model import account_prefix, project_roles, required_services
from modules.gcp.scheduled_pipeline import ScheduledGcpPipeline, ScheduledGcpPipelineArgs

TRIGGER_CHILD = {
    "vertex-schedule": ("churn-training-vertex-schedule", "gcp:colab/schedule:Schedule"),
    "data-pipelines": ("feature-refresh-dataflow-pipeline", "gcp:dataflow/pipeline:Pipeline"),
    "cloud-scheduler": ("churn-training-scheduler-job", "gcp:cloudscheduler/job:Job"),
}
DEFAULT_ACCOUNTS = ("-compute@developer.gserviceaccount.com", "@appspot.gserviceaccount.com")


def build(config):
    def program() -> None:
        pipeline = ScheduledGcpPipeline(config.name, ScheduledGcpPipelineArgs(config))
        pulumi.export("pipeline", pipeline.exports())

    return program


@pytest.mark.parametrize("trigger", sorted(TRIGGER_CHILD))
def test_each_trigger_builds_its_resource_under_the_composite(run, gcp, trigger) -> None:
    config = gcp.config(trigger=trigger)
    result = run(build(config))
    name, type_ = TRIGGER_CHILD[trigger]
    resource = result.named(name)
    assert resource.type == type_, resource.urn
    component = result.by_urn()[resource.parent]
    assert component.parent == result.named(config.name).urn, resource.urn


@pytest.mark.parametrize("trigger", sorted(TRIGGER_CHILD))
def test_the_trigger_waits_for_the_apis_and_the_grants(run, gcp, trigger) -> None:
    config = gcp.config(trigger=trigger)
    result = run(build(config))
    trigger_component = result.by_urn()[result.named(TRIGGER_CHILD[trigger][0]).parent]
    # The SDK sends a dependency on a component as its custom children.
    needed = {
        r.urn
        for r in result.resources
        if r.custom
        and r.parent in {result.named(f"{config.name}-{c}").urn for c in ("apis", "identities")}
    }
    assert needed, "no APIs or grants were created"
    assert needed <= set(trigger_component.dependencies), trigger_component.urn


@pytest.mark.parametrize("trigger", sorted(TRIGGER_CHILD))
def test_the_apis_enabled_are_the_ones_the_trigger_needs(run, gcp, trigger) -> None:
    config = gcp.config(trigger=trigger)
    services = run(build(config)).of_type("gcp:projects/service:Service")
    assert sorted(s.inputs["service"] for s in services) == list(
        required_services(trigger, alert=True)
    )


@pytest.mark.parametrize("trigger", sorted(TRIGGER_CHILD))
def test_nothing_runs_as_a_default_service_account(run, gcp, trigger) -> None:
    result = run(build(gcp.config(trigger=trigger)))
    text = repr([r.inputs for r in result.resources])
    assert not any(marker in text for marker in DEFAULT_ACCOUNTS)


@pytest.mark.parametrize("trigger", sorted(TRIGGER_CHILD))
def test_project_roles_match_the_trigger(run, gcp, trigger) -> None:
    config = gcp.config(trigger=trigger)
    result = run(build(config))
    run_roles, scheduler_roles = project_roles(trigger)
    granted = {
        (g.name.rsplit("-identities-", 1)[1].split("-", 1)[0], g.inputs["role"])
        for g in result.of_type("gcp:projects/iAMMember:IAMMember")
    }
    expected = {("run", role) for role in run_roles} | {
        ("scheduler", role) for role in scheduler_roles or ()
    }
    assert granted == expected


def test_protect_from_config_reaches_the_schedule(run, gcp) -> None:
    schedule = run(build(gcp.config(protect=True))).named("churn-training-vertex-schedule")
    assert schedule.protect is True, schedule.urn


def test_runs_carry_the_pipeline_label(run, gcp) -> None:
    schedule = run(build(gcp.config(tags=(("team", "ml"),)))).named(
        "churn-training-vertex-schedule"
    )
    labels = schedule.inputs["createPipelineJobRequest"]["pipelineJob"]["labels"]
    assert labels == {"mlsched-pipeline": "churn-training", "team": "ml"}, schedule.urn


def test_the_schedule_creator_may_act_as_the_run_account(run, gcp) -> None:
    creator = "serviceAccount:deploy@ml-platform-dev.iam.gserviceaccount.com"
    result = run(build(gcp.config(schedule_creator=creator)))
    grant = result.named("churn-training-identities-user-0-act-as")
    assert grant.inputs["member"] == creator, grant.urn


def test_no_alerting_when_alert_is_off(run, gcp) -> None:
    result = run(build(gcp.config(alert=False)))
    assert not result.of_type("gcp:monitoring/alertPolicy:AlertPolicy")
    services = {s.inputs["service"] for s in result.of_type("gcp:projects/service:Service")}
    assert "monitoring.googleapis.com" not in services


def test_alerts_notify_the_channels_from_config(run, gcp) -> None:
    config = gcp.config(trigger="cloud-scheduler")
    policies = run(build(config)).of_type("gcp:monitoring/alertPolicy:AlertPolicy")
    assert {tuple(p.inputs["notificationChannels"]) for p in policies} == {config.alert_channels}


@pytest.mark.parametrize(
    ("trigger", "key"),
    [
        ("vertex-schedule", "vertexSchedule"),
        ("data-pipelines", "dataPipeline"),
        ("cloud-scheduler", "schedulerJob"),
    ],
)
def test_exports_name_the_schedule_accounts_and_pipeline(run, gcp, trigger, key) -> None:
    config = gcp.config(trigger=trigger)
    result = run(build(config))
    exported = result.outputs["pipeline"]
    run_account = result.named(f"{config.name}-identities-run").outputs["email"]
    assert exported["cloud"] == "gcp"
    assert exported["trigger"] == trigger
    assert exported["pipelineName"] == config.name
    assert exported["runServiceAccount"] == run_account
    assert exported[key] == result.named(TRIGGER_CHILD[trigger][0]).outputs["name"]
    if trigger == "vertex-schedule":
        assert "schedulerServiceAccount" not in exported
    else:
        scheduler = result.named(f"{config.name}-identities-scheduler").outputs["email"]
        assert exported["schedulerServiceAccount"] == scheduler


def test_a_long_name_gets_a_stable_hashed_account_prefix(gcp) -> None:
    long_name = "quarterly-revenue-forecast-training"
    prefix = account_prefix(long_name)
    assert len(prefix) + len("-sched") <= 30
    assert prefix == account_prefix(long_name)
    assert prefix != account_prefix(long_name + "-v2")
    assert account_prefix("churn") == "churn"
    assert replace(gcp.config(), name=long_name).name == long_name


@pytest.mark.parametrize("trigger", sorted(TRIGGER_CHILD))
def test_the_expected_duration_is_a_label_the_pack_reads_on_every_trigger(
    run, gcp, trigger
) -> None:
    from datetime import timedelta

    from policies import schedule_registry

    config = replace(gcp.config(trigger=trigger), expected_duration=timedelta(minutes=90))
    resource = run(build(config)).named(TRIGGER_CHILD[trigger][0])
    carrier = schedule_registry.carrier_for(resource.type)
    assert carrier is not None, resource.urn
    assert carrier.expected_duration is not None, resource.urn
    assert carrier.expected_duration(resource.inputs) == "90m", resource.urn
