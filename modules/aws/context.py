"""Partition, region and account of the deploying provider, looked up once per program.

ARNs and IAM conditions are built from these instead of hard-coding `arn:aws:` so the same
components work in aws-cn and aws-us-gov.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsContext:
    partition: pulumi.Output[str]
    region: pulumi.Output[str]
    account_id: pulumi.Output[str]

    def arn(self, service: str, resource: str, *, regional: bool = True) -> pulumi.Output[str]:
        """`arn:<partition>:<service>:<region>:<account>:<resource>` (no region when global)."""
        region = self.region if regional else ""
        return pulumi.Output.concat(
            "arn:", self.partition, ":", service, ":", region, ":", self.account_id, ":", resource
        )


def lookup(parent: pulumi.Resource | None = None) -> AwsContext:
    """Invoke getPartition/getRegion/getCallerIdentity with the parent's provider."""
    opts = pulumi.InvokeOutputOptions(parent=parent)
    return AwsContext(
        partition=aws.get_partition_output(opts=opts).partition,
        region=aws.get_region_output(opts=opts).region,
        account_id=aws.get_caller_identity_output(opts=opts).account_id,
    )
