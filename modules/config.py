"""The `mlsched:*` config contract, shared core: raw stack config -> frozen, validated dataclasses.

Pure Python (no Pulumi, no cloud SDK, no cloud calls), so every mistake is reported before
anything is previewed: all problems of a stack at once, each naming the stack, the pipeline and
the key, and saying how to fix it.

What the core owns
    The keys every cloud shares (`SHARED_KEYS`: name, cloud, schedule, timezone, enabled,
    parameters, description, tags, protect, expectedDuration), the stack-level `mlsched:tags`,
    unique pipeline names, unknown-key did-you-mean over the shared keys plus the entry's cloud's
    keys, and the error types (`ConfigIssue`, `ConfigError`, `IssueContext`). It validates the
    *shape* of shared keys (required, type, structure); limits that differ per cloud (name rules,
    tag lengths, description length, parameter names) are the cloud's.

Cloud plug-in contract
    Every pipeline entry has `cloud: aws | azure | gcp` (default `aws`). For a cloud `<c>` the core
    imports `modules.<c>.config` lazily, on the first entry that names it (so a stack pays only
    for the clouds it uses), and reads its module attribute `VALIDATOR`, a `CloudValidator`:

    * `keys`: the cloud's own pipeline keys -> one-line description (for did-you-mean);
    * `check_name(name)` / `check_tag(key, value)`: the cloud's naming and tag rules, returning a
      problem sentence or None; `schedule_example`: a valid schedule in the cloud's dialect;
    * `validate(entry, ctx)`: the one call per entry. It gets a `PipelineEntry` (the raw mapping,
      the already validated `SharedFields`, the stack folder and the reference instant), reports
      every problem with `ctx.add(key, problem)` and returns its frozen config, a subclass of
      `PipelineBase` built as `Config(**entry.shared.fields(), schedule=..., ...)`, or None.
      `parse_schedule_key` parses the `schedule`/`timezone` keys in the cloud's dialect.

    Cloud config modules are pure validation: they import no Pulumi SDK. A cloud whose
    `modules.<c>.config` does not exist yet gets a "not supported yet" error naming the stack,
    pipeline and key `cloud`.
"""

from __future__ import annotations

import difflib
import importlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from modules.project_config import contains_secret
from modules.schedule import Schedule, ScheduleError, analyze, parse_schedule

CLOUDS = ("aws", "azure", "gcp")
DEFAULT_CLOUD = "aws"

SHARED_KEYS: dict[str, str] = {
    "name": "pipeline name (required)",
    "cloud": "aws (default), azure or gcp",
    "schedule": "the schedule in the cloud's dialect (required)",
    "timezone": "time zone of the schedule, default UTC",
    "enabled": "whether the schedule fires, default true",
    "parameters": "pipeline parameters passed on every run, default none",
    "description": "pipeline description, default none",
    "tags": "tags on every resource of the pipeline, default none",
    "protect": "Pulumi protect on the pipeline, default false",
    "expectedDuration": "how long one run usually takes (e.g. 90m, 2h, 1h30m), default unknown",
}

# `90m`, `2h`, `1h30m`, `1d`, `1d12h`: whole minutes at least, so the overlap policies compare
# like with like (schedule intervals are whole minutes on every cloud).
DURATION_PATTERN = re.compile(r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?", re.ASCII)
MAX_EXPECTED_DURATION = timedelta(days=31)


@dataclass(frozen=True)
class ConfigIssue:
    stack: str
    pipeline: str | None
    key: str
    problem: str

    def __str__(self) -> str:
        where = f"stack {self.stack!r}"
        if self.pipeline is not None:
            where += f", pipeline {self.pipeline!r}"
        return f"{where}, key {self.key!r}: {self.problem}"


class ConfigError(ValueError):
    """Invalid stack config; `issues` lists every problem found, the message shows them all."""

    def __init__(self, issues: Sequence[ConfigIssue] | str) -> None:
        if isinstance(issues, str):
            self.issues: tuple[ConfigIssue, ...] = ()
            super().__init__(issues)
            return
        self.issues = tuple(issues)
        count = len(self.issues)
        lines = [f"{count} configuration error{'s' if count != 1 else ''}:"]
        lines += [f"  - {issue}" for issue in self.issues]
        super().__init__("\n".join(lines))


@dataclass
class IssueContext:
    """Where problems are collected: every `add` names this stack and pipeline.

    `warn` records something that deploys but not as written (the stack program prints it with
    `pulumi.log.warn`, the offline plan shows it)."""

    stack: str
    pipeline: str | None
    issues: list[ConfigIssue]
    warnings: list[ConfigIssue] = field(default_factory=list)

    def add(self, key: str, problem: str) -> None:
        self.issues.append(ConfigIssue(self.stack, self.pipeline, key, problem))

    def warn(self, key: str, problem: str) -> None:
        self.warnings.append(ConfigIssue(self.stack, self.pipeline, key, problem))


@dataclass(frozen=True, kw_only=True)
class SharedFields:
    """The validated shared keys of one entry (the cloud adds its own and the schedule)."""

    name: str
    cloud: str = DEFAULT_CLOUD
    enabled: bool = True
    """False: the schedule exists but does not fire."""
    parameters: tuple[tuple[str, str], ...] = ()
    """Run parameters as text (numbers and booleans converted the way the clouds send them)."""
    description: str | None = None
    protect: bool = False
    """Pulumi `protect` on the pipeline resource."""
    tags: tuple[tuple[str, str], ...] = ()
    """Stack tags overlaid with the entry's own, sorted by key."""
    expected_duration: timedelta | None = None
    """How long one run usually takes; None: unknown, overlap policies cannot judge it."""

    def fields(self) -> dict[str, Any]:
        """The shared values as keyword arguments for a cloud's `PipelineBase` subclass."""
        return {f.name: getattr(self, f.name) for f in fields(SharedFields)}


@dataclass(frozen=True, kw_only=True)
class PipelineBase(SharedFields):
    """What every cloud's pipeline config has: the shared fields and the parsed schedule."""

    schedule: Schedule


@dataclass(frozen=True)
class PipelineEntry:
    """What a cloud validator gets for one entry."""

    raw: Mapping[str, Any]
    shared: SharedFields
    stack: str
    base_dir: Path
    """The stack folder; relative paths in the entry are relative to it."""
    reference: datetime
    """The instant "never fires" is judged against."""


@dataclass(frozen=True)
class CloudValidator:
    """The plug-in a cloud exports as `modules.<cloud>.config.VALIDATOR` (see module docstring)."""

    keys: Mapping[str, str]
    validate: Callable[[PipelineEntry, IssueContext], PipelineBase | None]
    check_name: Callable[[str], str | None]
    check_tag: Callable[[str, str], str | None]
    schedule_example: str
    """Shown when `schedule` is missing, e.g. `cron(0 12 * * ? *)`."""
    check_stack: Callable[[Mapping[str, Any], IssueContext], None] | None = None
    """Optional: checks the stack-level config map (e.g. `aws:region`) of a stack that has
    entries of this cloud; reports with `ctx.add(key, problem)`."""
    own_tags: tuple[str, ...] = ()
    """Tag keys mlsched itself sets on the cloud's resources: the pipeline's name, then its
    expected duration (only with `expectedDuration`). A user tag of that key is refused."""
    max_tags: int | None = None
    """The most tags (user tags plus `own_tags`) a resource of the cloud accepts; None: the
    cloud checks the count itself."""
    tag_keys_fold_case: bool = False
    """True when the cloud treats `Team` and `team` as one tag name (Azure)."""
    cloud_name: str = ""
    """How messages name the cloud, e.g. `Azure`."""
    stack_settings: bool = False
    """True when the cloud reads `mlsched:<cloud>` (its check_stack validates it); otherwise
    the key is refused rather than ignored."""


@dataclass(frozen=True)
class StackConfig:
    stack: str
    pipelines: tuple[PipelineBase, ...]
    warnings: tuple[ConfigIssue, ...] = ()
    """Deployable, but not as written (e.g. a Scheduler setting AWS ignores); say it."""

    @property
    def clouds(self) -> tuple[str, ...]:
        """The clouds this stack's pipelines use, in `CLOUDS` order."""
        used = {p.cloud for p in self.pipelines}
        return tuple(c for c in CLOUDS if c in used)


_NOT_BUILT = object()
_validators: dict[str, Any] = {}


def validator_for(cloud: str) -> CloudValidator | None:
    """The cloud's validator, imported on first use; None while the cloud is not built."""
    found = _validators.get(cloud)
    if found is None:
        try:
            module = importlib.import_module(f"modules.{cloud}.config")
        except ModuleNotFoundError as error:
            # Only a missing plug-in means "not built"; a plug-in that fails to import is a bug.
            if error.name not in (f"modules.{cloud}", f"modules.{cloud}.config"):
                raise
            found = _NOT_BUILT
        else:
            found = module.VALIDATOR
        _validators[cloud] = found
    return None if found is _NOT_BUILT else found


# Stack-level keys (`<project>:<key>` in Pulumi.<stack>.yaml). `mlsched:<cloud>` is reserved for
# a cloud's stack settings (e.g. `mlsched:azure`); the cloud validates its value.
STACK_KEYS: dict[str, str] = {
    "pipelines": "list of pipeline entries, default empty",
    "tags": "map of tags on every resource of every pipeline, default none",
    **{cloud: f"{cloud} stack settings, validated by modules/{cloud}" for cloud in CLOUDS},
}


def load_stack(
    config: Mapping[str, Any],
    *,
    project: str,
    stack: str,
    base_dir: Path,
    reference: datetime,
) -> StackConfig:
    """Validate the whole config map the Pulumi CLI hands the program (`key -> text`, structured
    values as JSON; `modules.stackfile.StackFile.wire()` gives the same map offline).

    Every `<project>:*` key must be one of STACK_KEYS (a misspelt `mlsched:pipeline` gets the
    closest key, not silently nothing); `mlsched:pipelines` absent or empty means no pipelines.
    Other namespaces (`aws:region`) belong to their providers. Raises ConfigError.
    """
    issues: list[ConfigIssue] = []
    ctx = IssueContext(stack, None, issues)
    prefix = f"{project}:"
    known = [prefix + key for key in STACK_KEYS]
    secrets = {key for key, value in config.items() if holds_secret(value)}
    for key in sorted(k for k in config if isinstance(k, str) and k.startswith(prefix)):
        if key[len(prefix) :] not in STACK_KEYS:
            # Compared without the shared `<project>:` prefix, which makes every key look close.
            close = difflib.get_close_matches(key[len(prefix) :], list(STACK_KEYS), n=1, cutoff=0.6)
            hint = f"did you mean {prefix + close[0]!r}?" if close else "remove it"
            ctx.add(key, f"unknown stack config key; {hint} Known keys: {', '.join(known)}")
        elif key in secrets:
            ctx.add(
                key,
                "holds a secret (`secure:`, or set with `pulumi config set --secret`); mlsched "
                "config is not secret: names, parameters and tags are written in plain text "
                "into the cloud resources and the plan. Keep the secret in the cloud's secret "
                "store (Secrets Manager, Key Vault, Secret Manager) and put its name or ARN here",
            )
    _foreign_namespaces(config, project, ctx)
    # Checks never read (or echo) a secret: the offline plan cannot decrypt it, and the program
    # must not print the plaintext in an error.
    config = {key: value for key, value in config.items() if key not in secrets}
    for cloud in CLOUDS:
        key = f"{prefix}{cloud}"
        if key in config and not getattr(validator_for(cloud), "stack_settings", False):
            # Reserved so a cloud can add stack settings; until it reads them, a value here
            # would be silently ignored.
            ctx.add(key, f"{cloud} has no stack settings in this version; remove the key")
    pipelines = _structured(config, f"{prefix}pipelines", ctx, list, "a list of pipeline entries")
    tags = _structured(config, f"{prefix}tags", ctx, dict, "a map of tag key to value")
    # A list, not a set: any YAML shape may stand where a cloud name belongs (a list or a map is
    # unhashable); _cloud reports the entry, this only picks the clouds whose stack keys to check.
    clouds = [
        entry.get("cloud", DEFAULT_CLOUD) for entry in pipelines or [] if isinstance(entry, dict)
    ]
    for cloud in (c for c in CLOUDS if c in clouds):
        validator = validator_for(cloud)
        if validator is not None and validator.check_stack is not None:
            validator.check_stack(config, ctx)
    try:
        result = load_stack_config(
            pipelines or [],
            stack=stack,
            base_dir=base_dir,
            reference=reference,
            stack_tags=tags or {},
        )
    except ConfigError as error:
        raise ConfigError([*issues, *error.issues]) from None
    if issues:
        raise ConfigError(issues)
    return result


# Namespaces of the providers mlsched's stacks use, and Pulumi's own (`pulumi:tags`).
PROVIDER_NAMESPACES = ("aws", "azure", "azure-native", "gcp", "pulumi")


def _foreign_namespaces(config: Mapping[str, Any], project: str, ctx: IssueContext) -> None:
    """A key the program never reads because its namespace is not the project's: `MLSCHED:…`,
    `mlshced:…`, or `pipelines` under any other namespace. The CLI passes such keys on and the
    program would deploy without them."""
    for key in sorted(k for k in config if isinstance(k, str) and ":" in k):
        namespace, name = key.split(":", 1)
        if namespace == project or namespace in PROVIDER_NAMESPACES:
            continue
        near = namespace.lower() == project.lower() or bool(
            difflib.get_close_matches(namespace.lower(), [project.lower()], n=1, cutoff=0.75)
        )
        if near or name == "pipelines":
            ctx.add(
                key,
                f"namespace {namespace!r} is not this project's ({project!r}, the `name:` of "
                f"Pulumi.yaml), so the program never reads this key; write "
                f"{project}:{name} (or just {name})",
            )


def holds_secret(value: Any) -> bool:
    """A config value that is, or contains, a secret the CLI would decrypt: offline the plan
    gets the ciphertext (`{"secure": "v1:..."}`, as config.object encodes it), and the stack
    program is handed the same shape for its secret keys (modules.runtime_config)."""
    if isinstance(value, str):
        if not value.startswith(("{", "[")):
            return False
        try:
            value = json.loads(value)
        except ValueError:
            return False
    return contains_secret(value)


def _structured(
    config: Mapping[str, Any], key: str, ctx: IssueContext, kind: type, what: str
) -> Any:
    value = config.get(key)
    if value is None or value == "":
        return None  # absent, or `key:` with no value (the CLI hands over "")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            ctx.add(key, f"must be {what}, got the text {value[:60]!r}")
            return None
    if not isinstance(value, kind):
        ctx.add(key, f"must be {what}, got {type(value).__name__}")
        return None
    return value


def load_stack_config(
    raw_pipelines: Any,
    *,
    stack: str,
    base_dir: Path,
    reference: datetime,
    stack_tags: Mapping[str, Any] | None = None,
) -> StackConfig:
    """Validate `mlsched:pipelines` and return it as frozen dataclasses.

    `base_dir` is the stack folder (definition paths are relative to it); `reference` is the
    instant "never fires" is judged against (the stack passes now, tests a fixed time).
    Raises ConfigError listing every problem.
    """
    issues: list[ConfigIssue] = []
    warnings: list[ConfigIssue] = []
    if raw_pipelines is None:
        raw_pipelines = []
    if not isinstance(raw_pipelines, list):
        raise ConfigError(
            [
                ConfigIssue(
                    stack,
                    None,
                    "mlsched:pipelines",
                    f"expected a list of pipeline objects, got {type(raw_pipelines).__name__}; "
                    "write `mlsched:pipelines:` followed by `- name: ...` entries",
                )
            ]
        )
    stack_ctx = IssueContext(stack, None, issues, warnings)
    common_tags = read_tags(stack_tags or {}, stack_ctx, "mlsched:tags")
    _check_stack_tags(common_tags, raw_pipelines, stack_ctx)
    pipelines: list[PipelineBase] = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(raw_pipelines):
        label = raw.get("name") if isinstance(raw, dict) else None
        ctx = IssueContext(
            stack, label if isinstance(label, str) else f"#{index + 1}", issues, warnings
        )
        if not isinstance(raw, dict):
            ctx.add("mlsched:pipelines", "each entry must be an object with `name`, ...")
            continue
        before = len(issues)
        pipeline = _pipeline(raw, ctx, base_dir, reference, common_tags)
        if pipeline is None or len(issues) != before:
            continue
        folded = pipeline.name.lower()
        if folded in seen:
            ctx.add(
                "name",
                f"duplicates pipeline {seen[folded]!r}; names must be unique in a stack "
                "regardless of case (SageMaker ARNs are lowercase, and resource names derive "
                "from them), so give each pipeline a unique name",
            )
            continue
        seen[folded] = pipeline.name
        pipelines.append(pipeline)
    if issues:
        raise ConfigError(issues)
    return StackConfig(stack=stack, pipelines=tuple(pipelines), warnings=tuple(warnings))


def _cloud(raw: Mapping[str, Any], ctx: IssueContext) -> CloudValidator | None:
    cloud = raw.get("cloud", DEFAULT_CLOUD)
    if not isinstance(cloud, str) or cloud not in CLOUDS:
        close = difflib.get_close_matches(str(cloud).lower(), CLOUDS, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        ctx.add("cloud", f"{cloud!r} is not a cloud; {hint}use one of {', '.join(CLOUDS)}")
        return None
    validator = validator_for(cloud)
    if validator is None:
        ctx.add(
            "cloud",
            f"{cloud} pipelines are not supported yet (mlsched has no modules/{cloud}/config.py "
            f"in this version); deploy this pipeline with `cloud: aws` or remove it",
        )
    return validator


def _check_stack_tags(
    tags: tuple[tuple[str, str], ...], raw_pipelines: list[Any], ctx: IssueContext
) -> None:
    """Stack tags land on every pipeline, so each cloud the stack uses must accept them."""
    clouds = {
        r.get("cloud", DEFAULT_CLOUD)
        for r in raw_pipelines
        if isinstance(r, dict) and r.get("cloud", DEFAULT_CLOUD) in CLOUDS
    }
    for cloud in sorted(clouds):
        validator = validator_for(cloud)
        if validator is None:
            continue
        seen: dict[str, str] = {}
        for key, value in tags:
            problem = validator.check_tag(key, value)
            if problem is not None:
                ctx.add(f"mlsched:tags.{key}", f"{problem} ({cloud})")
            if validator.tag_keys_fold_case and key.lower() in seen:
                ctx.add(
                    f"mlsched:tags.{key}",
                    f"is the same tag as {seen[key.lower()]!r} to {validator.cloud_name}, whose "
                    "tag names ignore case; keep one",
                )
            seen[key.lower()] = key


def _pipeline(
    raw: dict[str, Any],
    ctx: IssueContext,
    base_dir: Path,
    reference: datetime,
    common_tags: tuple[tuple[str, str], ...],
) -> PipelineBase | None:
    validator = _cloud(raw, ctx)
    if validator is None:
        return None
    known = {**SHARED_KEYS, **validator.keys}
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "remove it"
            ctx.add(str(key), f"unknown key; {hint} Known keys: {', '.join(known)}")

    name = _name(raw, ctx, validator)
    if raw.get("schedule") in (None, ""):
        ctx.add("schedule", f"is required; add e.g. `schedule: {validator.schedule_example}`")
    timezone = raw.get("timezone")
    if timezone is not None and not isinstance(timezone, str):
        ctx.add(
            "timezone",
            "must be a time zone name: IANA such as Europe/Berlin (azure: a Windows ID such "
            f"as W. Europe Standard Time), got {timezone!r}",
        )
    tags = dict(common_tags)
    entry_tags = raw.get("tags")
    own: dict[str, str] = {}
    for key, value in read_tags({} if entry_tags is None else entry_tags, ctx, "tags"):
        problem = validator.check_tag(key, value)
        if problem is not None:
            ctx.add(f"tags.{key}", problem)
        if validator.tag_keys_fold_case:
            if key.lower() in own:
                ctx.add(
                    f"tags.{key}",
                    f"is the same tag as {own[key.lower()]!r} to {validator.cloud_name}, whose "
                    "tag names ignore case; keep one",
                )
            own[key.lower()] = key
            # The entry's tag replaces the stack's, whatever its case.
            for stack_key in [k for k in tags if k.lower() == key.lower()]:
                del tags[stack_key]
        tags[key] = value
    _check_own_tags(raw, tags, validator, ctx)
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        ctx.add("description", f"must be a string, got {description!r}")
        description = None
    shared = SharedFields(
        name=name or str(ctx.pipeline),
        cloud=raw.get("cloud", DEFAULT_CLOUD),
        enabled=get_bool(raw, "enabled", ctx, True),
        parameters=_parameters(raw, ctx),
        description=description,
        protect=get_bool(raw, "protect", ctx, False),
        tags=tuple(sorted(tags.items())),
        expected_duration=_duration(raw, "expectedDuration", ctx),
    )
    entry = PipelineEntry(
        raw=raw, shared=shared, stack=ctx.stack, base_dir=base_dir, reference=reference
    )
    pipeline = validator.validate(entry, ctx)
    return pipeline if name is not None else None


def _check_own_tags(
    raw: Mapping[str, Any], tags: Mapping[str, str], validator: CloudValidator, ctx: IssueContext
) -> None:
    fold = (lambda key: key.lower()) if validator.tag_keys_fold_case else (lambda key: key)
    own = {fold(key): key for key in validator.own_tags}
    entry_tags = raw.get("tags") if isinstance(raw.get("tags"), dict) else {}
    for key in tags:
        if fold(key) in own:
            ctx.add(
                f"tags.{key}" if key in entry_tags else f"mlsched:tags.{key}",
                f"is the tag mlsched sets itself ({own[fold(key)]}: the pipeline's name or "
                "expected duration), which would overwrite it; pick another key",
            )
    if validator.max_tags is None or not validator.own_tags:
        return
    added = 1 + (
        1 if raw.get("expectedDuration") is not None and len(validator.own_tags) > 1 else 0
    )
    count = len(tags) + added
    if count > validator.max_tags:
        ctx.add(
            "tags",
            f"{count} tags with mlsched's own ({', '.join(validator.own_tags[:added])}); "
            f"{validator.cloud_name or 'the cloud'} accepts at most {validator.max_tags} per "
            f"resource. Drop {count - validator.max_tags}",
        )


def _name(raw: Mapping[str, Any], ctx: IssueContext, validator: CloudValidator) -> str | None:
    name = raw.get("name")
    if name is None:
        ctx.add("name", "is required; add `name: <pipeline-name>`")
        return None
    problem = (
        validator.check_name(name)
        if isinstance(name, str) and name
        else f"{name!r} is not a pipeline name; use a non-empty string"
    )
    if problem is not None:
        ctx.add("name", problem)
        return None
    return name


def _parameters(raw: Mapping[str, Any], ctx: IssueContext) -> tuple[tuple[str, str], ...]:
    values = raw.get("parameters")
    if values is None:
        return ()
    if not isinstance(values, dict):
        ctx.add("parameters", f"must be a map of parameter name to value, got {shown(values)}")
        return ()
    result: list[tuple[str, str]] = []
    for name, value in values.items():
        text = parameter_text(value)
        if text is None:
            ctx.add(f"parameters.{name}", "must be a string, number or boolean")
            continue
        result.append((str(name), text))
    return tuple(result)


def parameter_text(value: Any) -> str | None:
    """A run parameter as the clouds send it: booleans lowercase, numbers as written."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def parse_duration(text: Any) -> timedelta | None:
    """`90m`, `2h`, `1h30m`, `1d` as a timedelta within 1m-31d; None when it is not one."""
    match = DURATION_PATTERN.fullmatch(text) if isinstance(text, str) and text else None
    if match is None:
        return None
    duration = timedelta(
        days=int(match["d"] or 0), hours=int(match["h"] or 0), minutes=int(match["m"] or 0)
    )
    return duration if timedelta(minutes=1) <= duration <= MAX_EXPECTED_DURATION else None


def format_duration(duration: timedelta) -> str:
    """The canonical text of a duration: whole minutes, e.g. `90m` (what tags carry)."""
    return f"{int(duration.total_seconds() // 60)}m"


def _duration(raw: Mapping[str, Any], key: str, ctx: IssueContext) -> timedelta | None:
    value = raw.get(key)
    if value is None:
        return None
    match = DURATION_PATTERN.fullmatch(value) if isinstance(value, str) and value else None
    if match is None:
        ctx.add(key, f"{value!r} is not a duration; write e.g. 90m, 2h, 1h30m or 1d")
        return None
    duration = parse_duration(value)
    if duration is None:
        ctx.add(key, f"{value!r} is outside 1m-31d; give how long one run usually takes")
    return duration


# --- helpers for cloud validators ---------------------------------------------------------------


def parse_schedule_key(
    entry: PipelineEntry,
    ctx: IssueContext,
    *,
    dialect: str,
    timezone: str | None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Schedule | None:
    """Parse the entry's `schedule` in `dialect` with `timezone` (the cloud decides whether the
    `timezone` key applies) and check it fires at least once after the reference instant.
    Problems go to `schedule` or `timezone`, worded by the engine."""
    expression = entry.raw.get("schedule")
    if expression in (None, ""):
        return None  # the core reported it
    if entry.raw.get("timezone") is not None and not isinstance(entry.raw.get("timezone"), str):
        return None  # the core reported it
    try:
        if dialect == "aws":
            schedule = parse_schedule(expression, timezone)
        else:
            schedule = parse_schedule(expression, timezone, dialect=dialect)  # type: ignore[call-arg]
    except ScheduleError as error:
        key = "timezone" if error.field == "timezone" else "schedule"
        ctx.add(key, str(error))
        return None
    try:
        analysis = analyze(schedule, reference=entry.reference, count=1, start=start, end=end)
    except ScheduleError as error:
        ctx.add("schedule", str(error))
        return None
    if analysis.never_fires:
        window = ""
        if start or end:
            window = f" between {iso(start) if start else '-'} and {iso(end) if end else '-'}"
        shown = expression if isinstance(expression, str) else "the schedule"
        ctx.add(
            "schedule",
            f"{shown} never fires after {iso(entry.reference)}{window}; pick a future time "
            "or widen startDate/endDate",
        )
        return None
    return schedule


def read_tags(raw: Any, ctx: IssueContext, key: str) -> tuple[tuple[str, str], ...]:
    """A tag map's shape: string keys, scalar values (as text). Cloud limits are the cloud's."""
    if not isinstance(raw, dict):
        ctx.add(key, f"must be a map of tag key to value, got {shown(raw)}")
        return ()
    tags = []
    for tag, value in raw.items():
        if not isinstance(tag, str) or not tag:
            ctx.add(f"{key}.{tag}", "tag keys must be non-empty strings")
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            ctx.add(f"{key}.{tag}", "tag values must be strings")
            continue
        tags.append((tag, str(value)))
    return tuple(tags)


# YAML 1.1 booleans: PyYAML and older tools read these as true/false, the CLI (yaml.v3) as text.
_YAML11_BOOLEANS = frozenset(
    ("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off")
) | {"OFF"}


def shown(value: Any) -> str:
    """A value of the wrong type as the user wrote it, with how to write what was meant."""
    if value is None:
        return "nothing (`key:` with no value)"
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("true", "false"):
            return f"the text {value!r} (quoted); write {text.lower()} without quotes"
        if text in _YAML11_BOOLEANS:
            return (
                f"the text {value!r}: the Pulumi CLI reads YAML 1.2, where only true and false "
                "are booleans; write true or false"
            )
        if re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", text, re.ASCII):
            return f"the text {value!r} (quoted); write {text} without quotes"
        return f"the text {value[:60]!r}"
    if isinstance(value, (list, dict)):
        return f"a {'list' if isinstance(value, list) else 'map'}"
    return repr(value)


def get_bool(raw: Mapping[str, Any], key: str, ctx: IssueContext, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        ctx.add(key, f"must be true or false, got {shown(value)}")
        return default
    return value


def refuse_when_off(
    raw: Mapping[str, Any], ctx: IssueContext, switch: str, dependents: Sequence[str]
) -> None:
    """Settings that only matter while `switch` is on: with `switch: false` they would be
    silently unused (an alert channel nobody is told about), so each is an error."""
    if raw.get(switch) is not False:
        return
    for key in dependents:
        if raw.get(key) is not None:
            ctx.add(key, f"has no effect with {switch}: false; remove it or set {switch}: true")


def get_int(
    raw: Mapping[str, Any],
    key: str,
    ctx: IssueContext,
    default: int | None,
    bounds: tuple[int, int],
    *,
    provider: str,
) -> int | None:
    """A whole number within `bounds` (the range `provider` accepts), or `default` if absent."""
    value = raw.get(key)
    if value is None:
        return default  # absent, or `key:` with no value
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.add(
            key, f"must be a whole number between {bounds[0]} and {bounds[1]}, got {shown(value)}"
        )
        return default
    if not bounds[0] <= value <= bounds[1]:
        ctx.add(key, f"{value} is outside the range {provider} accepts, {bounds[0]}-{bounds[1]}")
        return default
    return value


def get_str(raw: Mapping[str, Any], key: str, ctx: IssueContext, limit: int) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        ctx.add(key, f"must be a string of at most {limit} characters")
        return None
    return value


def is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def get_string_list(raw: Mapping[str, Any], key: str, ctx: IssueContext) -> tuple[str, ...]:
    value = raw.get(key)
    if value is None:
        return ()
    if not is_str_list(value):
        ctx.add(key, "must be a list of strings")
        return ()
    return tuple(value)


# What the Pulumi CLI hands over for an unquoted YAML timestamp: Go's time.String()
# (see modules/stackfile.py), e.g. "2026-02-01 00:00:00 +0000 UTC".
_GO_TIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}) ([0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,9})?) "
    r"([+-][0-9]{2})([0-9]{2}) \S+",
    re.ASCII,
)


def parse_instant(text: str) -> datetime | None:
    """An ISO 8601 date-time, or Go's time text the CLI makes of an unquoted YAML timestamp;
    None when it is neither. Only ASCII digits (`datetime.fromisoformat` takes others too)."""
    if not text.isascii():
        return None
    go = _GO_TIME.fullmatch(text)
    if go is not None:
        date, clock, hours, minutes = go.groups()
        whole, _, fraction = clock.partition(".")
        text = f"{date}T{whole}{'.' + fraction[:6].ljust(6, '0') if fraction else ''}"
        text += f"{hours}:{minutes}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def get_date(raw: Mapping[str, Any], key: str, ctx: IssueContext) -> datetime | None:
    """An ISO 8601 instant with an offset (YAML may already have parsed it into a datetime)."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        found = parse_instant(value)
        if found is None:
            ctx.add(key, f"{value!r} is not an ISO 8601 date-time like 2026-01-01T00:00:00Z")
            return None
        parsed = found
    else:
        ctx.add(key, "must be an ISO 8601 date-time string like 2026-01-01T00:00:00Z")
        return None
    if parsed.tzinfo is None:
        ctx.add(key, f"{value!r} has no UTC offset; add Z or +hh:mm so the instant is unambiguous")
        return None
    return parsed


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")
