#!/usr/bin/env bash
# The schedule diff of one stack against the pull request's base: first in the job summary and,
# where GH_TOKEN may write to the pull request, as its own comment, updated in place on later
# pushes (one per stack, found by a hidden marker), so it stays above pulumi/actions' comment.
#
#   schedule-diff.sh STACK      env: BASE_REF (default HEAD^1, the merge commit's base parent),
#                               OUT (default build/diff); GH_TOKEN, PR_NUMBER, GITHUB_REPOSITORY
#                               for the comment (omit GH_TOKEN on forks: summary only)
#
# Exit status is mlsched diff's: 0, 1 the head has a mandatory violation, 2 bad input.
set -euo pipefail
: "${GITHUB_STEP_SUMMARY:?set by GitHub Actions}"
stack="${1:?usage: schedule-diff.sh STACK}"
base="${BASE_REF:-HEAD^1}"
out="${OUT:-build/diff}"
mlsched="${MLSCHED:-.venv/bin/mlsched}"
status=0
"${mlsched}" diff --base "${base}" --stack "${stack}" --format none --out "${out}" || status=$?
report="${out}/diff.md"
if [[ ! -f "${report}" ]]; then
  printf '> **No schedule diff for %s** (mlsched diff exit status %s; see the step log)\n' \
    "${stack}" "${status}" >> "${GITHUB_STEP_SUMMARY}"
  exit "$((status == 0 ? 2 : status))"
fi
cat "${report}" >> "${GITHUB_STEP_SUMMARY}"
printf '\n' >> "${GITHUB_STEP_SUMMARY}"
if [[ -n "${GH_TOKEN:-}" ]]; then
  : "${PR_NUMBER:?}" "${GITHUB_REPOSITORY:?}"
  marker="<!-- mlsched-diff:${stack} -->"
  body="$(mktemp)"
  trap 'rm -f "${body}"' EXIT
  { printf '%s\n' "${marker}"; cat "${report}"; } > "${body}"
  # Only our own earlier comment is edited: anyone can paste the marker into theirs.
  id="$(gh api --paginate "repos/${GITHUB_REPOSITORY}/issues/${PR_NUMBER}/comments" \
    --jq ".[] | select(.user.login == \"github-actions[bot]\") \
      | select(.body | startswith(\"${marker}\")) | .id" | head -n 1)"
  if [[ -n "${id}" ]]; then
    gh api --method PATCH "repos/${GITHUB_REPOSITORY}/issues/comments/${id}" \
      -F "body=@${body}" > /dev/null
  else
    gh pr comment "${PR_NUMBER}" --repo "${GITHUB_REPOSITORY}" --body-file "${body}"
  fi
fi
exit "${status}"
