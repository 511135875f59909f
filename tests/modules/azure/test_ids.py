"""modules.azure.ids: ARM resource IDs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from modules.azure.ids import parse_resource_id

WORKSPACE = (
    "/subscriptions/22222222-2222-4222-8222-222222222222/resourceGroups/ml-rg/providers/"
    "Microsoft.MachineLearningServices/workspaces/ml-ws"
)


def test_workspace_id_parses_into_subscription_group_type_and_name() -> None:
    parsed = parse_resource_id(WORKSPACE, "microsoft.machinelearningservices/WORKSPACES")
    assert (parsed.subscription_id, parsed.resource_group, parsed.name) == (
        "22222222-2222-4222-8222-222222222222",
        "ml-rg",
        "ml-ws",
    )
    assert str(parsed) == WORKSPACE


def test_child_resource_ids_keep_every_type_and_name() -> None:
    parsed = parse_resource_id(WORKSPACE + "/components/train/versions/3")
    assert parsed.type == "Microsoft.MachineLearningServices/workspaces/components/versions"
    assert parsed.names == ("ml-ws", "train", "3")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ml-ws", "is not an Azure resource ID"),
        ("/subscriptions/not-a-guid/resourceGroups/g/providers/A.B/c/d", "is not an Azure"),
        (WORKSPACE + "/components", "without a name"),
        (WORKSPACE.replace("22222222-2222-4222-8222-222222222222", "-" * 36), "is not an Azure"),
        (WORKSPACE.replace("ml-ws", "ml\nws"), "is not an Azure resource ID"),
        (WORKSPACE.replace("workspaces/", "workspaces//"), "is not an Azure resource ID"),
    ],
)
def test_malformed_ids_are_rejected_with_the_reason(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_resource_id(value)


def test_an_id_of_another_type_is_rejected_naming_both_types() -> None:
    with pytest.raises(
        ValueError,
        match=r"names a Microsoft.MachineLearningServices/workspaces, not a Microsoft.DataFactory",
    ):
        parse_resource_id(WORKSPACE, "Microsoft.DataFactory/factories")


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        parsed = parse_resource_id(text)
    except ValueError:
        return
    assert parse_resource_id(str(parsed)) == parsed


def test_a_trailing_slash_or_newline_is_not_part_of_the_id() -> None:
    assert str(parse_resource_id(WORKSPACE + "/")) == WORKSPACE
    assert str(parse_resource_id(WORKSPACE + "\n")) == WORKSPACE
