"""`PipelineIdentities`: the dedicated service accounts of one pipeline and their least-privilege
IAM, granted member by member (never an authoritative binding or policy)."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
from pulumi_gcp import projects, serviceaccount, storage

from modules.gcp.model import BUCKET_ROLES, BucketGrant

TYPE_TOKEN = "mlsched:gcp:PipelineIdentities"
SERVICE_ACCOUNT_USER = "roles/iam.serviceAccountUser"


@dataclass(frozen=True)
class PipelineIdentitiesArgs:
    project: str
    """Project ID the accounts live in and the project roles are granted on."""
    account_prefix: str
    """Service account IDs are `<prefix>-run` and `<prefix>-sched` (6-30 characters each)."""
    run_project_roles: tuple[str, ...]
    """Project roles of the account the workload runs as (e.g. roles/aiplatform.user)."""
    scheduler_project_roles: tuple[str, ...] | None = None
    """Project roles of the scheduler's account; None creates no scheduler account (Vertex AI
    schedules have no caller identity of their own)."""
    buckets: tuple[BucketGrant, ...] = ()
    """Buckets the workload uses; storage roles on these buckets only, none on the project."""
    run_account_users: tuple[str, ...] = ()
    """Extra IAM members (e.g. the deploy account creating a Vertex schedule) that may act as
    the run account; granted on that account only. The scheduler account is always added."""
    label: str = ""
    """Human name used in display names and descriptions; defaults to the component name."""


def role_suffix(role: str) -> str:
    """`roles/aiplatform.user` -> `aiplatform-user`: names a grant by what it grants, so adding
    or reordering roles never renames (and so replaces) another grant."""
    return role.removeprefix("roles/").replace(".", "-").lower()


class PipelineIdentities(pulumi.ComponentResource):
    """Children: `gcp:serviceaccount/account:Account` `<name>-run` and (with scheduler roles)
    `<name>-scheduler`; `gcp:projects/iAMMember:IAMMember` `<name>-run-<role>` /
    `<name>-scheduler-<role>` per project role; `gcp:storage/bucketIAMMember:BucketIAMMember`
    `<name>-<bucket>-<role>` per bucket role; `gcp:serviceaccount/iAMMember:IAMMember`
    `<name>-scheduler-act-as` / `<name>-user-<n>-act-as` granting roles/iam.serviceAccountUser
    on the run account only."""

    run_email: pulumi.Output[str]
    scheduler_email: pulumi.Output[str | None]

    def __init__(
        self, name: str, args: PipelineIdentitiesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        label = args.label or name

        # No keys are ever created for these accounts: Google services mint short-lived tokens
        # for them, and CI deploys through Workload Identity Federation.
        run = serviceaccount.Account(
            f"{name}-run",
            project=args.project,
            account_id=f"{args.account_prefix}-run",
            display_name=f"{label} workload"[:100],
            description=f"Runs the scheduled pipeline {label}; managed by mlsched",
            opts=child,
        )
        self._project_roles(f"{name}-run", args.project, run.email, args.run_project_roles)
        for bucket, role in sorted(
            {(grant.bucket, role) for grant in args.buckets for role in BUCKET_ROLES[grant.access]}
        ):
            storage.BucketIAMMember(
                f"{name}-{bucket}-{role_suffix(role)}",
                bucket=bucket,
                role=role,
                member=pulumi.Output.concat("serviceAccount:", run.email),
                opts=child,
            )

        acting: list[tuple[str, pulumi.Input[str]]] = [
            (f"{name}-user-{index}-act-as", member)
            for index, member in enumerate(args.run_account_users)
        ]
        scheduler: serviceaccount.Account | None = None
        if args.scheduler_project_roles is not None:
            scheduler = serviceaccount.Account(
                f"{name}-scheduler",
                project=args.project,
                account_id=f"{args.account_prefix}-sched",
                display_name=f"{label} scheduler"[:100],
                description=f"Starts the scheduled pipeline {label}; managed by mlsched",
                opts=child,
            )
            self._project_roles(
                f"{name}-scheduler", args.project, scheduler.email, args.scheduler_project_roles
            )
            acting.insert(
                0,
                (
                    f"{name}-scheduler-act-as",
                    pulumi.Output.concat("serviceAccount:", scheduler.email),
                ),
            )

        # Acting as the run account is granted on that one account, never project-wide (which
        # would allow acting as every account in the project: checkov CKV_GCP_41).
        for child_name, member in acting:
            serviceaccount.IAMMember(
                child_name,
                service_account_id=run.name,
                role=SERVICE_ACCOUNT_USER,
                member=member,
                opts=child,
            )

        self.run_email = run.email
        self.scheduler_email = (
            scheduler.email if scheduler is not None else pulumi.Output.from_input(None)
        )
        self.register_outputs(
            {"run_email": self.run_email, "scheduler_email": self.scheduler_email}
        )

    def _project_roles(
        self, prefix: str, project: str, email: pulumi.Output[str], roles: tuple[str, ...]
    ) -> None:
        for role in sorted(set(roles)):
            projects.IAMMember(
                f"{prefix}-{role_suffix(role)}",
                project=project,
                role=role,
                member=pulumi.Output.concat("serviceAccount:", email),
                opts=pulumi.ResourceOptions(parent=self),
            )
