#!/usr/bin/env bash
# Render the first Mermaid chart of a Markdown report in headless Chromium, the way GitHub draws
# it, and save a PNG: proof that the week-at-a-glance chart really renders (not part of make test).
#
#   docs/chart/render.sh [REPORT.md [OUT.png]]
#
# Without REPORT.md it renders `mlsched plan --stack prod` at a fixed time. Needs Debian's
# chromium (apt-get install chromium) and npm; mermaid comes from npm into docs/chart/node_modules
# (git-ignored) at the version package.json pins.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "${here}/../.." && pwd)"
report="${1:-}"
out="${2:-${root}/docs/week-at-a-glance.png}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

command -v chromium > /dev/null || { echo "chromium not found: apt-get install chromium" >&2; exit 2; }
if [[ ! -f "${here}/node_modules/mermaid/dist/mermaid.min.js" ]]; then
  (cd "${here}" && npm install --no-audit --no-fund --ignore-scripts --silent)
fi
if [[ -z "${report}" ]]; then
  report="${work}/plan.md"
  "${root}/.venv/bin/mlsched" plan --stack prod --at 2026-01-01T00:00:00Z --format markdown \
    > "${report}" || [[ $? -eq 1 ]]
fi

python3 - "${report}" "${work}/chart.html" "${here}/node_modules/mermaid/dist/mermaid.min.js" <<'PY'
import html, pathlib, re, sys
report, page, script = sys.argv[1:]
text = pathlib.Path(report).read_text(encoding="utf-8")
match = re.search(r"```mermaid\n(.*?)```", text, re.S)
if not match:
    sys.exit(f"no mermaid block in {report}")
chart = match.group(1)
sections = chart.count("\n    section ")
pathlib.Path(page + ".height").write_text(str(160 + 34 * max(sections, 1)))
pathlib.Path(page).write_text(f"""<!doctype html><html><head><meta charset="utf-8"></head>
<body style="margin:16px;background:#fff;font-family:sans-serif">
<pre class="mermaid">{html.escape(chart)}</pre>
<script src="file://{script}"></script>
<script>
mermaid.initialize({{startOnLoad: false, theme: "default", gantt: {{useWidth: 1500}}}});
mermaid.run().then(
  () => document.body.setAttribute("data-rendered", "ok"),
  (e) => document.body.setAttribute("data-rendered", "error: " + e.message));
</script></body></html>""", encoding="utf-8")
PY

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars
  --virtual-time-budget=15000 --allow-file-access-from-files)
dom="$(chromium "${flags[@]}" --user-data-dir="${work}/profile-dom" --dump-dom \
  "file://${work}/chart.html" 2> "${work}/chromium.log")"
if ! grep -q 'data-rendered="ok"' <<< "${dom}" || grep -q 'Syntax error' <<< "${dom}"; then
  echo "mermaid did not render the chart:" >&2
  grep -o 'data-rendered="[^"]*"' <<< "${dom}" >&2 || tail -5 "${work}/chromium.log" >&2
  exit 1
fi
height="$(cat "${work}/chart.html.height")"
chromium "${flags[@]}" --user-data-dir="${work}/profile-shot" --window-size="1540,${height}" \
  --screenshot="${out}" "file://${work}/chart.html" 2>> "${work}/chromium.log"
echo "rendered: ${out}"
