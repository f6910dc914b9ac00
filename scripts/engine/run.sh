#!/usr/bin/env bash
# The engine test tier (`npm run test:engine`): real OpenTofu, providers, moto and kube-apiserver.
#
#   1. toolchain.sh: builds what the cache lacks (a warm cache builds nothing). A component the Go
#      module proxy refuses is reported by name and does not fail the tier by itself; what it
#      would have covered is asserted by name in the suite instead.
#   2. services.sh start: moto, etcd, kube-apiserver in the network namespace (stopped on exit).
#   3. the jest suite in test/engine/, inside the namespace, one file at a time.
#   4. checkov.sh: the security scan of every synthesized example stack.
#   5. a summary: what ran, every provider substitution, what could not run and why.
# Exits non-zero on any real failure: a build that failed for another reason than a refusal, a
# service that did not start, a failed test, a checkov finding without a reasoned skip.
#
# Environment:
#   ENGINE_BUILD_AWS=1   also build hashicorp/aws (cold, -N -l: 22 min on 2 idle cores, 58 min on 2 loaded ones); without it the
#                        AWS provider is used whenever its binary is already in the mirror
#   ENGINE_K8S_PROVIDER_DEV (default 1 here): build the kubernetes provider's dev stand-in, since
#                        the proxy refuses the pinned 2.38.0 commit
#   ENGINE_KEEP_WORK=1   keep the suite's and checkov's temp directories
#   ENGINE_CACHE, ENGINE_NETNS: as for toolchain.sh and services.sh
#   extra arguments go to jest (e.g. a test file, -t 'name')
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh" engine-tier
export ENGINE_CACHE
export ENGINE_K8S_PROVIDER_DEV=${ENGINE_K8S_PROVIDER_DEV:-1}
# The apply test's bucket: resolvable by name even where dnsmasq is missing.
export ENGINE_S3_BUCKETS="engine-media ${ENGINE_S3_BUCKETS:-}"


OUT=$(mktemp -d "${TMPDIR:-/tmp}/cdktfms-engine-run-XXXXXX")
REPORT=$OUT/report.jsonl
: >"$REPORT"
failures=()
steps=()
started_services=0
t_all=$(now)

summary() {
  echo
  echo "== engine tier summary ($(elapsed "$t_all") s in all)"
  for s in "${steps[@]}"; do echo "  $s"; done
  if [[ -f $ENGINE_CACHE/toolchain-status.tsv ]]; then
    awk -F'\t' '$2 == "refused" { printf "  not built: %s: the Go module proxy refuses %s\n", $1, $4 }' "$ENGINE_CACHE/toolchain-status.tsv"
  fi
  if ! compgen -G "$ENGINE_CACHE/mirror/*/hashicorp/aws/*/linux_amd64/terraform-provider-aws_v*" >/dev/null; then
    echo "  not built: hashicorp/aws: the tier uses it only when its binary is in the mirror."
    echo "    Enable it with: ENGINE_BUILD_AWS=1 npm run test:engine (cold build 22 min on 2 idle cores, 58 min on 2 loaded ones; then cached)"
  fi
  if [[ -s $REPORT ]]; then
    python3 - "$REPORT" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
titles = {
    "substitution": "substitutions in the engine's copies (the product's files are unchanged)",
    "cannot-run": "could not run, and why",
    "validate-only": "validated but not planned, and why",
    "plan-only": "planned but not applied, and why",
    "applied": "applied for real",
    "deviation": "applied with a deviation (moto is not AWS), and why",
    "verified": "verified",
}
for kind, title in titles.items():
    # One line per distinct detail, naming every stack it applies to.
    by_detail = {}
    for r in rows:
        if r["kind"] == kind:
            subjects = by_detail.setdefault(r["detail"], [])
            if r["subject"] not in subjects:
                subjects.append(r["subject"])
    if by_detail:
        print(f"  {title}:")
        for detail, subjects in by_detail.items():
            print(f"    - {detail}")
            print(f"        {', '.join(subjects)}")
EOF
  fi
  # Apply test files that applied nothing (the AWS provider missing): a loud last word, so a
  # tier that only asserted what it could not do never ends like a full pass.
  local not_applied=""
  if [[ -s $REPORT ]]; then
    not_applied=$(python3 - "$REPORT" <<'EOF'
import json, sys
seen = {}
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        if r["kind"] == "not-applied":
            seen.setdefault(r["subject"], r["detail"])
for subject, detail in seen.items():
    print(f"{subject}: {detail}")
EOF
)
  fi
  if [[ -n $not_applied ]]; then
    echo "  ================================================================================"
    echo "  APPLY TESTS THAT DID NOT RUN: they only asserted why they could not"
    while read -r line; do echo "    - $line"; done <<<"$not_applied"
    echo "    Build the AWS provider with: ENGINE_BUILD_AWS=1 npm run test:engine (then cached)"
    echo "  ================================================================================"
  fi
  [[ ${ENGINE_KEEP_WORK:-0} == 1 ]] && echo "  logs: $OUT" || rm -rf "$OUT"
  if ((${#failures[@]} > 0)); then
    echo "  FAILED: ${failures[*]}"
  elif [[ -n $not_applied ]]; then
    echo "  all steps passed, but NOT RUN (applied nothing): $(cut -d: -f1 <<<"$not_applied" | paste -sd, - | sed 's/,/, /g')"
  else
    echo "  all steps passed"
  fi
}

finish() {
  local rc=$?
  if ((started_services == 1)); then
    "$HERE/services.sh" stop >/dev/null 2>&1 || log "WARNING: services.sh stop failed"
  fi
  summary
  ((${#failures[@]} == 0 && rc == 0)) || exit 1
  exit 0
}
trap finish EXIT

# 1. Toolchain ---------------------------------------------------------------------------------
t0=$(now)
log "toolchain (log: $OUT/toolchain.log)"
if ENGINE_REFUSED_OK=1 "$HERE/toolchain.sh" >"$OUT/toolchain.log" 2>&1; then
  steps+=("toolchain: ok ($(elapsed "$t0") s; $(awk -F'\t' '$2 == "ok"' "$ENGINE_CACHE/toolchain-status.tsv" | wc -l) components ready)")
else
  tail -40 "$OUT/toolchain.log" >&2
  steps+=("toolchain: FAILED ($(elapsed "$t0") s)")
  failures+=(toolchain)
  exit 1
fi

# 2. Services ----------------------------------------------------------------------------------
t0=$(now)
if "$HERE/services.sh" status >/dev/null 2>&1; then
  log "services already running: using them and leaving them running"
  "$HERE/services.sh" hosts-add $ENGINE_S3_BUCKETS
else
  started_services=1
  if ! "$HERE/services.sh" start >"$OUT/services.log" 2>&1; then
    cat "$OUT/services.log" >&2
    steps+=("services: FAILED to start ($(elapsed "$t0") s)")
    failures+=(services)
    exit 1
  fi
fi
steps+=("services: moto, etcd, kube-apiserver up ($(elapsed "$t0") s)")

# 3. The jest suite, inside the namespace -------------------------------------------------------
t0=$(now)
log "jest suite (test/engine/) inside namespace ${ENGINE_NETNS:-cdktfms-engine}"
cd "$PROJECT"
"$HERE/services.sh" exec -- env ENGINE_REPORT="$REPORT" ENGINE_KEEP_WORK="${ENGINE_KEEP_WORK:-0}" \
  npx jest -c test/engine/jest.config.js --runInBand --ci "$@" 2>&1 | tee "$OUT/jest.log"
jest_rc=${PIPESTATUS[0]}
counts=$(grep -E '^Tests:' "$OUT/jest.log" | tail -1 | sed 's/^Tests: *//')
if ((jest_rc == 0)); then
  steps+=("jest (test/engine): ${counts:-?} ($(elapsed "$t0") s)")
else
  steps+=("jest (test/engine): FAILED: ${counts:-no result} ($(elapsed "$t0") s)")
  failures+=(jest)
fi

# 4. checkov -----------------------------------------------------------------------------------
t0=$(now)
log "checkov $CHECKOV_VERSION over every synthesized example stack"
if "$HERE/checkov.sh" | tee "$OUT/checkov.log"; then
  steps+=("checkov: $(head -1 "$OUT/checkov.log" | sed 's/^\[checkov\] //') ($(elapsed "$t0") s)")
else
  steps+=("checkov: FAILED: $(head -1 "$OUT/checkov.log" | sed 's/^\[checkov\] //') ($(elapsed "$t0") s)")
  failures+=(checkov)
fi
