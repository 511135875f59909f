"""The Azure part of a stack program (the `modules.deploy` dispatch contract): one data factory
per factory the entries name, one role assignment per factory and workspace, and one
`AzureScheduledPipeline` per entry, all at the stack's top level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from modules.azure.config import AzurePipelineConfig, FactoryConfig
from modules.azure.data_factory import DataFactory, DataFactoryArgs
from modules.azure.scheduled_pipeline import AzureScheduledPipeline, AzureScheduledPipelineArgs
from modules.azure.workspace_access import WorkspaceAccess, WorkspaceAccessArgs


def deploy(pipelines: Sequence[AzurePipelineConfig]) -> dict[str, Mapping[str, pulumi.Input]]:
    return {name: p.exports() for name, p in deploy_components(pipelines).items()}


def deploy_components(
    pipelines: Sequence[AzurePipelineConfig],
) -> dict[str, AzureScheduledPipeline]:
    factories: dict[str, DataFactory] = {}
    access: dict[tuple[str, str], WorkspaceAccess] = {}
    specs: dict[str, FactoryConfig] = {}
    for p in pipelines:
        if p.trigger != "adf" or p.factory is None:
            continue
        name = p.factory.name
        if name in specs and specs[name] != p.factory:
            # Two entries describing one factory differently: the second would silently win.
            raise pulumi.RunError(
                f"pipeline {p.name!r}, key 'factory': factory {name!r} is also used by another "
                "pipeline with different settings; give every entry the same factory block"
            )
        specs[name] = p.factory
    for name, spec in specs.items():
        users = [p for p in pipelines if p.factory == spec]
        factories[name] = DataFactory(
            name,
            DataFactoryArgs(
                resource_group_name=spec.resource_group,
                factory_name=name,
                location=spec.location,
                existing_factory_id=spec.existing_id,
                public_network_access=spec.public_network_access,
                tags=users[0].tags,
            ),
            opts=pulumi.ResourceOptions(protect=any(p.protect for p in users)),
        )
        # One assignment per factory and workspace: a second identical one would fail with
        # RoleAssignmentExists.
        for workspace_id in sorted({p.workspace_id for p in users}):
            workspace = workspace_id.rstrip("/").rsplit("/", 1)[-1]
            access[(name, workspace_id)] = WorkspaceAccess(
                f"{name}-{workspace}-access",
                WorkspaceAccessArgs(
                    principal_id=factories[name].principal_id, workspace_id=workspace_id
                ),
            )
    deployed = {}
    for p in pipelines:
        factory_name = p.factory.name if p.factory is not None else None
        deployed[p.name] = AzureScheduledPipeline(
            p.name,
            AzureScheduledPipelineArgs(
                p,
                factory=factories.get(factory_name) if factory_name else None,
                access=access.get((factory_name, p.workspace_id)) if factory_name else None,
            ),
        )
    return deployed
