"""Stack and project files read the way the Pulumi CLI (gopkg.in/yaml.v3) reads them.

Each test pins one rule where yaml.v3 differs from PyYAML's YAML 1.1 (what the plan used to
read) or where the CLI refuses a file; the expected values are yaml.v3's (resolve.go,
decode.go) and pulumi's config object (sdk/go/common/resource/config/object.go).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from modules.stackfile import (
    GoTime,
    StackFileError,
    contains_secret,
    load_yaml,
    plain,
    read_project,
    read_stack,
    wire_text,
)


def value(text: str):
    return load_yaml(f"k: {text}\n", "t.yaml")["k"]


@pytest.mark.parametrize("text", ["yes", "no", "on", "off", "Yes", "ON"])
def test_yaml_1_1_booleans_are_strings_as_in_yaml_v3(text: str) -> None:
    assert yaml.safe_load(f"k: {text}")["k"] in (True, False), "PyYAML reads a boolean"
    assert value(text) == text


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("False", False), ("TRUE", True)])
def test_yaml_1_2_booleans_are_booleans(text: str, expected: bool) -> None:
    assert value(text) is expected


def test_base_60_numbers_are_strings() -> None:
    assert yaml.safe_load("k: 1:30")["k"] == 90, "PyYAML reads base 60"
    assert value("1:30") == "1:30"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0777", 511),  # yaml.v3 keeps YAML 1.1 octal for compatibility
        ("0o17", 15),
        ("0x1F", 31),
        ("0b101", 5),
        ("1_000", 1000),
        ("-12", -12),
        ("09", 9.0),  # not octal: falls through to a float, as in yaml.v3
        ("18446744073709551615", 2**64 - 1),
        ("1e400", "1e400"),  # out of float64 range: Go's ParseFloat fails, a string remains
        (".5", 0.5),
        ("3.0", 3.0),
    ],
)
def test_numbers_follow_go_strconv(text: str, expected: object) -> None:
    assert value(text) == expected
    assert type(value(text)) is type(expected)


def test_integral_floats_reach_the_program_as_integers() -> None:
    # Go's encoding/json writes 3.0 as 3.
    assert wire_text(3.0) == "3"
    assert plain({"retry": 3.0, "ratio": 0.5}) == {"retry": 3, "ratio": 0.5}
    assert wire_text(1e-7) == "1e-7"
    assert wire_text(0.00001) == "0.00001"


def test_quoted_scalars_are_always_strings() -> None:
    assert value("'0777'") == "0777"
    assert value('"true"') == "true"
    assert value("'2026-02-01'") == "2026-02-01"


def test_unquoted_timestamps_become_go_time_text() -> None:
    assert value("2026-02-01T00:00:00Z") == GoTime("2026-02-01 00:00:00 +0000 UTC")
    assert value("2026-2-1") == GoTime("2026-02-01 00:00:00 +0000 UTC")
    assert value("2026-02-01T10:30:00.500+02:00") == GoTime("2026-02-01 10:30:00.5 +0200 +0200")
    assert value("2026-02-01 10:30:00") == GoTime("2026-02-01 10:30:00 +0000 UTC")


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "2026-02-01T10:00:00", "2026-02-01T25:00:00Z"]
)
def test_impossible_or_zoneless_timestamps_stay_strings(text: str) -> None:
    assert value(text) == text


def test_binary_is_base64_decoded_and_other_tags_are_ignored() -> None:
    assert value("!!binary aGk=") == "hi"
    assert value("!!set {a, b}") == {"a": None, "b": None}
    assert value("!custom text") == "text"
    assert value("!!str 12") == "12"
    assert value("!!float 1") == 1.0


def test_invalid_base64_is_refused() -> None:
    with pytest.raises(
        StackFileError, match=r"t\.yaml:1, key 'k': !!binary value contains invalid"
    ):
        value("!!binary '***'")


def test_a_tag_that_does_not_fit_its_value_is_refused() -> None:
    with pytest.raises(StackFileError, match=r"cannot decode !!str `abc` as a !!int"):
        value("!!int abc")
    assert value("!!int '12'") == 12


def test_duplicate_keys_are_refused_naming_both_lines() -> None:
    with pytest.raises(StackFileError) as caught:
        load_yaml("a: 1\nb:\n  c: 1\n  c: 2\n", "t.yaml")
    assert caught.value.line == 4
    assert caught.value.key == "b.c"
    assert "already defined at line 3" in str(caught.value)
    assert load_yaml("a: 1\nb:\n  c: 1\n  d: 2\n", "t.yaml") == {"a": 1, "b": {"c": 1, "d": 2}}


def test_keys_the_cli_folds_into_one_are_refused() -> None:
    with pytest.raises(
        StackFileError, match=r"t\.yaml:2, key '1': is the same key as the one at line 1"
    ):
        load_yaml("1: a\n01: b\n", "t.yaml")


def test_non_string_keys_become_go_text() -> None:
    assert load_yaml("1: a\ntrue: b\n", "t.yaml") == {"1": "a", "true": "b"}


def test_collection_keys_are_refused() -> None:
    with pytest.raises(StackFileError, match="cannot be a key"):
        load_yaml("? [a]\n: b\n", "t.yaml")


def test_merge_keys_fill_in_without_overriding() -> None:
    doc = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n"
    assert load_yaml(doc, "t.yaml")["use"] == {"x": 1, "y": 3}
    with pytest.raises(StackFileError, match="requires a map"):
        load_yaml("s: &s [1]\nuse:\n  <<: *s\n", "t.yaml")


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once() -> None:
    bomb = billion_laughs()
    assert len(bomb) < 1_500
    started = time.perf_counter()
    with pytest.raises(StackFileError, match="excessive aliasing"):
        load_yaml(bomb, "bomb.yaml")
    assert time.perf_counter() - started < 1.0, "refused after a few thousand nodes"


def test_ordinary_aliases_are_expanded() -> None:
    assert load_yaml("a: &x [1, 2]\nb: *x\n", "t.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_an_anchor_that_contains_itself_is_refused() -> None:
    with pytest.raises(StackFileError, match="anchor 'x' value contains itself"):
        load_yaml("a: &x [*x]\n", "t.yaml")


def test_an_unknown_anchor_is_refused() -> None:
    with pytest.raises(StackFileError, match=r"t\.yaml:1: unknown anchor 'nope'"):
        load_yaml("a: *nope\n", "t.yaml")


def test_a_second_document_is_refused_because_the_cli_ignores_it() -> None:
    with pytest.raises(StackFileError, match=r"t\.yaml:2: holds a second YAML document"):
        load_yaml("a: 1\n---\nb: 2\n", "t.yaml")
    assert load_yaml("---\na: 1\n", "t.yaml") == {"a": 1}


@pytest.mark.parametrize("depth", [200, 5000])
def test_deep_nesting_is_refused_without_a_recursion_error(depth: int) -> None:
    with pytest.raises(StackFileError, match=r"nests deeper than|nesting depth"):
        load_yaml("k: " + "[" * depth + "]" * depth + "\n", "t.yaml")


def test_syntax_errors_name_the_line() -> None:
    with pytest.raises(StackFileError, match=r"t\.yaml:3: is not valid YAML: did not find"):
        load_yaml("a: [1,\nb: {c\n", "t.yaml")


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_stack_config_keys_are_namespaced_like_the_cli(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Pulumi.s.yaml",
        "config:\n  tags: {a: b}\n  aws:region: us-east-1\n  mlsched:config:x: 1\n",
    )
    stack = read_stack(tmp_path, "s", "mlsched")
    assert dict(stack.config) == {
        "mlsched:tags": {"a": "b"},
        "aws:region": "us-east-1",
        "mlsched:x": 1,
    }
    assert stack.line_of("aws:region") == 3
    assert stack.wire() == {
        "mlsched:tags": '{"a":"b"}',
        "aws:region": "us-east-1",
        "mlsched:x": "1",
    }


def test_a_key_given_twice_through_namespacing_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "config:\n  pipelines: []\n  mlsched:pipelines: []\n")
    with pytest.raises(
        StackFileError, match=r"'pipelines' and 'mlsched:pipelines' are the same config key"
    ):
        read_stack(tmp_path, "s", "mlsched")


def test_a_key_with_too_many_colons_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "config:\n  mlsched:a:b: 1\n")
    with pytest.raises(
        StackFileError, match=r"Pulumi\.s\.yaml:2, key 'mlsched:a:b': .* <namespace>:<name>"
    ):
        read_stack(tmp_path, "s", "mlsched")


def test_unknown_top_level_stack_file_keys_are_refused_with_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "conifg:\n  mlsched:pipelines: []\n")
    with pytest.raises(
        StackFileError, match=r"Pulumi\.s\.yaml:1, key 'conifg': .*did you mean 'config'"
    ):
        read_stack(tmp_path, "s", "mlsched")


def test_nan_cannot_be_handed_to_the_program(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "config:\n  mlsched:pipelines:\n    - retryAttempts: .nan\n")
    with pytest.raises(StackFileError, match=r"key 'mlsched:pipelines': nan cannot be passed"):
        read_stack(tmp_path, "s", "mlsched")


def test_an_empty_stack_file_is_an_empty_config(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "")
    assert read_stack(tmp_path, "s", "mlsched").config == {}


def test_null_config_values_reach_the_program_as_empty_text(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "config:\n  mlsched:pipelines:\n")
    assert read_stack(tmp_path, "s", "mlsched").wire() == {"mlsched:pipelines": ""}


def test_invalid_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", b"config:\n  mlsched:x: \xff\n")
    with pytest.raises(StackFileError, match=r"Pulumi\.s\.yaml:2: is not UTF-8 \(byte 0xff"):
        read_stack(tmp_path, "s", "mlsched")


def test_a_utf8_bom_is_stripped_like_the_cli(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.s.yaml", "\ufeffconfig:\n  mlsched:x: a\n".encode())
    assert read_stack(tmp_path, "s", "mlsched").config == {"mlsched:x": "a"}


def test_project_file_without_name_is_refused_with_what_was_found(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "nmae: mlsched\nruntime: python\n")
    with pytest.raises(StackFileError, match=r"missing a 'name' attribute; found 'nmae'"):
        read_project(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: [a]\nruntime: python\n", "non-empty string"),
        ("name: my project\nruntime: python\n", "is not a project name"),
        ("name: mlsched\n", "missing a 'runtime'"),
        ("- a\n", "must be a map"),
        ("name: a\nruntime: python\nnmae: b\n", "unknown top-level key"),
        ("name: [a\n", "is not valid YAML"),
        ("name: a\nruntime: nodejs\n", "mlsched stacks are Python programs"),
        ("name: a\nruntime: {name: python, option: {}}\n", "allows only `name` and `options`"),
        ("name: a\nruntime: python\nmain: src/\n", "moves the program out of the stack folder"),
        ("name: a\nruntime: python\nstackConfigDir: cfg\n", "moves the stack files out"),
    ],
)
def test_project_file_problems_are_clear_errors(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, "Pulumi.yaml", text)
    with pytest.raises(StackFileError, match=message):
        read_project(tmp_path)


def test_a_valid_project_file_gives_its_name(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "name: mlsched\nruntime:\n  name: python\n")
    assert read_project(tmp_path).name == "mlsched"


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StackFileError, match="file not found"):
        read_project(tmp_path)


def test_project_file_without_name_suggests_only_a_near_miss(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "runtime: python\n")
    with pytest.raises(StackFileError) as caught:
        read_project(tmp_path)
    assert "missing a 'name' attribute; add `name: <project>`" in str(caught.value)


def test_required_pulumi_version_is_a_project_field_not_an_unknown_key(tmp_path: Path) -> None:
    write(tmp_path, "Pulumi.yaml", "name: a\nruntime: python\nrequiredPulumiVersion: '>=3.0'\n")
    assert read_project(tmp_path).name == "a"


def test_a_non_text_key_in_config_is_refused_as_the_cli_cannot_namespace_it(
    tmp_path: Path,
) -> None:
    # yaml.v3 decodes `config:` into map[interface{}]interface{}; stackConfigNamespacedWithProject
    # then skips it and config.ParseKey refuses every key without a colon.
    write(tmp_path, "Pulumi.s.yaml", "config:\n  pipelines: []\n  1: x\n")
    with pytest.raises(StackFileError, match=r"Pulumi\.s\.yaml:3, key '1': key 1 is not text"):
        read_stack(tmp_path, "s", "mlsched")


def test_esc_environments_are_named_in_a_note_as_the_plan_cannot_open_them(
    tmp_path: Path,
) -> None:
    write(tmp_path, "Pulumi.s.yaml", "environment:\n  - ml/dev\nconfig: {}\n")
    (note,) = read_stack(tmp_path, "s", "mlsched").notes
    assert "ESC environments (ml/dev)" in note
    assert "pulumi preview" in note


@pytest.mark.parametrize("environment", ["ml-dev", "[1, [a]]"])
def test_an_environment_that_is_no_list_of_names_is_refused(
    tmp_path: Path, environment: str
) -> None:
    write(tmp_path, "Pulumi.s.yaml", f"environment: {environment}\nconfig: {{}}\n")
    with pytest.raises(StackFileError, match=r"Pulumi\.s\.yaml:1, key 'environment'"):
        read_stack(tmp_path, "s", "mlsched")


def test_secrets_are_found_at_any_depth_as_config_object_does() -> None:
    assert contains_secret({"a": [{"b": {"secure": "v1:x"}}]})
    assert not contains_secret({"secure": 1})  # not text: an ordinary map
    assert not contains_secret({"secure": "v1:x", "other": 1})


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("Pulumi.json", "reads Pulumi.json before Pulumi.yaml"),
        ("Pulumi.yml", "ignores it and reads Pulumi.yaml"),
        ("Pulumi.s.yml", "ignores it and reads Pulumi.s.yaml"),
        ("Pulumi.s.json", "ignores it and reads Pulumi.s.yaml"),
    ],
)
def test_another_spelling_of_a_file_beside_it_is_refused_as_the_cli_reads_or_ignores_it(
    tmp_path: Path, other: str, message: str
) -> None:
    write(tmp_path, "Pulumi.yaml", "name: mlsched\nruntime: python\n")
    write(tmp_path, "Pulumi.s.yaml", "config: {}\n")
    write(tmp_path, other, "{}")
    with pytest.raises(StackFileError, match=message) as caught:
        read_stack(tmp_path, "s", "mlsched")  # reads Pulumi.yaml's declarations too
    assert other in str(caught.value)


@pytest.mark.parametrize("stack", ["dev stack", "dév", "a" * 101, "org/dev"])
def test_a_stack_name_the_cli_refuses_is_refused_before_any_file_is_read(
    tmp_path: Path, stack: str
) -> None:
    with pytest.raises(StackFileError, match="is not a stack name"):
        read_stack(tmp_path, stack, "mlsched")
