"""The inline policy of a created execution role, built the same way for validation and deploy.

Pure (no Pulumi): `modules.aws.config` measures it against IAM's inline-policy quota before any
cloud call, and `PipelineExecutionRole` sends it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

SAGEMAKER_PRINCIPAL = "sagemaker.amazonaws.com"
PASS_ROLE_SID = "PassRoleToSageMakerOnly"
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def default_sid(index: int) -> str:
    return f"Config{index}"


def permissions_policy(
    statements: Sequence[Any],
    pass_role_arns: Sequence[str],
    values: dict[str, str] | None = None,
) -> str:
    """The inline policy; `values` fills `${AccountId}`-style placeholders in ARNs."""

    def fill(arn: str) -> str:
        return _PLACEHOLDER.sub(lambda m: (values or {})[m.group(1)], arn)

    document_statements: list[dict] = []
    for index, statement in enumerate(statements):
        document_statements.append(
            {
                "Sid": statement.sid or default_sid(index),
                "Effect": "Allow",
                "Action": sorted(statement.actions),
                "Resource": sorted(fill(r) for r in statement.resources),
            }
        )
    if pass_role_arns:
        document_statements.append(
            {
                "Sid": PASS_ROLE_SID,
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": sorted(fill(r) for r in pass_role_arns),
                "Condition": {"StringEquals": {"iam:PassedToService": SAGEMAKER_PRINCIPAL}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": document_statements}, sort_keys=True)
