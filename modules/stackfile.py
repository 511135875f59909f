"""`Pulumi.yaml` and `Pulumi.<stack>.yaml` read the way the Pulumi CLI reads them.

The CLI is Go: it parses both files with gopkg.in/yaml.v3 into untyped values
(sdk/go/common/encoding/marshal.go, sdk/go/common/workspace/loaders.go) and hands each config
value to the program as text (sdk/go/common/resource/config/object.go). yaml.v3 follows neither
PyYAML's YAML 1.1 nor plain YAML 1.2: it has its own resolver (resolve.go), which this module
mirrors rule by rule, so the offline plan sees exactly the values `pulumi preview` would:

- booleans are only true/True/TRUE/false/False/FALSE (`yes`, `on`, `y` stay strings);
  null is ``, `~`, null/Null/NULL;
- integers are Go's `strconv.ParseInt(s, 0, 64)` after dropping `_`: decimal, 0x, 0o, 0b and
  the 1.1 leading-zero octal (`0777` is 511); `1:30` (YAML 1.1 base 60) is the string "1:30";
- an unquoted timestamp (`2026-02-01T00:00:00Z`, `2026-02-01`) becomes a Go time.Time, which
  the CLI hands to the program as Go's `time.String()`: "2026-02-01 00:00:00 +0000 UTC";
- `!!binary` is base64-decoded into a string; other unknown tags (`!!set`, `!foo`) are ignored;
- a key defined twice in one mapping is an error ("mapping key already defined"), as is a
  document whose aliases expand past yaml.v3's ratio ("excessive aliasing": a 1 kB alias bomb
  is refused after about a thousand nodes, not after minutes) and an anchor that contains itself;
- `.nan` / `.inf` cannot be passed to a program (Go's encoding/json refuses them).

The syntax is parsed by libyaml (PyYAML's C parser where built, its Python port otherwise):
go-yaml's scanner and parser are a translation of libyaml, so both accept the same grammar.
Where the CLI is silent but the file is ambiguous, this reader refuses too, and says so: a second
YAML document (the CLI ignores it), two keys that the CLI folds into one (`pipelines` and
`mlsched:pipelines`, or `1` and `01`), keys the CLI ignores at the top level of either file, and
nesting deeper than MAX_DEPTH. Every error names the file, the line and the key.

Shared concern: no Pulumi import, no cloud SDK.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import difflib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from modules import project_config
from modules.project_config import (
    Declaration,
    ProjectConfigError,
    contains_secret,
    parse_declarations,
)

# libyaml's parser where PyYAML was built with it (about ten times faster); same grammar.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Deeper than any real config; keeps the decoder and json within Python's recursion limit.
MAX_DEPTH = 64

# Pulumi.<stack>.yaml: the fields of workspace.ProjectStack (sdk/go/common/workspace/project.go).
STACK_FILE_KEYS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
# Pulumi.yaml: the properties of the CLI's project schema (sdk/go/common/workspace/project.json).
PROJECT_FILE_KEYS = (
    "name",
    "description",
    "author",
    "website",
    "license",
    "runtime",
    "main",
    "config",
    "stackConfigDir",
    "backend",
    "options",
    "template",
    "packages",
    "plugins",
    # A field of workspace.Project outside the schema's properties (which allow more keys).
    "requiredPulumiVersion",
)
# What the offline plan runs: `<stack folder>/__main__.py` with the repository's Python.
PLAN_RUNTIME = "python"
_HERE = ("", ".", "./")
# tokens.ValidateProjectName (sdk/go/common/tokens/project.go, names.go).
PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)
# tokens.ParseStackName (sdk/go/common/tokens/stack_name.go).
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)

_STR, _INT, _FLOAT, _BOOL, _NULL = "!!str", "!!int", "!!float", "!!bool", "!!null"
_TIMESTAMP, _BINARY, _MERGE, _SEQ, _MAP = "!!timestamp", "!!binary", "!!merge", "!!seq", "!!map"
_RESOLVABLE = frozenset(("", _STR, _BOOL, _INT, _FLOAT, _NULL, _TIMESTAMP))
_LONG_PREFIX = "tag:yaml.org,2002:"
_SPECIAL = {
    **dict.fromkeys(("true", "True", "TRUE"), (_BOOL, True)),
    **dict.fromkeys(("false", "False", "FALSE"), (_BOOL, False)),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), (_NULL, None)),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), (_FLOAT, float("nan"))),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), (_FLOAT, float("inf"))),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), (_FLOAT, float("-inf"))),
    "<<": (_MERGE, "<<"),
}
_HINT_DIGIT = frozenset("0123456789+-")
_HINT_MAP = frozenset("yYnNtTfFoO~")
# Go's strconv.ParseInt(s, 0, 64) grammar (sign, then a base prefix or a leading-zero octal).
_GO_INT = re.compile(
    r"[+-]?(?:0[xX](?P<hex>[0-9a-fA-F]+)|0[oO](?P<oct>[0-7]+)|0[bB](?P<bin>[01]+)"
    r"|0(?P<loct>[0-7]*)|(?P<dec>[1-9][0-9]*))",
    re.ASCII,
)
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", re.ASCII)
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?", re.ASCII)
# yaml.v3's allowedTimestampFormats, as Go's time.Parse reads each layout.
_TIMESTAMP_FORMS = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?:(?P<sep>[Tt])|(?P<space> ))(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{1,2}):(?P<s>[0-9]{1,2})"
    r"(?:[.,](?P<frac>[0-9]+))?(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?",
    re.ASCII,
)
INT64 = (-(2**63), 2**63 - 1)
UINT64_MAX = 2**64 - 1


class StackFileError(ValueError):
    """A stack or project file the CLI would refuse, or read differently than it looks."""

    def __init__(self, path: Path | str, problem: str, *, line: int | None = None, key: str = ""):
        self.path = str(path)
        self.line = line
        self.key = key
        self.problem = problem
        where = self.path if line is None else f"{self.path}:{line}"
        what = f", key {key!r}" if key else ""
        super().__init__(f"{where}{what}: {problem}")


@dataclass(frozen=True)
class GoTime:
    """A yaml.v3 timestamp; `text` is Go's time.String(), what the CLI hands to the program."""

    text: str


@dataclass(eq=False)
class _Node:
    kind: str  # "scalar", "seq", "map", "alias"
    tag: str
    value: str = ""
    line: int = 0
    quoted: bool = False
    children: list[_Node] = field(default_factory=list)
    target: _Node | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class ProjectFile:
    path: Path
    name: str
    data: Mapping[str, Any]
    declarations: tuple[Declaration, ...] = ()
    """`config:` of Pulumi.yaml: defaults, values and types the CLI applies to every stack."""


@dataclass(frozen=True)
class StackFile:
    """`config:` of Pulumi.<stack>.yaml: namespaced keys, values as the CLI decodes them."""

    path: Path
    project: str
    config: Mapping[str, Any]
    lines: Mapping[str, int]
    notes: tuple[str, ...] = ()
    """What the offline plan could not read the CLI's way (ESC environments); say it."""

    def wire(self) -> dict[str, str]:
        """Each config value as the text the CLI hands to the program (PULUMI_CONFIG)."""
        return {key: wire_text(value) for key, value in self.config.items()}

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)


# --------------------------------------------------------------------------------------------
# Reading


def read_text(path: Path) -> str:
    """The file's text as the CLI reads it (UTF-8, a leading BOM stripped), or a clear error."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise StackFileError(path, "file not found") from None
    except OSError as error:
        raise StackFileError(path, f"cannot be read ({error.strerror or error})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise StackFileError(
            path,
            f"is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save the file as UTF-8",
            line=line,
        ) from None


def load_yaml(text: str, path: Path | str) -> Any:
    """One YAML document decoded with yaml.v3's rules (see the module docstring)."""
    root = _compose(text, path)
    if root is None:
        return None
    return _Decoder(path).decode(root, "", 0)


def read_project(stack_dir: Path) -> ProjectFile:
    """Pulumi.yaml of `stack_dir`, checked like LoadProject/ValidateProject."""
    path = Path(stack_dir) / "Pulumi.yaml"
    _check_siblings(path, "Pulumi", "the project file")
    text = read_text(path)
    data = load_yaml(text, path)
    if not isinstance(data, dict):
        raise StackFileError(path, "must be a map with at least `name:` and `runtime:`", line=1)
    lines = _top_lines(text)
    name = data.get("name")
    if "name" not in data:
        close = difflib.get_close_matches("name", [str(k) for k in data], n=1, cutoff=0.75)
        found = f"; found {close[0]!r} instead" if close else ""
        raise StackFileError(
            path, f"project is missing a 'name' attribute{found}; add `name: <project>`", line=1
        )
    if not isinstance(name, str) or not name:
        raise StackFileError(
            path, "project name must be a non-empty string", line=lines.get("name"), key="name"
        )
    if not PROJECT_NAME.fullmatch(name):
        raise StackFileError(
            path,
            f"{name!r} is not a project name: 1-100 ASCII letters, digits, `_`, `.` or `-`",
            line=lines.get("name"),
            key="name",
        )
    _unknown_keys(path, data, PROJECT_FILE_KEYS, lines)
    _check_runtime(path, data.get("runtime"), lines.get("runtime"))
    for key in ("main", "stackConfigDir"):
        where = data.get(key)
        if where is not None and (not isinstance(where, str) or where.strip() not in _HERE):
            raise StackFileError(
                path,
                f"{where!r} moves the {'program' if key == 'main' else 'stack files'} out of "
                "the stack folder; mlsched's offline plan, CI workflows and stack list expect "
                "`__main__.py` and `Pulumi.<stack>.yaml` next to Pulumi.yaml, so remove the key",
                line=lines.get(key),
                key=key,
            )
    try:
        declarations = parse_declarations(name, data.get("config"))
    except ProjectConfigError as error:
        raise StackFileError(
            path, error.problem, line=lines.get("config"), key=f"config.{error.key}".rstrip(".")
        ) from None
    return ProjectFile(path=path, name=name, data=data, declarations=declarations)


# encoding.Exts: the CLI looks for Pulumi.json, then Pulumi.yaml, then Pulumi.yml
# (workspace.findProjectInDir), and names the stack file with the project file's extension
# (workspace.ProjectStackPath).
CLI_EXTENSIONS = (".json", ".yaml", ".yml")


def _check_siblings(path: Path, base: str, what: str) -> None:
    """The offline plan reads `<base>.yaml`; another spelling beside it is read by the CLI
    instead (`.json` comes first) or ignored by it, and either way is not what was reviewed."""
    for extension in (".json", ".yml"):
        other = path.with_name(base + extension)
        if not other.is_file():
            continue
        if base == "Pulumi" and extension == ".json":
            problem = (
                "the Pulumi CLI reads Pulumi.json before Pulumi.yaml, so it would deploy that "
                "project (and Pulumi.<stack>.json stack files) instead; remove it"
            )
        elif not path.exists():
            problem = f"mlsched reads {path.name} (the layout CI and the plan expect); rename it"
        else:
            problem = (
                f"the Pulumi CLI ignores it and reads {path.name} ({what}); merge it into "
                f"{path.name} and remove it"
            )
        raise StackFileError(other, problem)


def _check_runtime(path: Path, runtime: Any, line: int | None) -> None:
    # project.json: a non-empty string, or {name, options} and nothing else.
    if isinstance(runtime, dict):
        extra = [k for k in runtime if k not in ("name", "options")]
        if extra:
            raise StackFileError(
                path,
                f"runtime allows only `name` and `options`, got {extra[0]!r} (the CLI refuses it)",
                line=line,
                key=f"runtime.{extra[0]}",
            )
        options = runtime.get("options")
        if options is not None and not isinstance(options, dict):
            raise StackFileError(
                path, "runtime options must be a map", line=line, key="runtime.options"
            )
        runtime = runtime.get("name")
    if not runtime:
        raise StackFileError(path, "project is missing a 'runtime' attribute", line=line or 1)
    if runtime != PLAN_RUNTIME:
        raise StackFileError(
            path,
            f"runtime {runtime!r}: mlsched stacks are Python programs (the offline plan runs "
            f"__main__.py with the repository's Python); write `runtime: {PLAN_RUNTIME}`",
            line=line,
            key="runtime",
        )


def read_stack(stack_dir: Path, stack: str, project: str) -> StackFile:
    """`config:` of Pulumi.<stack>.yaml, keys namespaced and parsed like the CLI's config.Map,
    with Pulumi.yaml's `config:` declarations applied when the folder has one."""
    path = Path(stack_dir) / f"Pulumi.{stack}.yaml"
    if not STACK_NAME.fullmatch(stack):
        # tokens.ParseStackName: the CLI refuses the stack before it reads any file.
        bad = next((c for c in stack if not STACK_NAME.fullmatch(c)), "")
        raise StackFileError(
            path,
            f"{stack!r} is not a stack name: 1-100 ASCII letters, digits, `_`, `.` or `-`"
            + (f" (invalid character {bad!r})" if bad else "")
            + "; rename the stack folder",
        )
    _check_siblings(path, f"Pulumi.{stack}", "the stack file")
    text = read_text(path)
    decoder = _Decoder(path)
    root = _compose(text, path)
    data = None if root is None else decoder.decode(root, "", 0)
    if data is not None and not isinstance(data, dict):
        raise StackFileError(path, "must be a map with a `config:` map", line=1)
    data = data or {}
    lines = _top_lines(text)
    _unknown_keys(path, data, STACK_FILE_KEYS, lines)
    for key in ("secretsprovider", "encryptedkey", "encryptionsalt"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise StackFileError(
                path, "must be a string (the CLI writes it)", line=lines.get(key), key=key
            )
    notes = _environment_notes(path, data.get("environment"), lines.get("environment"))
    raw = data.get("config")
    if raw is not None and not isinstance(raw, dict):
        raise StackFileError(
            path, "`config:` must be a map of key: value", line=lines.get("config"), key="config"
        )
    config_lines = _config_lines(text)
    config: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    origin: dict[str, str] = {}
    for key, value in (raw or {}).items():
        line = config_lines.get(str(key))
        if f"config.{key}" in decoder.typed_keys:
            raise StackFileError(
                path,
                f"key {key} is not text to the CLI, which then cannot namespace the config map "
                f"and refuses the file (could not parse {key} as a configuration key); quote it "
                f"and name its namespace, e.g. '{project}:{key}'",
                line=decoder.typed_keys[f"config.{key}"],
                key=str(key),
            )
        full = parse_config_key(key, project, path, line)
        if full in origin:
            raise StackFileError(
                path,
                f"{origin[full]!r} and {key!r} are the same config key {full!r} to the Pulumi "
                "CLI, which keeps one of them at random; keep one",
                line=line,
                key=str(key),
            )
        _check_passable(value, path, full, line)
        origin[full] = str(key)
        config[full] = value
        if line is not None:
            key_lines[full] = line
    project_path = Path(stack_dir) / "Pulumi.yaml"
    if project_path.exists():
        _apply_project(read_project(Path(stack_dir)), config, stack, path, key_lines)
    return StackFile(path=path, project=project, config=config, lines=key_lines, notes=notes)


def _environment_notes(path: Path, environment: Any, line: int | None) -> tuple[str, ...]:
    """ESC environments (`environment:`) feed `pulumiConfig` into the stack's config; the
    offline plan cannot open them (that needs Pulumi Cloud), so it says what it did not read."""
    if environment is None:
        return ()
    if isinstance(environment, list):
        if not all(isinstance(name, str) and name for name in environment):
            raise StackFileError(
                path,
                "must be a list of environment names (e.g. `- my-project/dev`)",
                line=line,
                key="environment",
            )
        names = ", ".join(environment) or "none"
    elif isinstance(environment, dict):
        names = "an inline environment definition"
    else:
        raise StackFileError(
            path,
            "must be a list of ESC environment names or an inline environment definition",
            line=line,
            key="environment",
        )
    return (
        f"{path.name} imports ESC environments ({names}); the Pulumi CLI merges their "
        "`pulumiConfig` into this stack's config (stack values win), which the offline plan "
        "cannot read: it shows only what the stack file and Pulumi.yaml set. Run "
        "`pulumi preview` (or `esc env open <env>`) to see the merged config",
    )


def _apply_project(
    project: ProjectFile, config: dict[str, Any], stack: str, path: Path, lines: dict[str, int]
) -> None:
    content = {key: _content(value) for key, value in config.items()}
    secret = {key: contains_secret(value) for key, value in config.items()}
    before = set(config)
    problems = project_config.merge(
        project.declarations,
        config,
        stack=stack,
        project=project.name,
        stack_file=path.name,
        content=content,
        secret=secret,
    )
    if problems:
        first = problems[0]
        where = project.path if first.key not in before else path
        raise StackFileError(where, first.problem, line=lines.get(first.key), key=first.key)
    for key in set(config) - before:
        _check_passable(config[key], project.path, key, None)


def _content(value: Any) -> Any:
    # validateStackConfigValue: an object value is JSON-decoded, any other arrives as its text.
    if isinstance(value, (dict, list)):
        return plain(value)
    return wire_text(value)


def parse_config_key(key: Any, project: str, path: Path | str, line: int | None) -> str:
    """`key` namespaced like stackConfigNamespacedWithProject + config.ParseKey."""
    if not isinstance(key, str):
        raise StackFileError(
            path,
            f"config keys must be strings, got {type(key).__name__} {key!r}; quote the key",
            line=line,
            key=str(key),
        )
    colons = key.count(":")
    if colons == 0:
        return f"{project}:{key}"
    if colons == 1:
        return key
    namespace, module, name = [*key.split(":"), "", ""][:3]
    if colons == 2 and module == "config" and namespace and name:
        return f"{namespace}:{name}"
    raise StackFileError(
        path,
        f"{key!r} is not a config key; the CLI reads keys as <namespace>:<name> "
        f"(e.g. {project}:{key.rsplit(':', 1)[-1]})",
        line=line,
        key=key,
    )


def _unknown_keys(
    path: Path, data: Mapping[Any, Any], known: tuple[str, ...], lines: Mapping[str, int]
) -> None:
    for key in data:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        raise StackFileError(
            path,
            f"unknown top-level key (the Pulumi CLI ignores it); {hint}",
            line=lines.get(str(key)),
            key=str(key),
        )


def _check_passable(value: Any, path: Path, key: str, line: int | None) -> None:
    # The CLI JSON-encodes every value for the program; Go's encoding/json refuses NaN and ±Inf.
    if isinstance(value, float) and not math.isfinite(value):
        raise StackFileError(
            path,
            f"{value} cannot be passed to a program (JSON has no NaN or infinity); quote it "
            "if you mean the text",
            line=line,
            key=key,
        )
    if isinstance(value, dict):
        for item in value.values():
            _check_passable(item, path, key, line)
    elif isinstance(value, list):
        for item in value:
            _check_passable(item, path, key, line)


def _top_lines(text: str) -> dict[str, int]:
    """Line of each top-level block key (for messages only; the decoder knows the truth)."""
    return _key_lines(text, 0)


def _config_lines(text: str) -> dict[str, int]:
    lines: dict[str, int] = {}
    inside = False
    indent: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(line) - len(stripped)
        if depth == 0:
            inside = stripped.startswith("config:")
            indent = None
            continue
        if inside:
            indent = depth if indent is None else indent
            if depth == indent:
                key = _block_key(stripped)
                if key is not None:
                    lines.setdefault(key, number)
    return lines


def _key_lines(text: str, depth: int) -> dict[str, int]:
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line[:depth].strip() or (depth and line[depth : depth + 1] == " "):
            continue
        key = _block_key(line[depth:])
        if key is not None:
            lines.setdefault(key, number)
    return lines


def _block_key(text: str) -> str | None:
    match = re.match(r"""(?:"([^"]*)"|'([^']*)'|([^\s#'"][^#]*?))\s*:(?:\s|$)""", text)
    if not match:
        return None
    return next(g for g in match.groups() if g is not None)


# --------------------------------------------------------------------------------------------
# Composing: events -> nodes, tags assigned like yaml.v3's parser.node()


def _compose(text: str, path: Path | str) -> _Node | None:
    loader = _LOADER(text)
    try:
        events = _events(loader)
        root = None
        anchors: dict[str, _Node] = {}
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                if root is not None:
                    raise StackFileError(
                        path,
                        "holds a second YAML document (`---`); the Pulumi CLI reads only the "
                        "first and ignores the rest, so remove or merge it",
                        line=event.start_mark.line + 1,
                    )
                root = _compose_node(next(events), events, anchors, path, 0)
        return root
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "syntax error"
        raise StackFileError(path, f"is not valid YAML: {problem}", line=line) from None
    except yaml.YAMLError as error:
        raise StackFileError(path, f"is not valid YAML: {error}") from None
    finally:
        loader.dispose()


def _events(loader: Any) -> Iterator[Any]:
    while loader.check_event():
        yield loader.get_event()


def _short_tag(tag: str | None) -> str:
    if not tag:
        return ""
    if tag.startswith(_LONG_PREFIX):
        return "!!" + tag[len(_LONG_PREFIX) :]
    return tag


def _compose_node(
    event: Any, events: Iterator[Any], anchors: dict[str, _Node], path: Path | str, depth: int
) -> _Node:
    line = event.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise StackFileError(
            path, f"nests deeper than {MAX_DEPTH} levels; flatten the structure", line=line
        )
    if isinstance(event, yaml.AliasEvent):
        target = anchors.get(event.anchor)
        if target is None:
            raise StackFileError(
                path,
                f"unknown anchor {event.anchor!r} referenced; define &{event.anchor} first",
                line=line,
            )
        return _Node("alias", "", event.anchor, line, target=target)
    explicit = event.tag if event.tag not in (None, "!") else None
    if isinstance(event, yaml.ScalarEvent):
        quoted = event.style not in (None, "")
        if explicit is not None:
            tag = _short_tag(explicit)
        elif quoted:
            tag = _STR
        elif event.value == "<<":
            tag = _MERGE
        else:
            tag = _resolve("", event.value)[0]
        node = _Node("scalar", tag, event.value, line, quoted=quoted, anchor=event.anchor)
        if event.anchor:
            anchors[event.anchor] = node
        return node
    kind = "seq" if isinstance(event, yaml.SequenceStartEvent) else "map"
    node = _Node(kind, _short_tag(explicit) or (_SEQ if kind == "seq" else _MAP), "", line)
    if event.anchor:
        # Registered before the children, as yaml.v3 does: `&a [*a]` refers to itself.
        node.anchor = event.anchor
        anchors[event.anchor] = node
    end = yaml.SequenceEndEvent if kind == "seq" else yaml.MappingEndEvent
    for child in events:
        if isinstance(child, end):
            break
        node.children.append(_compose_node(child, events, anchors, path, depth + 1))
    return node


# --------------------------------------------------------------------------------------------
# Resolving scalars: yaml.v3's resolve()


def _resolve(tag: str, text: str) -> tuple[str, Any]:
    if tag not in _RESOLVABLE:
        return tag, text
    rtag, value = _resolve_plain(tag, text)
    if tag in ("", rtag, _STR):
        return rtag, value
    if tag == _FLOAT and rtag == _INT:
        return _FLOAT, float(value)
    raise _TagMismatch(f"cannot decode {rtag} `{text}` as a {tag}")


class _TagMismatch(Exception):
    pass


def _resolve_plain(tag: str, text: str) -> tuple[str, Any]:
    hint = text[:1]
    if tag == _STR or not (text == "" or hint in _HINT_DIGIT or hint in _HINT_MAP or hint == "."):
        return _STR, text
    if text in _SPECIAL:
        return _SPECIAL[text]
    if hint == ".":
        if _DOT_FLOAT.fullmatch(text):
            value = float(text)
            if value not in (float("inf"), float("-inf")):
                return _FLOAT, value
        return _STR, text
    if hint not in _HINT_DIGIT:
        return _STR, text
    if tag in ("", _TIMESTAMP):
        moment = _go_timestamp(text)
        if moment is not None:
            return _TIMESTAMP, moment
    plain = text.replace("_", "")
    number = _go_parse_int(plain)
    if number is not None:
        return _INT, number
    if _YAML_FLOAT.fullmatch(plain):
        value = float(plain)
        if value not in (float("inf"), float("-inf")):  # Go's ParseFloat: ErrRange
            return _FLOAT, value
    return _STR, text


def _go_parse_int(text: str) -> int | None:
    match = _GO_INT.fullmatch(text)
    if not match:
        return None
    sign = -1 if text.startswith("-") else 1
    if match["hex"] is not None:
        value = int(match["hex"], 16)
    elif match["oct"] is not None:
        value = int(match["oct"], 8)
    elif match["bin"] is not None:
        value = int(match["bin"], 2)
    elif match["loct"] is not None:
        value = int(match["loct"] or "0", 8)
    else:
        value = int(match["dec"])
    value *= sign
    if INT64[0] <= value <= INT64[1]:
        return value
    # ParseUint takes no sign; past uint64 the text falls through to a float.
    if sign > 0 and not text.startswith("+") and value <= UINT64_MAX:
        return value
    return None


def _go_timestamp(text: str) -> GoTime | None:
    match = _TIMESTAMP_FORMS.fullmatch(text)
    if not match:
        return None
    if match["space"] is not None and match["zone"] is not None:
        return None  # "2006-1-2 15:4:5" takes no zone; time.Parse refuses the rest
    year, month, day = int(match["y"]), int(match["mo"]), int(match["d"])
    hour, minute, second = (int(match[g] or 0) for g in ("h", "mi", "s"))
    if not 1 <= month <= 12 or hour > 23 or minute > 59 or second > 59:
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = 29 if month == 2 and leap else calendar.monthrange(2001, month)[1]
    if not 1 <= day <= days:
        return None
    if match["sep"] is not None and match["zone"] is None:
        return None  # the T layouts require Z or an offset
    frac = (match["frac"] or "")[:9].rstrip("0")
    zone = match["zone"] or "Z"
    if zone == "Z":
        offset, name = "+0000", "UTC"
    else:
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 24 or minutes > 60:
            return None
        offset = f"{zone[0]}{zone[1:3]}{zone[4:6]}"
        # A fixed zone has no name; Go prints the offset again. (The CLI would print the local
        # zone's name when the machine's zone has this offset; CI machines run in UTC.)
        name = "UTC" if offset in ("+0000", "-0000") else offset
        if name == "UTC":
            offset = "+0000"
    fraction = f".{frac}" if frac else ""
    return GoTime(
        f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}{fraction} "
        f"{offset} {name}"
    )


# --------------------------------------------------------------------------------------------
# Decoding: yaml.v3's decoder into interface{}, then pulumi's config object


class _Decoder:
    # yaml.v3 decode.go: allowedAliasRatio
    _LOW, _HIGH = 400_000, 4_000_000

    def __init__(self, path: Path | str) -> None:
        self.path = path
        self.decode_count = 0
        self.alias_count = 0
        self.alias_depth = 0
        self.active: set[int] = set()
        # Labels (`config.1`) of map keys that are not text, with their line.
        self.typed_keys: dict[str, int] = {}

    def _ratio(self) -> float:
        if self.decode_count <= self._LOW:
            return 0.99
        if self.decode_count >= self._HIGH:
            return 0.10
        span = self._HIGH - self._LOW
        return 0.99 - 0.89 * ((self.decode_count - self._LOW) / span)

    def _fail(self, node: _Node, where: str, problem: str) -> StackFileError:
        return StackFileError(self.path, problem, line=node.line, key=where)

    def decode(self, node: _Node, where: str, depth: int) -> Any:
        self.decode_count += 1
        if self.alias_depth:
            self.alias_count += 1
        if (
            self.alias_count > 100
            and self.decode_count > 1000
            and self.alias_count / self.decode_count > self._ratio()
        ):
            raise self._fail(
                node,
                where,
                "document contains excessive aliasing (the Pulumi CLI refuses it: "
                f"{self.alias_count} of {self.decode_count} nodes come from aliases); "
                "write the values out instead of nesting aliases",
            )
        if depth > MAX_DEPTH:
            raise self._fail(node, where, f"nests deeper than {MAX_DEPTH} levels (via aliases)")
        if node.kind == "alias":
            return self._alias(node, where, depth)
        if node.kind == "scalar":
            return self._scalar(node, where)
        if node.kind == "seq":
            return [
                self.decode(child, f"{where}[{i}]", depth + 1)
                for i, child in enumerate(node.children)
            ]
        return self._mapping(node, where, depth)

    def _alias(self, node: _Node, where: str, depth: int) -> Any:
        target = node.target
        assert target is not None
        if id(target) in self.active:
            raise self._fail(
                node, where, f"anchor {node.value!r} value contains itself; break the cycle"
            )
        self.active.add(id(target))
        self.alias_depth += 1
        try:
            return self.decode(target, where, depth)
        finally:
            self.alias_depth -= 1
            self.active.discard(id(target))

    def _scalar(self, node: _Node, where: str) -> Any:
        if node.tag == _STR:
            return node.value
        try:
            tag, value = _resolve(node.tag, node.value)
        except _TagMismatch as error:
            raise self._fail(node, where, f"{error}; fix the value or drop the tag") from None
        if tag == _BINARY:
            try:
                data = base64.b64decode(re.sub(r"[\r\n]", "", value), validate=True)
            except (binascii.Error, ValueError):
                raise self._fail(
                    node, where, "!!binary value contains invalid base64 data"
                ) from None
            # Go's encoding/json replaces invalid UTF-8 with U+FFFD on the way to the program.
            return data.decode("utf-8", errors="replace")
        if tag == _MERGE:
            return "<<"
        return value

    def _mapping(self, node: _Node, where: str, depth: int) -> dict[Any, Any]:
        pairs = list(zip(node.children[::2], node.children[1::2], strict=True))
        seen: dict[tuple[str, str], _Node] = {}
        for key, _ in pairs:
            ident = (key.kind, key.value)
            if ident in seen:
                name = key.value
                raise self._fail(
                    key,
                    f"{where}.{name}" if where else name,
                    f"mapping key {name!r} already defined at line {seen[ident].line} (the "
                    "Pulumi CLI refuses duplicate keys); keep one",
                )
            seen[ident] = key
        result: dict[Any, Any] = {}
        origin: dict[Any, _Node] = {}
        merges: list[_Node] = []
        for key_node, value_node in pairs:
            if key_node.kind == "scalar" and key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            key = self._key(key_node, where, depth)
            label = f"{where}.{key}" if where else str(key)
            if key in origin:
                raise self._fail(
                    key_node,
                    label,
                    f"is the same key as the one at line {origin[key].line} once the CLI "
                    "decodes them; keep one",
                )
            origin[key] = key_node
            result[key] = self.decode(value_node, label, depth + 1)
        for merge in merges:
            self._merge(merge, result, where, depth)
        return result

    def _key(self, node: _Node, where: str, depth: int) -> Any:
        target = node.target if node.kind == "alias" else node
        if target is not None and target.kind in ("seq", "map"):
            raise self._fail(node, where, "a map or list cannot be a key; use a string")
        key = self.decode(node, where, depth + 1)
        if isinstance(key, str):
            return key
        # pulumi's config object turns non-string keys into text with Go's %v.
        text = _go_text(key)
        self.typed_keys[f"{where}.{text}" if where else text] = node.line
        return text

    def _merge(self, node: _Node, result: dict[Any, Any], where: str, depth: int) -> None:
        # yaml.v3 merges a map, an alias of a map, or a list of those; anything else fails.
        items = node.children if node.kind == "seq" else [node]
        for item in items:
            target = item.target if item.kind == "alias" else item
            if target is None or target.kind != "map":
                raise self._fail(
                    node, where, "map merge (<<) requires a map or a list of maps as the value"
                )
        value = self.decode(node, where, depth + 1)
        for source in value if isinstance(value, list) else [value]:
            for key, item in source.items():
                result.setdefault(key, item)


def _go_text(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GoTime):
        return value.text
    if isinstance(value, float):
        return _go_float(value, fmt_g=True)
    return str(value)


def _go_float(value: float, *, fmt_g: bool = False) -> str:
    """Go's encoding/json float64 text (or %v's 'g' format)."""
    if fmt_g or not math.isfinite(value):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    magnitude = abs(value)
    if value == int(value) and magnitude < 1e21:
        return str(int(value))
    if 1e-6 <= magnitude < 1e21:
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return repr(value).replace("e-0", "e-").replace("e+0", "e+")


def plain(value: Any) -> Any:
    """A decoded value as the program sees it after json.loads (GoTime -> text, 3.0 -> 3)."""
    if isinstance(value, GoTime):
        return value.text
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value) if abs(value) < 1e21 else value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def wire_text(value: Any) -> str:
    """config.object.MarshalString: the text the CLI hands to the program for one value."""
    if value is None:
        return ""  # the CLI warns and passes an empty string
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GoTime):
        return value.text
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
