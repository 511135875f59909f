#!/usr/bin/env bash
# Append the offline plan reports (build/plan/<stack>.md, written by `make plan`) to the job
# summary in promotion order. Missing reports are named; they fail the step only when the plan
# itself succeeded, because then the plan broke its contract (a failed plan already failed the job).
set -euo pipefail
: "${GITHUB_STEP_SUMMARY:?set by GitHub Actions}"
outcome="${PLAN_OUTCOME:-success}"
dir="${PLAN_DIR:-build/plan}"
missing=()
for stack in "$@"; do
  report="${dir}/${stack}.md"
  if [[ -f "${report}" ]]; then
    cat "${report}" >> "${GITHUB_STEP_SUMMARY}"
    printf '\n' >> "${GITHUB_STEP_SUMMARY}"
  else
    missing+=("${stack}")
  fi
done
if ((${#missing[@]})); then
  printf '> **No plan report for: %s** (plan outcome: %s; see the step log)\n' \
    "${missing[*]}" "${outcome}" >> "${GITHUB_STEP_SUMMARY}"
  if [[ "${outcome}" == "success" ]]; then
    echo "::error::make plan succeeded but wrote no report for: ${missing[*]} (expected ${dir}/<stack>.md)"
    exit 1
  fi
fi
