"""SageMaker pipeline definitions checked before any cloud call, against SageMaker's own API model.

A definition is read from the repository (never from outside it: an absolute path, `..` past the
repository root or a symlink that leads out would deploy a file nobody reviewed), parsed as
strict JSON (SageMaker's parser refuses NaN, and a duplicate key silently keeps one value), and
judged as SageMaker would judge it when the scheduled run starts:

- parameter and step names unique (steps inside Condition branches included);
- every `{"Get": ...}`, `Std:Join` and `Std:JsonGet` resolved: declared parameters, existing
  steps (and property paths that exist in the step's Describe* response), declared property
  files, `DependsOn` naming existing steps, and no dependency cycle;
- each step's `Arguments` checked against the request shape of the API it maps to, from botocore's
  SageMaker model (`STEP_APIS`): unknown members, missing required members (except the job name,
  which the pipeline sets), types, lengths, ranges, patterns and enumerations. A pipeline
  expression stands in for a value of the type it yields: a parameter for its declared type,
  Std:Join for a string; an Integer parameter where a string is expected is the classic mistake
  (SageMaker refuses it; wrap it in Std:Join);
- the body's size after the component substitutes `${...}` placeholders.

Step types not in `STEP_APIS` (Condition's branches are walked; Fail, Lambda, Callback,
QualityCheck, ClarifyCheck, EMR, AutoML, Notebook) have no request shape in the SageMaker model:
their names, references and dependencies are checked, their Arguments are not
(`DefinitionReport.unchecked_steps` lists them).

Pure validation: no Pulumi, no AWS call.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.aws import limits
from modules.repo_files import RepositoryFileError, read_repository_file, repository_root

DEFINITION_VERSION = "2020-12-01"
PARAMETER_TYPES = ("String", "Integer", "Float", "Boolean")
# Step type -> (request operation, name member the pipeline fills in, Describe operation whose
# response a `Steps.<name>.<path>` property reference reads).
STEP_APIS: dict[str, tuple[str, str | None, str | None]] = {
    "Processing": ("CreateProcessingJob", "ProcessingJobName", "DescribeProcessingJob"),
    "Training": ("CreateTrainingJob", "TrainingJobName", "DescribeTrainingJob"),
    "Transform": ("CreateTransformJob", "TransformJobName", "DescribeTransformJob"),
    "Model": ("CreateModel", "ModelName", "DescribeModel"),
    "RegisterModel": ("CreateModelPackage", None, "DescribeModelPackage"),
    "Tuning": (
        "CreateHyperParameterTuningJob",
        "HyperParameterTuningJobName",
        "DescribeHyperParameterTuningJob",
    ),
}
# https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-propertyfile.html and the
# pipeline definition schema's execution variables.
EXECUTION_VARIABLES = {
    "PipelineExecutionId": "string",
    "PipelineExecutionArn": "string",
    "PipelineArn": "string",
    "PipelineName": "string",
    "StartDateTime": "timestamp",
    "CurrentDateTime": "timestamp",
}
EXPRESSIONS = ("Get", "Std:Join", "Std:JsonGet")
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# Stand-ins for the component's substitutions while checking patterns, and their longest
# values for the size check (an IAM role ARN: partition, account, a 512-character path and a
# 64-character name: https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
SAMPLES = {
    "ExecutionRoleArn": "arn:aws:iam::123456789012:role/mlsched-execution-role",
    "AccountId": "123456789012",
    "Region": "us-east-1",
    "Partition": "aws",
}
_TYPE_OF_PARAMETER = {
    "String": "string",
    "Integer": "integer",
    "Float": "float",
    "Boolean": "boolean",
}
_INTEGER_SHAPES = ("integer", "long")
_FLOAT_SHAPES = ("float", "double")


@dataclass(frozen=True)
class DefinitionProblem:
    step: str | None
    path: str
    problem: str

    def __str__(self) -> str:
        where = f"step {self.step!r}, " if self.step else ""
        return f"{where}{self.path}: {self.problem}" if self.path else f"{where}{self.problem}"


@dataclass(frozen=True)
class DefinitionReport:
    """What was found; `problems` empty means SageMaker's checks we know of pass."""

    body: str | None
    problems: tuple[DefinitionProblem, ...]
    parameters: tuple[tuple[str, str], ...] = ()
    """(Name, Type) of each declared parameter."""
    placeholders: frozenset[str] = frozenset()
    parameter_uses: dict[str, tuple[limits.Limit, ...]] = field(default_factory=dict)
    """Parameter name -> the API fields its value lands in (so run values can be checked)."""
    checked_steps: tuple[str, ...] = ()
    unchecked_steps: tuple[str, ...] = ()
    """Steps whose Arguments have no SageMaker request shape to check against."""


# Read through the shared repository guard (modules/repo_files.py); the names stay for callers.
DefinitionReadError = RepositoryFileError
__all__ = ["DefinitionReadError", "read_definition", "repository_root"]


def read_definition(source: str, base_dir: Path, root: Path | None = None) -> str:
    """The text of a repository definition file; DefinitionReadError says why not."""
    return read_repository_file(
        source, base_dir, root=root, reader="SageMaker reads definitions as UTF-8 JSON and"
    )


# --------------------------------------------------------------------------------------------
# Strict JSON


class _Keys(dict):
    """A JSON object that remembers keys it saw twice."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, Any]]) -> _Keys:
    result = _Keys()
    seen: list[str] = []
    for key, value in pairs:
        if key in result:
            seen.append(key)
        result[key] = value
    if seen:
        result.duplicates = tuple(seen)
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (SageMaker parses definitions strictly); use a number")


def parse_json(body: str) -> Any:
    """Strict JSON: NaN/Infinity refused; duplicate keys recorded on the objects (`_Keys`)."""
    return json.loads(body, object_pairs_hook=_pairs, parse_constant=_no_constant)


def _duplicate_paths(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, _Keys):
        for key in value.duplicates:
            yield path, key
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _duplicate_paths(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _duplicate_paths(item, f"{path}[{index}]")


# --------------------------------------------------------------------------------------------
# The check


def check_definition(body: str) -> DefinitionReport:
    """Every problem SageMaker would find in `body` that we can know offline."""
    checker = _Checker(body)
    checker.run()
    return checker.report()


class _Checker:
    def __init__(self, body: str) -> None:
        self.body = body
        self.problems: list[DefinitionProblem] = []
        self.parameters: dict[str, str] = {}
        self.steps: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, set[str]] = {}
        self.uses: dict[str, list[limits.Limit]] = {}
        self.checked: list[str] = []
        self.unchecked: list[str] = []
        self.property_files: dict[str, set[str]] = {}
        self.placeholders: frozenset[str] = frozenset()

    def add(self, step: str | None, path: str, problem: str) -> None:
        self.problems.append(DefinitionProblem(step, path, problem))

    def report(self) -> DefinitionReport:
        return DefinitionReport(
            body=self.body,
            problems=tuple(self.problems),
            parameters=tuple(self.parameters.items()),
            placeholders=self.placeholders,
            parameter_uses={k: tuple(v) for k, v in self.uses.items()},
            checked_steps=tuple(self.checked),
            unchecked_steps=tuple(self.unchecked),
        )

    def run(self) -> None:
        try:
            document = parse_json(self.body)
        except json.JSONDecodeError as error:
            self.add(
                None,
                "",
                f"is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg}); fix the file",
            )
            return
        except ValueError as error:
            self.add(None, "", str(error))
            return
        for path, key in _duplicate_paths(document):
            self.add(
                None,
                path or "(top level)",
                f"key {key!r} appears twice in one object; "
                "JSON parsers keep only one of them, so keep one",
            )
        if not isinstance(document, dict):
            self.add(None, "", "must hold a JSON object with Version, Parameters and Steps")
            return
        self._size()
        if document.get("Version") != DEFINITION_VERSION:
            self.add(
                None,
                "Version",
                f"is {document.get('Version')!r}; SageMaker pipeline "
                f'definitions say "Version": "{DEFINITION_VERSION}"',
            )
        self._parameters(document.get("Parameters"))
        steps = document.get("Steps")
        if not isinstance(steps, list) or not steps:
            self.add(None, "Steps", "is missing or empty; a pipeline needs at least one step")
            return
        collected: list[tuple[dict[str, Any], str]] = []
        self._collect(steps, "Steps", collected)
        for step, path in collected:
            self._step(step, path)
        self._cycles()

    def _size(self) -> None:
        self.placeholders = frozenset(PLACEHOLDER.findall(self.body))
        unknown = sorted(self.placeholders - set(SAMPLES))
        if unknown:
            self.add(
                None,
                "",
                f"uses unknown placeholder(s) "
                f"{', '.join('${' + u + '}' for u in unknown)}; the available ones are "
                f"{', '.join('${' + s + '}' for s in SAMPLES)}",
            )
        longest = _longest_substitutions()
        size = len(PLACEHOLDER.sub(lambda m: longest.get(m.group(1), m.group(0)), self.body))
        maximum = limits.shape_limit("sagemaker", "PipelineDefinition", "").max
        if maximum is not None and size > maximum:
            self.add(
                None,
                "",
                f"is up to {size} characters once ${{...}} placeholders are "
                f"substituted; SageMaker CreatePipeline PipelineDefinition accepts at most "
                f"{maximum}. Upload it to S3 and use s3://bucket/key",
            )

    def _parameters(self, parameters: Any) -> None:
        if not isinstance(parameters, list):
            self.add(
                None,
                "Parameters",
                'is missing; add "Parameters": [] (or the parameters the steps use)',
            )
            return
        for index, entry in enumerate(parameters):
            path = f"Parameters[{index}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("Name"), str):
                self.add(None, path, "needs a string Name")
                continue
            name, kind = entry["Name"], entry.get("Type", "String")
            if name in self.parameters:
                self.add(
                    None,
                    f"{path}.Name",
                    f"parameter {name!r} is declared twice; "
                    "SageMaker refuses the definition. Keep one",
                )
                continue
            if kind not in PARAMETER_TYPES:
                self.add(
                    None,
                    f"{path}.Type",
                    f"{kind!r} is not a parameter type; use one of {', '.join(PARAMETER_TYPES)}",
                )
                continue
            if "DefaultValue" in entry and not _fits(entry["DefaultValue"], kind):
                self.add(
                    None,
                    f"{path}.DefaultValue",
                    f"{entry['DefaultValue']!r} is not {_a(kind)}, the parameter's Type",
                )
            self.parameters[name] = kind

    def _collect(self, steps: Any, path: str, out: list[tuple[dict[str, Any], str]]) -> None:
        if not isinstance(steps, list):
            self.add(None, path, "must be a list of steps")
            return
        for index, step in enumerate(steps):
            where = f"{path}[{index}]"
            if not isinstance(step, dict) or not isinstance(step.get("Name"), str):
                self.add(None, where, "every step needs a string Name and a Type")
                continue
            name = step["Name"]
            if name in self.steps:
                self.add(
                    name,
                    f"{where}.Name",
                    "another step has this name; step names are "
                    "unique in a pipeline (Condition branches included)",
                )
                continue
            self.steps[name] = step
            self.edges[name] = set()
            out.append((step, where))
            files = step.get("PropertyFiles")
            if isinstance(files, list):
                self.property_files[name] = {
                    f["PropertyFileName"]
                    for f in files
                    if isinstance(f, dict) and isinstance(f.get("PropertyFileName"), str)
                }
            if step.get("Type") == "Condition" and isinstance(step.get("Arguments"), dict):
                for branch in ("IfSteps", "ElseSteps"):
                    if branch in step["Arguments"]:
                        self._collect(step["Arguments"][branch], f"{where}.Arguments.{branch}", out)

    def _step(self, step: dict[str, Any], path: str) -> None:
        name = step["Name"]
        kind = step.get("Type")
        depends = step.get("DependsOn", [])
        if not isinstance(depends, list) or not all(isinstance(d, str) for d in depends):
            self.add(name, f"{path}.DependsOn", "must be a list of step names")
            depends = []
        for other in depends:
            if other not in self.steps:
                self.add(
                    name,
                    f"{path}.DependsOn",
                    f"names step {other!r}, which does not exist{_suggest(other, self.steps)}",
                )
            else:
                self.edges[name].add(other)
        arguments = step.get("Arguments")
        api = STEP_APIS.get(kind) if isinstance(kind, str) else None
        if api is None:
            if not isinstance(kind, str) or not kind:
                self.add(name, f"{path}.Type", "every step needs a Type")
            self.unchecked.append(name)
            self._references(arguments, name, f"{path}.Arguments", None)
            return
        operation, job_name, _ = api
        self.checked.append(name)
        if not isinstance(arguments, dict):
            self.add(name, f"{path}.Arguments", f"must be an object: the {operation} request")
            return
        model = limits.service_model("sagemaker")
        shape = model["operations"][operation]["input"]["shape"]
        self._shape(
            arguments,
            shape,
            name,
            f"{path}.Arguments",
            f"SageMaker {operation}",
            skip_required={job_name} if job_name else set(),
        )

    # -- values against shapes --------------------------------------------------------------

    def _shape(
        self,
        value: Any,
        shape_name: str,
        step: str,
        path: str,
        field_label: str,
        *,
        skip_required: set[str] | None = None,
    ) -> None:
        shapes = limits.service_model("sagemaker")["shapes"]
        shape = shapes[shape_name]
        kind = shape["type"]
        if _is_expression(value):
            self._expression(value, shape_name, step, path, field_label)
            return
        if kind == "structure":
            if not isinstance(value, dict):
                self.add(step, path, f"must be an object ({field_label})")
                return
            members = shape.get("members", {})
            for key, item in value.items():
                if key not in members:
                    self.add(
                        step,
                        f"{path}.{key}",
                        f"{field_label} has no member {key!r}{_suggest(key, members)}",
                    )
                    continue
                self._shape(
                    item, members[key]["shape"], step, f"{path}.{key}", f"{field_label}.{key}"
                )
            for required in shape.get("required", ()):
                if required not in value and required not in (skip_required or ()):
                    self.add(step, path, f"{field_label} requires {required!r}; add it")
            return
        if kind == "list":
            if not isinstance(value, list):
                self.add(step, path, f"must be a list ({field_label})")
                return
            problem = limits.shape_limit("sagemaker", shape_name, field_label).problem(value)
            if problem:
                self.add(step, path, problem)
            for index, item in enumerate(value):
                self._shape(
                    item, shape["member"]["shape"], step, f"{path}[{index}]", f"{field_label}[]"
                )
            return
        if kind == "map":
            if not isinstance(value, dict):
                self.add(step, path, f"must be an object ({field_label})")
                return
            problem = limits.shape_limit("sagemaker", shape_name, field_label).problem(value)
            if problem:
                self.add(step, path, problem)
            for key, item in value.items():
                self._shape(
                    key, shape["key"]["shape"], step, f"{path} key {key!r}", f"{field_label} key"
                )
                self._shape(
                    item, shape["value"]["shape"], step, f"{path}.{key}", f"{field_label}{{}}"
                )
            return
        self._scalar(value, shape_name, step, path, field_label)

    def _scalar(self, value: Any, shape_name: str, step: str, path: str, label: str) -> None:
        shape = limits.service_model("sagemaker")["shapes"][shape_name]
        kind = shape["type"]
        if isinstance(value, (dict, list)):
            self.add(
                step,
                path,
                f"must be a {_kind_word(kind)} ({label}), not "
                f"{'an object' if isinstance(value, dict) else 'a list'}",
            )
            self._references(value, step, path, None)
            return
        if kind == "boolean":
            if not isinstance(value, bool):
                self.add(step, path, f"must be true or false ({label}), got {value!r}")
            return
        if kind in ("timestamp", "blob"):
            return
        check = limits.shape_limit("sagemaker", shape_name, label)
        if kind == "string" and isinstance(value, str):
            value = PLACEHOLDER.sub(lambda m: SAMPLES.get(m.group(1), m.group(0)), value)
        elif kind in _FLOAT_SHAPES and isinstance(value, float) and not math.isfinite(value):
            self.add(step, path, f"must be a finite number ({label})")
            return
        problem = check.problem(value)
        if problem:
            self.add(step, path, problem)

    def _expression(
        self, value: dict[str, Any], shape_name: str | None, step: str, path: str, label: str
    ) -> None:
        yields = self._references(value, step, path, shape_name, label)
        if shape_name is None or yields is None:
            return
        target = limits.service_model("sagemaker")["shapes"][shape_name]["type"]
        if not _compatible(yields, target):
            hint = (
                ' Wrap it in {"Std:Join": {"On": "", "Values": [...]}} to pass it as text'
                if target == "string"
                else ""
            )
            self.add(
                step,
                path,
                f"{_describe(value)} yields {_a(yields)} but {label} expects "
                f"{_a(_kind_word(target))}.{hint}",
            )

    # -- references --------------------------------------------------------------------------

    def _references(
        self, value: Any, step: str, path: str, shape_name: str | None, label: str = ""
    ) -> str | None:
        """Check the expressions inside `value`; returns the type an expression yields."""
        if isinstance(value, list):
            for index, item in enumerate(value):
                self._references(item, step, f"{path}[{index}]", None)
            return None
        if not isinstance(value, dict):
            return None
        if not _is_expression(value):
            for key, item in value.items():
                self._references(item, step, f"{path}.{key}", None)
            return None
        ((operator, argument),) = value.items()
        if operator == "Get":
            return self._get(argument, step, f"{path}.Get", shape_name, label)
        if operator == "Std:Join":
            if not isinstance(argument, dict) or not isinstance(argument.get("Values"), list):
                self.add(step, f"{path}.Std:Join", 'needs {"On": "<separator>", "Values": [...]}')
                return "string"
            if not isinstance(argument.get("On", ""), str):
                self.add(step, f"{path}.Std:Join.On", "must be a string")
            self._references(argument["Values"], step, f"{path}.Std:Join.Values", None)
            return "string"
        if (
            not isinstance(argument, dict)
            or "Path" not in argument
            or "PropertyFile" not in argument
        ):
            self.add(
                step,
                f"{path}.Std:JsonGet",
                'needs {"PropertyFile": {"Get": '
                '"Steps.<step>.PropertyFiles.<name>"}, "Path": "<json path>"}',
            )
            return None
        self._property_file(argument["PropertyFile"], step, f"{path}.Std:JsonGet.PropertyFile")
        return None

    def _get(
        self, reference: Any, step: str, path: str, shape_name: str | None, label: str
    ) -> str | None:
        if not isinstance(reference, str):
            self.add(step, path, "must be a string like Parameters.X or Steps.Y.Property")
            return None
        head, _, rest = reference.partition(".")
        if head == "Parameters":
            if rest not in self.parameters:
                self.add(
                    step,
                    path,
                    f"{reference!r} names no declared parameter"
                    f"{_suggest(rest, self.parameters)}; declare it in Parameters",
                )
                return None
            if shape_name is not None:
                self.uses.setdefault(rest, []).append(
                    limits.shape_limit("sagemaker", shape_name, label or f"SageMaker {shape_name}")
                )
            return _TYPE_OF_PARAMETER[self.parameters[rest]]
        if head == "Execution":
            if rest not in EXECUTION_VARIABLES:
                self.add(
                    step,
                    path,
                    f"{reference!r} is not an execution variable"
                    f"{_suggest(rest, EXECUTION_VARIABLES)}; SageMaker has "
                    f"{', '.join('Execution.' + v for v in EXECUTION_VARIABLES)}",
                )
                return None
            return EXECUTION_VARIABLES[rest]
        if head == "Steps":
            return self._step_property(rest, step, path)
        self.add(
            step,
            path,
            f"{reference!r} is not a reference SageMaker resolves; use "
            "Parameters.<name>, Steps.<step>.<property> or Execution.<variable>",
        )
        return None

    def _step_property(self, rest: str, step: str, path: str) -> str | None:
        match = re.match(r"([^.\[]+)(.*)", rest)
        if not match:
            self.add(step, path, "names no step; use Steps.<step>.<property>")
            return None
        other, property_path = match.group(1), match.group(2).lstrip(".")
        if other not in self.steps:
            self.add(
                step,
                path,
                f"refers to step {other!r}, which does not exist{_suggest(other, self.steps)}",
            )
            return None
        if other == step:
            self.add(step, path, "a step cannot read its own properties")
            return None
        self.edges[step].add(other)
        if property_path.startswith("PropertyFiles"):
            return None
        api = STEP_APIS.get(self.steps[other].get("Type"))
        if api is None or api[2] is None or not property_path:
            return None
        model = limits.service_model("sagemaker")
        shape = model["operations"][api[2]]["output"]["shape"]
        kind = _walk_property(model["shapes"], shape, property_path)
        if isinstance(kind, str) and kind.startswith("!"):
            self.add(
                step,
                path,
                f"step {other!r} ({self.steps[other].get('Type')}) has no "
                f"property {property_path!r}: {kind[1:]} (SageMaker {api[2]} response)",
            )
            return None
        return kind

    def _property_file(self, value: Any, step: str, path: str) -> None:
        reference = value.get("Get") if isinstance(value, dict) else None
        match = re.fullmatch(r"Steps\.([^.]+)\.PropertyFiles\.([^.]+)", reference or "")
        if not match:
            self.add(step, path, 'must be {"Get": "Steps.<step>.PropertyFiles.<name>"}')
            return
        other, name = match.groups()
        if other not in self.steps:
            self.add(
                step,
                path,
                f"refers to step {other!r}, which does not exist{_suggest(other, self.steps)}",
            )
            return
        self.edges[step].add(other)
        if name not in self.property_files.get(other, set()):
            self.add(
                step,
                path,
                f"step {other!r} declares no property file {name!r} "
                "(PropertyFiles[].PropertyFileName)",
            )

    def _cycles(self) -> None:
        state: dict[str, int] = {}
        for start in self.edges:
            if state.get(start):
                continue
            stack: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(self.edges[start])))]
            state[start] = 1
            trail = [start]
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    state[node] = 2
                    stack.pop()
                    trail.pop()
                elif state.get(child) == 1:
                    cycle = [*trail[trail.index(child) :], child]
                    self.add(
                        child,
                        "DependsOn",
                        "steps depend on each other in a cycle: "
                        f"{' -> '.join(cycle)}; SageMaker refuses it. Break the cycle",
                    )
                    return
                elif not state.get(child):
                    state[child] = 1
                    trail.append(child)
                    stack.append((child, iter(sorted(self.edges.get(child, ())))))


def _walk_property(shapes: dict[str, Any], shape_name: str, path: str) -> str:
    """The type at `path` in a response shape, or "!<why not>"."""
    tokens = re.findall(r"\.?([A-Za-z0-9_]+)|\[(\d+|'[^']*'|\"[^\"]*\")\]", path)
    for member, index in tokens:
        shape = shapes[shape_name]
        if member:
            members = shape.get("members", {})
            if shape["type"] != "structure" or member not in members:
                return f"!no member {member!r}{_suggest(member, members)}"
            shape_name = members[member]["shape"]
        elif shape["type"] == "list":
            shape_name = shape["member"]["shape"]
        elif shape["type"] == "map":
            shape_name = shape["value"]["shape"]
        else:
            return f"!{index} indexes a {shape['type']}"
    kind = shapes[shape_name]["type"]
    return "float" if kind in _FLOAT_SHAPES else kind


@functools.cache
def _longest_substitutions() -> dict[str, str]:
    partition = max(limits.partitions(), key=len)
    region = max(limits.regions(), key=len)
    role = f"arn:{partition}:iam::123456789012:role/{'p' * 511}/{'n' * 64}"
    return {
        "ExecutionRoleArn": role,
        "AccountId": "1" * 12,
        "Region": region,
        "Partition": partition,
    }


def _is_expression(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in EXPRESSIONS


def _describe(value: dict[str, Any]) -> str:
    ((operator, argument),) = value.items()
    if operator == "Get":
        return f'{{"Get": {json.dumps(argument)}}}'
    return operator


def _compatible(yields: str, target: str) -> bool:
    if yields in ("structure", "list", "map"):
        return target == yields
    if target == "string":
        return yields in ("string", "timestamp")
    if target in _INTEGER_SHAPES:
        return yields in _INTEGER_SHAPES
    if target in _FLOAT_SHAPES:
        return yields in (*_INTEGER_SHAPES, *_FLOAT_SHAPES)
    if target == "timestamp":
        return yields in ("timestamp", "string")
    return yields == target


def _a(word: str) -> str:
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _kind_word(kind: str) -> str:
    return {"structure": "object", "long": "integer", "double": "number", "float": "number"}.get(
        kind, kind
    )


def _fits(value: Any, kind: str) -> bool:
    if kind == "String":
        return isinstance(value, str)
    if kind == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "Float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, bool)


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def parameter_value_problem(text: str, kind: str) -> str | None:
    """Is `text` (a run parameter as EventBridge sends it) a value of the declared type?"""
    if kind == "Integer" and not re.fullmatch(r"-?[0-9]+", text, re.ASCII):
        return f"{text!r} is not an Integer, the type the definition declares"
    if kind == "Float" and not re.fullmatch(
        r"-?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?", text, re.ASCII
    ):
        return f"{text!r} is not a Float, the type the definition declares"
    if kind == "Boolean" and text not in ("true", "false"):
        return f"{text!r} is not a Boolean (true or false), the type the definition declares"
    return None
