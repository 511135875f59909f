"""The mlsched policy pack: assembles the domain modules; levels and thresholds come from config."""

from pulumi_policy import EnforcementLevel, PolicyPack

from policies import (
    azure,
    gcp,
    iam,
    iam_lambda,
    iam_stack,
    iam_trust,
    schedules,
    targets,
    timing,
)

PolicyPack(
    name="mlsched",
    # Without a config file every policy only advises; policies/config/<stack>.json decides.
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[
        *schedules.POLICIES,
        *timing.POLICIES,
        *iam_trust.POLICIES,
        *iam.POLICIES,
        *iam_stack.POLICIES,
        *iam_lambda.POLICIES,
        *targets.POLICIES,
        *azure.POLICIES,
        *gcp.POLICIES,
    ],
)
