#!/usr/bin/env bash
# Security scan of every synthesized example stack with checkov (pinned in versions.env, installed
# by toolchain.sh into $ENGINE_CACHE/checkov-<version>/venv).
#
# Usage: scripts/engine/checkov.sh [CONFIG ...]   (default: storage.yaml and examples/*.yaml)
#
# Each config is synthesized exactly as `npm run synth` does (main.ts), into a temp directory, and
# checkov's terraform_json framework (the one that reads cdk.tf.json) scans the stacks.
#
# Skips: a check that does not apply to a resource is skipped next to the config that causes it,
# by the construct that emits the resource, in the resource's "//" metadata:
#   "//": { "checkov": ["checkov:skip=CKV_AWS_18:<reason>"] }
# (checkov's own suppression syntax; constructs/checkov.ts). checkov 3.3's terraform_json runner
# does not read suppressions (its runner passes no skipped checks to the registry), so
# checkov-report.py applies them: a failed check is accepted only when its resource names that
# check with a non-empty reason. Any other failed check, or a parsing error, fails this script.
#
# Environment: ENGINE_CACHE, CHECKOV_REPORT (also write the JSON summary there),
# ENGINE_KEEP_WORK=1 (keep the synthesized stacks and checkov's raw output).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh" checkov
CHECKOV=$CHECKOV_DIR/venv/bin/checkov
PYTHON=$CHECKOV_DIR/venv/bin/python

[[ -x $CHECKOV ]] || { log "checkov $CHECKOV_VERSION missing: run scripts/engine/toolchain.sh checkov"; exit 1; }

cd "$PROJECT"
configs=("$@")
if ((${#configs[@]} == 0)); then
  configs=(storage.yaml)
  for f in examples/*.yaml; do configs+=("$f"); done
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cdktfms-checkov-XXXXXX")
cleanup() { [[ ${ENGINE_KEEP_WORK:-0} == 1 ]] && log "work dir kept: $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT

for config in "${configs[@]}"; do
  name=$(basename "$config" .yaml)
  CDKTF_OUTDIR="$WORK/$name" node --require ./scripts/register-ts.cjs main.ts --config "$config" >/dev/null 2>"$WORK/synth-$name.log" ||
    { log "synth of $config failed:"; cat "$WORK/synth-$name.log" >&2; exit 1; }
done

# checkov 3.3's terraform_json parser takes every top-level block for a map and fails on the
# list of `moved` blocks (the address moves of managed keys). They configure nothing, so the
# scanned copies go without them.
"$PYTHON" - "$WORK" <<'EOF_PY'
import json, pathlib, sys
for path in pathlib.Path(sys.argv[1]).glob("*/stacks/*/cdk.tf.json"):
    stack = json.loads(path.read_text())
    if stack.pop("moved", None) is not None:
        path.write_text(json.dumps(stack, indent=2))
EOF_PY

# --skip-download: no call to the vendor's platform (this machine has no route there anyway);
# guidelines and severities are left out of the results, the checks themselves all run.
rc=0
"$CHECKOV" --directory "$WORK" --framework terraform_json --skip-download --compact \
  --output json >"$WORK/checkov.json" 2>"$WORK/checkov.log" || rc=$?
# checkov exits 1 when a check failed: the report below decides, from the skips. Anything else
# (or no JSON) is checkov itself failing.
if ((rc > 1)) || ! "$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/checkov.json" 2>/dev/null; then
  log "checkov failed (exit $rc):"
  tail -30 "$WORK/checkov.log" >&2
  exit 1
fi
"$PYTHON" "$HERE/checkov-report.py" "$WORK/checkov.json" "$WORK" "${CHECKOV_REPORT:-}"
