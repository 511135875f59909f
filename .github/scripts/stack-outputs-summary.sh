#!/usr/bin/env bash
# Append the outputs of a deployed stack to the job summary. `pulumi stack output --json` prints
# secret outputs as "[secret]", so nothing sensitive lands in the summary. The CLI is the one
# pulumi/actions installed and logged in with, already on PATH.
set -euo pipefail
: "${GITHUB_STEP_SUMMARY:?}" "${PULUMI_STACK_NAME:?}" "${STACK_DIR:?}"
outputs="$(pulumi stack output --json --stack "${PULUMI_STACK_NAME}" --cwd "${STACK_DIR}")"
# The backticks are Markdown code spans, not command substitutions.
# shellcheck disable=SC2016
{
  printf '### Stack outputs: `%s`\n\n```json\n%s\n```\n' "${PULUMI_STACK_NAME}" "${outputs}"
} >> "${GITHUB_STEP_SUMMARY}"
