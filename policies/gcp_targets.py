"""Google Cloud schedule targets: what the scheduled runs and their schedulers run as, and how
the scheduler authenticates its calls.

Google falls back to a default service account whenever a caller leaves the identity unset: a
Vertex AI PipelineJob without `serviceAccount` runs as the Compute Engine default account, a
Data Pipelines pipeline without `schedulerServiceAccountEmail` (and its Dataflow workers without
`serviceAccountEmail`) likewise. Those accounts are shared by every VM and unconfigured service
in the project, often with the editor role. An identity that is unknown during preview is a
service account created in the same stack (see policies.gcp_iam), so it passes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pulumi_policy import ReportViolation, ResourceValidationArgs, ResourceValidationPolicy

from policies.gcp_iam import DEFAULT_ACCOUNT
from policies.values import UNKNOWN, dig, is_unknown, plain, show

VERTEX_SCHEDULE = "gcp:colab/schedule:Schedule"
DATA_PIPELINE = "gcp:dataflow/pipeline:Pipeline"
SCHEDULER_JOB = "gcp:cloudscheduler/job:Job"

COMPUTE_DEFAULT = "the Compute Engine default service account"
WORKER_ENV = "launchParameter.environment.serviceAccountEmail"


@dataclass(frozen=True)
class Identity:
    path: str
    """Property path of the service account email."""
    who: str
    """What runs as it, for the message."""
    when: str
    """The block whose presence makes this identity apply (the other kinds are skipped)."""
    fallback: str = ""
    """What Google runs as when the email is unset; empty: unset is not this policy's concern."""


IDENTITIES: dict[str, tuple[Identity, ...]] = {
    VERTEX_SCHEDULE: (
        Identity(
            "createPipelineJobRequest.pipelineJob.serviceAccount",
            "the pipeline runs",
            "createPipelineJobRequest",
            COMPUTE_DEFAULT,
        ),
    ),
    DATA_PIPELINE: (
        Identity(
            "schedulerServiceAccountEmail",
            "the pipeline's Cloud Scheduler job runs",
            "scheduleInfo",
            COMPUTE_DEFAULT,
        ),
        Identity(
            f"workload.dataflowFlexTemplateRequest.{WORKER_ENV}",
            "the Dataflow workers run",
            "workload.dataflowFlexTemplateRequest",
            COMPUTE_DEFAULT,
        ),
        Identity(
            "workload.dataflowLaunchTemplateRequest.launchParameters.environment."
            "serviceAccountEmail",
            "the Dataflow workers run",
            "workload.dataflowLaunchTemplateRequest",
            COMPUTE_DEFAULT,
        ),
    ),
    SCHEDULER_JOB: (
        # A missing token is gcp-scheduler-http-target-token's finding.
        Identity(
            "httpTarget.oauthToken.serviceAccountEmail",
            "the scheduler's calls run",
            "httpTarget.oauthToken",
        ),
        Identity(
            "httpTarget.oidcToken.serviceAccountEmail",
            "the scheduler's calls run",
            "httpTarget.oidcToken",
        ),
    ),
}


def _identity_problems(resource_type: str, props: Mapping[str, Any]) -> Iterator[str]:
    for identity in IDENTITIES.get(resource_type, ()):
        block = dig(props, identity.when)
        if block is None:
            continue
        value = UNKNOWN if is_unknown(block) else dig(props, identity.path)
        if is_unknown(value):
            continue
        if value is None or value == "":
            if identity.fallback:
                yield (
                    f"{identity.path} is unset, so {identity.who} as {identity.fallback}. Set "
                    "it to a dedicated service account's email (modules.gcp creates one per "
                    "pipeline)."
                )
        elif not isinstance(value, str):
            yield f"{identity.path} is {show(value)}; set it to a service account email."
        elif DEFAULT_ACCOUNT.match(value):
            yield (
                f"{identity.path} is the default service account {value}, so {identity.who} "
                "with the rights of every VM and unconfigured service in the project. Use a "
                "dedicated service account."
            )


def validate_identity(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type not in IDENTITIES:
        return
    props = plain(args.props)
    for problem in _identity_problems(args.resource_type, props):
        report(f"{args.name}: {problem}", None)


NOT_DEFAULT_ACCOUNT = ResourceValidationPolicy(
    name="gcp-workload-not-default-service-account",
    description="Scheduled runs and their schedulers run as dedicated service accounts, never "
    "the default compute or App Engine account (checkov CKV_GCP_30's rule for VMs, applied to "
    "Vertex AI, Data Pipelines and Cloud Scheduler).",
    validate=validate_identity,
)


# --- gcp-scheduler-http-target-token ---------------------------------------------------------
def _google_api(uri: Any) -> bool:
    try:
        host = urlsplit(uri).hostname if isinstance(uri, str) else None
    except ValueError:  # e.g. an unbalanced IPv6 bracket: not a Google API either
        return False
    return bool(host) and (host == "googleapis.com" or host.endswith(".googleapis.com"))


def validate_http_token(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != SCHEDULER_JOB:
        return
    target = plain(args.props).get("httpTarget")
    if target is None or is_unknown(target):
        return
    if not isinstance(target, Mapping):
        report(f"{args.name}: httpTarget is {show(target)}; it must be an object with a uri.", None)
        return
    oauth, oidc, uri = target.get("oauthToken"), target.get("oidcToken"), target.get("uri")
    if oauth is None and oidc is None:
        report(
            f"{args.name}: httpTarget calls {uri} without a token, so the endpoint either "
            "rejects it or accepts calls from anyone. Add oauthToken (Google APIs) or oidcToken "
            "(Cloud Run, your own endpoints) with a dedicated service account.",
            None,
        )
    elif oauth is None and _google_api(uri):
        report(
            f"{args.name}: httpTarget calls the Google API {uri} with an OIDC token; Google APIs "
            "take OAuth access tokens. Replace oidcToken with oauthToken "
            "(https://cloud.google.com/scheduler/docs/http-target-auth).",
            None,
        )


HTTP_TARGET_TOKEN = ResourceValidationPolicy(
    name="gcp-scheduler-http-target-token",
    description="Cloud Scheduler HTTP targets authenticate with a service account token, OAuth "
    "for *.googleapis.com (Google's Cloud Scheduler authentication guidance; no checkov rule).",
    validate=validate_http_token,
)

POLICIES = [NOT_DEFAULT_ACCOUNT, HTTP_TARGET_TOKEN]
