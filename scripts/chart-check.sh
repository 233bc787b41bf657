#!/usr/bin/env bash
# The chart linted and rendered with the real Helm, offline, for the values files the README
# deploys with: `helm lint --strict` and `helm template`, printing what each renders. Every
# rendered object is then validated against its schema by charts/test/render.test.ts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
helm=$root/.tools/bin/helm
[ -x "$helm" ] || helm=$(command -v helm) || {
  echo "helm is not installed: run npm run tools" >&2
  exit 1
}
chart=$root/charts/railgraph
kube_version=1.30.0

"$helm" version --short
for env in dev production; do
  values=$chart/values-$env.yaml
  echo "-- values-$env.yaml"
  "$helm" lint --strict "$chart" -f "$values" --kube-version "$kube_version"
  rendered=$("$helm" template railgraph "$chart" --namespace railgraph -f "$values" --kube-version "$kube_version")
  printf '%s\n' "$rendered" | sed -n 's/^kind: //p' | sort | uniq -c | awk '{ printf "   %3d %s\n", $1, $2 }'
done
