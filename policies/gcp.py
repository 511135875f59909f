"""Google Cloud's policies, one list for the pack: identity (gcp_iam, gcp_targets) and the DST
advice for Google's schedules (gcp_schedules). The schedule policies themselves judge Google's
schedules through the carrier registry like every cloud's (policies/carriers/gcp.py)."""

from policies import gcp_iam, gcp_schedules, gcp_targets

POLICIES = [*gcp_iam.POLICIES, *gcp_targets.POLICIES, *gcp_schedules.POLICIES]
