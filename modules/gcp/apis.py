"""`ProjectApis`: the Google APIs a pipeline needs, enabled before anything that calls them."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import projects

TYPE_TOKEN = "mlsched:gcp:ProjectApis"


@dataclass(frozen=True)
class ProjectApisArgs:
    project: str
    """Project ID the APIs are enabled in."""
    services: tuple[str, ...]
    """Service names (`aiplatform.googleapis.com`, ...); one `gcp:projects/service:Service` each."""


def child_suffix(service: str) -> str:
    """`aiplatform.googleapis.com` -> `aiplatform`: the role part of the child's name."""
    return service.removesuffix(".googleapis.com").replace(".", "-")


class ProjectApis(pulumi.ComponentResource):
    """One `gcp:projects/service:Service` `<name>-<api>` per service. Resources that call an API
    pass this component in `depends_on`, which waits for every child."""

    services: tuple[str, ...]

    def __init__(
        self, name: str, args: ProjectApisArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.services = tuple(sorted(set(args.services)))
        for service in self.services:
            projects.Service(
                f"{name}-{child_suffix(service)}",
                project=args.project,
                service=service,
                # Other stacks and people use these APIs too: destroying this stack must not
                # switch them off (or the services that depend on them) for everyone.
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.register_outputs({"services": list(self.services)})
