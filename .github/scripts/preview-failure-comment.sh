#!/usr/bin/env bash
# Post the offline plan of one stack as a pull-request comment after its cloud preview failed.
# pulumi/actions comments only on success, and a mandatory policy violation is exactly the case a
# reviewer must see. Needs GH_TOKEN (pull-requests: write), PR_NUMBER, STACK, RUN_URL.
set -euo pipefail
: "${GH_TOKEN:?}" "${PR_NUMBER:?}" "${STACK:?}" "${RUN_URL:?}" "${GITHUB_REPOSITORY:?}"
report="build/plan/${STACK}.md"
# The plan exits 1 on mandatory violations; its report is what we want either way.
make plan STACK="${STACK}" || true
body="$(mktemp)"
# The backticks are Markdown code spans, not command substitutions.
# shellcheck disable=SC2016
{
  printf '#### :x: `preview` on mlsched/%s failed\n\n' "${STACK}"
  printf 'The cloud preview stopped (a mandatory policy violation or an error): [run log](%s).\n' \
    "${RUN_URL}"
  printf 'Offline plan of `%s`, with the policy verdicts:\n\n' "${STACK}"
  if [[ -f "${report}" ]]; then
    # GitHub rejects comments over 65536 characters.
    head -c 60000 "${report}"
  else
    printf '_The offline plan wrote no report; see the run log._\n'
  fi
} > "${body}"
gh pr comment "${PR_NUMBER}" --repo "${GITHUB_REPOSITORY}" --body-file "${body}"
