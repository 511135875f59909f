"""Google Cloud's identity policies, one list for the pack (schedules are judged through the
carrier registry like every cloud's)."""

from policies import gcp_iam, gcp_targets

POLICIES = [*gcp_iam.POLICIES, *gcp_targets.POLICIES]
