"""`DataFactory`: the stack's Azure Data Factory (created, or an existing one by resource ID) and
its system-assigned managed identity."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_azure_native.datafactory as adf

from modules.azure.ids import parse_resource_id

TYPE_TOKEN = "mlsched:azure:DataFactory"
FACTORY_TYPE = "Microsoft.DataFactory/factories"


@dataclass(frozen=True)
class DataFactoryArgs:
    resource_group_name: str
    """Resource group the factory is created in (ignored for an existing factory)."""
    factory_name: str | None = None
    """Physical factory name (globally unique, 3-63 letters, digits and inner hyphens); None
    lets Pulumi auto-name it from the component name."""
    location: str | None = None
    """Azure region; None uses the resource group's."""
    existing_factory_id: str | None = None
    """Resource ID of a factory owned elsewhere: nothing is created, its identity is looked up."""
    public_network_access: bool = False
    """False disables the public endpoint (CKV_AZURE_104); authoring then needs a private link."""
    tags: tuple[tuple[str, str], ...] = ()
    """Tags on the factory; none by default."""


class DataFactory(pulumi.ComponentResource):
    """Child `azure-native:datafactory:Factory` `<name>-factory` (system-assigned identity), or
    no child and a `getFactory` invoke for an existing factory."""

    factory_id: pulumi.Output[str]
    factory_name: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]
    principal_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: DataFactoryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        if args.existing_factory_id is not None:
            existing = parse_resource_id(args.existing_factory_id, FACTORY_TYPE)
            found = adf.get_factory_output(
                factory_name=existing.name,
                resource_group_name=existing.resource_group,
                opts=pulumi.InvokeOutputOptions(parent=self),
            )
            self.factory_id = pulumi.Output.from_input(str(existing))
            self.factory_name = pulumi.Output.from_input(existing.name)
            self.resource_group_name = pulumi.Output.from_input(existing.resource_group)
            self.principal_id = found.identity.apply(_principal_of(args.existing_factory_id))
        else:
            factory = adf.Factory(
                f"{name}-factory",
                resource_group_name=args.resource_group_name,
                factory_name=args.factory_name,
                location=args.location,
                # The batch endpoint call and the workspace role assignment use this identity;
                # ADF cannot change a factory's identity after creation.
                identity=adf.FactoryIdentityArgs(type="SystemAssigned"),
                public_network_access="Enabled" if args.public_network_access else "Disabled",
                tags=dict(args.tags) or None,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.factory_id = factory.id
            self.factory_name = factory.name
            self.resource_group_name = pulumi.Output.from_input(args.resource_group_name)
            self.principal_id = factory.identity.apply(_principal_of(name))
        self.register_outputs(
            {
                "factory_id": self.factory_id,
                "factory_name": self.factory_name,
                "resource_group_name": self.resource_group_name,
                "principal_id": self.principal_id,
            }
        )


def _principal_of(label: str):
    def principal(identity) -> str:
        principal_id = getattr(identity, "principal_id", None)
        if principal_id is None and isinstance(identity, dict):
            principal_id = identity.get("principalId") or identity.get("principal_id")
        if not principal_id:
            # Without an identity the pipeline cannot call Azure ML, and no role can be granted.
            raise pulumi.RunError(
                f"{label}: the data factory has no system-assigned managed identity; enable it "
                "(identity type SystemAssigned) before scheduling Azure ML pipelines with it"
            )
        return str(principal_id)

    return principal
