"""Deploy a stack's Azure entries: the one data factory, one role assignment per workspace, and
one `AzureScheduledPipeline` per entry. Imported only by stacks that have Azure entries."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from modules.azure.config import AzurePipelineConfig, AzureStackConfig
from modules.azure.data_factory import DataFactory, DataFactoryArgs
from modules.azure.scheduled_pipeline import AzureScheduledPipeline, AzureScheduledPipelineArgs
from modules.azure.workspace_access import WorkspaceAccess, WorkspaceAccessArgs

FACTORY = "data-factory"


def deploy(
    stack: AzureStackConfig,
    pipelines: Sequence[AzurePipelineConfig],
    tags: tuple[tuple[str, str], ...] = (),
) -> dict[str, AzureScheduledPipeline]:
    factory: DataFactory | None = None
    access: dict[str, WorkspaceAccess] = {}
    if any(p.trigger == "adf" for p in pipelines):
        factory = DataFactory(
            FACTORY,
            DataFactoryArgs(
                resource_group_name=stack.resource_group,
                factory_name=stack.factory_name,
                location=stack.location,
                existing_factory_id=stack.existing_factory_id,
                public_network_access=stack.public_network_access,
                tags=tags,
            ),
            opts=pulumi.ResourceOptions(protect=stack.protect),
        )
        # One assignment per workspace: a second identical one would fail with
        # RoleAssignmentExists.
        for workspace_id in sorted({p.workspace_id for p in pipelines if p.trigger == "adf"}):
            workspace = workspace_id.rstrip("/").rsplit("/", 1)[-1]
            access[workspace_id] = WorkspaceAccess(
                f"{FACTORY}-{workspace}-access",
                WorkspaceAccessArgs(principal_id=factory.principal_id, workspace_id=workspace_id),
            )
    return {
        p.name: AzureScheduledPipeline(
            p.name,
            AzureScheduledPipelineArgs(p, factory=factory, access=access.get(p.workspace_id)),
        )
        for p in pipelines
    }
