"""Every shape a provider may send a document in gets the same verdict (property-based)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from policies import iam
from policies.documents import parse_document

ACTIONS = ["*", "sagemaker:*", "sagemaker:StartPipelineExecution", "iam:PassRole", "s3:GetObject"]
RESOURCES = ["*", "arn:aws:sagemaker:us-east-1:1:pipeline/p", "arn:aws:s3:::b/*"]

statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True),
        "Resource": st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2, unique=True),
    }
)


def shapes(statement: dict) -> list:
    """The same one-statement document as pulumi-aws (JSON text) and aws-native (object) send it,
    with the statement alone or in a list, and one-element lists as plain strings."""
    squeezed = {
        k: (v[0] if isinstance(v, list) and len(v) == 1 else v) for k, v in statement.items()
    }
    out = []
    for st_ in (statement, squeezed):
        for body in ({"Statement": [st_]}, {"Statement": st_}):
            out += [body, json.dumps(body)]
    return out


@settings(max_examples=60, deadline=None)
@given(statements)
def test_every_document_shape_gets_the_same_verdicts(run, statement: dict) -> None:
    verdicts = set()
    for document in shapes(statement):
        (parsed,) = parse_document(document)
        assert parsed.actions == tuple(statement["Action"]), document
        found = tuple(
            tuple(run(policy, "aws:iam/policy:Policy", {"policy": document}))
            for policy in (iam.NO_WILDCARD_ACTION, iam.NO_WILDCARD_RESOURCE, iam.PASSROLE_SCOPED)
        )
        verdicts.add(found)
    assert len(verdicts) == 1, f"{statement}: {verdicts}"
