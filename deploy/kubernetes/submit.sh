#!/usr/bin/env bash
# Submits one sharded pushbench run to Kubernetes and merges it:
#   scenario ConfigMap + results volume -> Indexed Job of N shards, all starting at
#   now + LEAD seconds -> wait -> merge Job -> its summary, exit code as `pushbench merge`.
#
# Usage: deploy/kubernetes/submit.sh [-n SHARDS] [-l LEAD_SECONDS] [-s SCENARIO_FILE] [-r RUN_ID] [-p PROMETHEUS_URL] [--dry-run]
#   -n  shards (default 4)            -l  seconds from now to the common start (default 60: pods must
#   -s  scenario file for the ConfigMap       be scheduled, pulled and ready by then, or they are late)
#       (default: the one in configmap.yaml)  -r  run id, the folder under /results (default run-<UTC time>)
#   -p  Prometheus remote-write URL: every shard writes live series there, testid = the run id
#   --dry-run  print the manifests with the values filled in, apply nothing
# Extra kubectl flags (e.g. --namespace bench) go in $KUBECTL_FLAGS.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
shards=4 lead=60 scenario="" run_id="" prometheus="" dry_run=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n) shards=$2; shift 2 ;;
    -l) lead=$2; shift 2 ;;
    -s) scenario=$2; shift 2 ;;
    -r) run_id=$2; shift 2 ;;
    -p) prometheus=$2; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    *) echo "submit.sh: unknown argument $1 (see the usage at the top of this file)" >&2; exit 2 ;;
  esac
done
case "$shards" in ''|*[!0-9]*|0) echo "submit.sh: -n expects a number of shards >= 1, got \"$shards\"" >&2; exit 2 ;; esac
case "$lead" in ''|*[!0-9]*) echo "submit.sh: -l expects whole seconds, got \"$lead\"" >&2; exit 2 ;; esac
case "$prometheus" in ''|http://*|https://*) ;; *) echo "submit.sh: -p expects an http(s):// remote-write URL, got \"$prometheus\"" >&2; exit 2 ;; esac
case "$prometheus" in *[\"\|\\]*) echo "submit.sh: -p: the URL may not contain \", | or \\" >&2; exit 2 ;; esac

start_epoch=$(( $(date -u +%s) + lead ))
# GNU date, then BSD/macOS date.
start_at=$(date -u -d "@$start_epoch" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$start_epoch" +%Y-%m-%dT%H:%M:%SZ)
run_id=${run_id:-run-$(date -u +%Y%m%dT%H%M%SZ | tr 'A-Z' 'a-z')}

# Fills in the lines marked `# pushbench:<what>` in a manifest.
render() {
  sed -E \
    -e "s/^( *(completions|parallelism): )[0-9]+( # pushbench:shards)$/\1${shards}\3/" \
    -e "s/\"[^\"]*\"( # pushbench:shards)$/\"${shards}\"\1/" \
    -e "s/\"[^\"]*\"( # pushbench:run-id)$/\"${run_id}\"\1/" \
    -e "s/\"[^\"]*\"( # pushbench:start-at)$/\"${start_at}\"\1/" \
    -e "s|\"[^\"]*\"( # pushbench:prometheus-url)$|\"${prometheus}\"\1|" \
    "$1"
}

if [ "$dry_run" = 1 ]; then
  render "$here/configmap.yaml"; echo '---'; cat "$here/results-pvc.yaml"; echo '---'
  render "$here/shards-job.yaml"; echo '---'; render "$here/merge-job.yaml"
  exit 0
fi

k() { kubectl ${KUBECTL_FLAGS:-} "$@"; }

# Waits until job $1 has the condition Complete or Failed; prints which.
wait_job() {
  while :; do
    conditions=$(k get job "$1" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $conditions " in
      *" Complete "*) echo Complete; return ;;
      *" Failed "*) echo Failed; return ;;
    esac
    sleep 5
  done
}

if [ -n "$scenario" ]; then
  k create configmap pushbench-scenario --from-file=scenario.yaml="$scenario" --from-literal=prometheus-url="$prometheus" --dry-run=client -o yaml | k apply -f -
else
  render "$here/configmap.yaml" | k apply -f -
fi
k apply -f "$here/results-pvc.yaml"
k delete job pushbench-shards pushbench-merge --ignore-not-found
render "$here/shards-job.yaml" | k apply -f -
echo "submitted $shards shards as $run_id; common start $start_at"
shards_state=$(wait_job pushbench-shards)
echo "shards: $shards_state"
render "$here/merge-job.yaml" | k apply -f -
merge_state=$(wait_job pushbench-merge)
k logs job/pushbench-merge || true
echo "merge: $merge_state (results in /results/$run_id/merged on the pushbench-results volume)"
[ "$merge_state" = Complete ]
