"""The offline plan: every stack's resources, schedule calendar and policy verdicts, without the
Pulumi CLI or an AWS account. Run `python -m tools.plan --help` or `make plan`."""
