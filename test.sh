#!/usr/bin/env bash
# Runs every test of the solution. On a fresh Debian machine run as root it first prepares the Docker test
# environment (installs docker.io if no engine answers, starts the engines, builds the local test images).
# Ends with one line: "N passed, N failed". Exits non-zero when any test fails or does not run.
set -uo pipefail
cd "$(dirname "$0")"

if [ "${ORCH_SKIP_DOCKER_ENV:-}" != "1" ]; then
  if ! bash .ci/docker-env.sh; then
    echo "Docker test environment could not be prepared (see above)." >&2
    if [ "${CI:-}" = "true" ]; then echo "0 passed, 1 failed"; exit 1; fi
  fi
fi

results=$(mktemp -d)
log="$results/test.log"
dotnet test Orchestrator.sln -c Release --logger "trx" --results-directory "$results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* timeout="\([0-9]*\)".*/\1/p' <<<"$counters")
  a=$(sed -n 's/.* aborted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
done

# A build failure or a crashed test host produces no counters: count it as a failure.
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
