from dataclasses import replace

from tools.plan.model import ResourceEntry, StackPlan, Verdict, component_tree


def test_plan_without_verdicts_is_ok_and_says_no_violations(ok_plan):
    plan = replace(ok_plan, verdicts=())
    assert plan.ok
    assert plan.verdict_summary == "no policy violations"


def test_advisory_verdict_does_not_fail_the_plan(ok_plan):
    assert ok_plan.ok, [v.enforcement for v in ok_plan.verdicts]
    assert ok_plan.verdict_summary == "1 non-blocking finding"


def test_mandatory_verdict_fails_the_plan_and_is_counted(failing_plan):
    assert not failing_plan.ok
    assert failing_plan.mandatory_count == 1
    assert failing_plan.verdict_summary == "1 mandatory violation, 1 non-blocking finding"


def test_remediate_verdict_blocks_like_mandatory(ok_plan):
    plan = replace(
        ok_plan,
        verdicts=(Verdict("p", "remediate", "m", None), Verdict("q", "remediate", "m", None)),
    )
    assert not plan.ok
    assert plan.verdict_summary == "2 mandatory violations"


def test_error_plan_is_never_ok(error_plan):
    assert not error_plan.ok
    assert error_plan.verdict_summary == "configuration error"


def test_resource_counts_are_most_frequent_first_then_by_type(ok_plan):
    extra = ResourceEntry("urn:x", "aws:scheduler/schedule:Schedule", "x", None, True)
    plan = replace(ok_plan, resources=(*ok_plan.resources, extra))
    assert plan.resource_counts[0] == ("aws:scheduler/schedule:Schedule", 2)
    assert [t for t, _ in plan.resource_counts[1:]] == [
        "aws-native:sagemaker:Pipeline",
        "mlsched:ml:ScheduledPipeline",
    ]


def test_preview_command_names_the_stack_policy_pack_and_config(ok_plan):
    assert ok_plan.preview_command.endswith(
        "--stack prod --policy-pack policies --policy-pack-config policies/config/prod.json"
    )


def test_component_tree_nests_children_under_their_parent(ok_plan):
    roots = component_tree(ok_plan.resources)
    assert [r.resource.name for r in roots] == ["churn-training"]
    assert [c.resource.name for c in roots[0].children] == [
        "churn-training-pipeline",
        "churn-training-schedule",
    ]


def test_component_tree_keeps_children_of_an_unregistered_parent_as_roots():
    orphan = ResourceEntry("urn:child", "t", "child", "urn:never-registered", True)
    assert [n.resource.urn for n in component_tree((orphan,))] == ["urn:child"]


def test_component_tree_survives_a_parent_cycle():
    a = ResourceEntry("urn:a", "t", "a", None, False)
    b = ResourceEntry("urn:b", "t", "b", "urn:a", False)
    # a cycle cannot come from the engine, but the tree must still terminate
    self_parent = ResourceEntry("urn:a", "t", "a", "urn:b", False)
    roots = component_tree((a, b, self_parent))
    assert roots[0].resource.urn == "urn:a"
    assert StackPlan  # the module's public names stay importable
