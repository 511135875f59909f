"""`mlsched diff --base REF`: what a change does to the schedules, stack by stack.

The base is planned from a `git worktree` of REF (its own stacks, modules and policy pack, so its
verdicts are the ones the base really had) and the working tree is planned as it is; both plans
run at once, as `python -m tools.plan --format json` processes, and the diff compares their JSON
documents, which also lets a base written before a plan-schema change be read.
"""
