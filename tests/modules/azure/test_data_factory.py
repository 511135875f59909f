"""modules.azure.data_factory.DataFactory under Pulumi mocks."""

from __future__ import annotations

import pulumi
import pytest

from modules.azure.data_factory import DataFactory, DataFactoryArgs

EXISTING = (
    "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/shared/providers/"
    "Microsoft.DataFactory/factories/platform-adf"
)


def build(**kwargs):
    def program() -> None:
        factory = DataFactory("data-factory", DataFactoryArgs(resource_group_name="rg", **kwargs))
        pulumi.export("id", factory.factory_id)
        pulumi.export("principal", factory.principal_id)
        pulumi.export("name", factory.factory_name)

    return program


def test_new_factory_has_a_system_assigned_identity_and_no_public_endpoint(run) -> None:
    factory = run(build()).named("data-factory-factory")
    assert factory.inputs["identity"] == {"type": "SystemAssigned"}, factory.urn
    assert factory.inputs["publicNetworkAccess"] == "Disabled", factory.urn


def test_public_network_access_is_enabled_only_when_asked(run) -> None:
    factory = run(build(public_network_access=True)).named("data-factory-factory")
    assert factory.inputs["publicNetworkAccess"] == "Enabled", factory.urn


def test_factory_carries_tags_and_its_name(run) -> None:
    result = run(build(tags=(("team", "ml"),), factory_name="ml-adf-dev"))
    factory = result.named("data-factory-factory")
    assert factory.inputs["tags"] == {"team": "ml"}, factory.urn
    assert factory.inputs["factoryName"] == "ml-adf-dev", factory.urn
    assert result.outputs["name"] == "ml-adf-dev"


def test_outputs_give_the_factory_id_and_its_identity_principal(run) -> None:
    result = run(build())
    factory = result.named("data-factory-factory")
    assert result.outputs["id"].endswith(
        "/providers/Microsoft.DataFactory/factories/" + factory.outputs["name"]
    )
    assert result.outputs["principal"] == factory.outputs["identity"]["principalId"]


def test_existing_factory_creates_nothing_and_looks_its_identity_up(run) -> None:
    result = run(build(existing_factory_id=EXISTING))
    assert result.of_type("azure-native:datafactory:Factory") == ()
    assert result.outputs["id"] == EXISTING
    assert result.outputs["name"] == "platform-adf"
    assert len(result.outputs["principal"]) == 36


def test_existing_factory_must_be_a_factory_id(run) -> None:
    workspace = EXISTING.replace(
        "Microsoft.DataFactory/factories", "Microsoft.Storage/storageAccounts"
    )
    with pytest.raises(Exception, match=r"not a Microsoft.DataFactory/factories"):
        run(build(existing_factory_id=workspace))
