#!/usr/bin/env bash
# End-to-end smoke check of the engine tier: OpenTofu from the local mirror, inside the services'
# network namespace, against moto (S3 state backend + DigitalOcean Spaces resources) and
# kube-apiserver (kubernetes_secret_v1): init, apply, plan -detailed-exitcode (must show no
# changes), destroy. Uses a hand-written Terraform JSON config in a temp dir.
#
# Usage: scripts/engine/smoke.sh   (starts the services if they are not running; leaves them running
#                                   unless it started them)
# A provider missing from the mirror is reported and makes the check fail, unless
# ENGINE_SMOKE_PARTIAL=1, which runs what is there and exits 0 if that passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$HERE/versions.env"
ENGINE_CACHE=${ENGINE_CACHE:-$HOME/.cache/cdktf-media-storage/engine}
NS=${ENGINE_NETNS:-cdktfms-engine}
RUN=${ENGINE_RUN:-$ENGINE_CACHE/run/$NS}
MIRROR=$ENGINE_CACHE/mirror
BUCKET=${ENGINE_SMOKE_BUCKET:-engine-smoke-media}
STATE_BUCKET=engine-smoke-state

log() { printf '[smoke] %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# The mirror's first directory is the registry host tofu resolves "namespace/type" sources to.
have_provider() { compgen -G "$MIRROR/*/$1/$2/$3/linux_amd64/terraform-provider-$2_v$3" >/dev/null; }

[[ -f $ENGINE_CACHE/env.sh ]] || { log "run scripts/engine/toolchain.sh first"; exit 1; }
# shellcheck disable=SC1091
. "$ENGINE_CACHE/env.sh"
command -v tofu >/dev/null || { log "tofu missing: run scripts/engine/toolchain.sh"; exit 1; }

started_here=0
if ! "$HERE/services.sh" status >/dev/null 2>&1; then
  ENGINE_S3_BUCKETS="$BUCKET $STATE_BUCKET ${ENGINE_S3_BUCKETS:-}" "$HERE/services.sh" start >/dev/null
  started_here=1
else
  "$HERE/services.sh" hosts-add "$BUCKET" "$STATE_BUCKET"
fi
# shellcheck disable=SC1091
. "$RUN/env.sh"

WORK=$(mktemp -d)
cleanup() {
  local rc=$?
  if [[ -f $WORK/.applied ]]; then
    log "cleanup: destroying what the smoke check created"
    in_ns tofu -chdir="$WORK" destroy -auto-approve -input=false >>"$WORK/destroy-cleanup.log" 2>&1 || true
  fi
  ((started_here == 0)) || "$HERE/services.sh" stop >/dev/null 2>&1 || true
  if ((rc == 0)); then rm -rf "$WORK"; else log "work dir kept: $WORK"; fi
  exit $rc
}
trap cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }

missing=()
DO_OK=0 K8S_VERSION=""
if have_provider digitalocean digitalocean "$DO_PROVIDER_VERSION"; then DO_OK=1; else
  missing+=("digitalocean/digitalocean $DO_PROVIDER_VERSION")
fi
if have_provider hashicorp kubernetes "$K8S_PROVIDER_VERSION"; then K8S_VERSION=$K8S_PROVIDER_VERSION; else
  missing+=("hashicorp/kubernetes $K8S_PROVIDER_VERSION")
  if have_provider hashicorp kubernetes "$K8S_PROVIDER_DEV_LABEL"; then
    K8S_VERSION=$K8S_PROVIDER_DEV_LABEL
    log "NOTE: hashicorp/kubernetes $K8S_PROVIDER_VERSION is not in the mirror; using the dev build $K8S_VERSION (main branch, $K8S_PROVIDER_DEV_PSEUDO)"
  fi
fi
for m in "${missing[@]}"; do log "MISSING from the mirror: $m"; done

# The state bucket for the S3 backend (moto accepts the unsigned CreateBucket).
in_ns curl -fsS -X PUT "$ENGINE_S3_ENDPOINT/$STATE_BUCKET" -o /dev/null

python3 - "$WORK/main.tf.json" <<EOF
import json, sys
do_ok, k8s_version = $DO_OK == 1, "$K8S_VERSION"
endpoint = "$ENGINE_S3_ENDPOINT"
cfg = {
  "terraform": {
    "required_providers": {},
    "backend": {"s3": {
      "bucket": "$STATE_BUCKET", "key": "smoke/terraform.tfstate", "region": "us-east-1",
      "endpoints": {"s3": endpoint}, "use_path_style": True, "use_lockfile": True,
      "skip_credentials_validation": True, "skip_requesting_account_id": True,
      "skip_metadata_api_check": True, "skip_region_validation": True, "skip_s3_checksum": True,
    }},
  },
  "provider": {},
  "resource": {"terraform_data": {"marker": {"input": "engine-smoke"}}},
  "output": {},
}
if do_ok:
  cfg["terraform"]["required_providers"]["digitalocean"] = {"source": "digitalocean/digitalocean", "version": "$DO_PROVIDER_VERSION"}
  cfg["provider"]["digitalocean"] = {
    "token": "engine-test-dummy-token",
    "spaces_endpoint": endpoint,
    "spaces_access_id": "engine-test", "spaces_secret_key": "engine-test-secret",
  }
  cfg["resource"]["digitalocean_spaces_bucket"] = {"media": {
    "name": "$BUCKET", "region": "fra1", "acl": "private", "force_destroy": True,
    "versioning": {"enabled": True},
    "lifecycle_rule": [{"id": "expire-tmp", "enabled": True, "prefix": "tmp/", "expiration": [{"days": 7}]}],
  }}
  cfg["resource"]["digitalocean_spaces_bucket_cors_configuration"] = {"media": {
    "bucket": "\${digitalocean_spaces_bucket.media.name}", "region": "fra1",
    "cors_rule": [{"allowed_methods": ["GET", "HEAD"], "allowed_origins": ["https://example.test"],
                   "allowed_headers": ["*"], "max_age_seconds": 3000}],
  }}
  cfg["resource"]["digitalocean_spaces_bucket_policy"] = {"media": {
    "bucket": "\${digitalocean_spaces_bucket.media.name}", "region": "fra1",
    "policy": json.dumps({"Version": "2012-10-17", "Statement": [{
      "Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
      "Resource": ["arn:aws:s3:::$BUCKET/public/*"]}]}),
  }}
  cfg["output"]["bucket_domain_name"] = {"value": "\${digitalocean_spaces_bucket.media.bucket_domain_name}"}
if k8s_version:
  cfg["terraform"]["required_providers"]["kubernetes"] = {"source": "hashicorp/kubernetes", "version": k8s_version}
  cfg["provider"]["kubernetes"] = {"config_path": "$KUBECONFIG"}
  cfg["resource"]["kubernetes_secret_v1"] = {"media": {
    "metadata": {"name": "engine-smoke-media", "namespace": "default", "labels": {"app": "engine-smoke"}},
    "type": "Opaque",
    "data": {"SPACES_BUCKET": "$BUCKET", "SPACES_ENDPOINT": endpoint},
  }}
  cfg["output"]["secret_name"] = {"value": "\${kubernetes_secret_v1.media.metadata[0].name}"}
json.dump(cfg, open(sys.argv[1], "w"), indent=2)
EOF

failed=()
# step NAME CMD... : run a tofu step in the namespace, log to $WORK/NAME.log, time it
step() {
  local name=$1 t0 rc=0
  shift
  t0=$(now)
  in_ns "$@" >"$WORK/$name.log" 2>&1 || rc=$?
  if ((rc == 0)); then log "$name: ok ($(elapsed "$t0") s)"; else
    log "$name: FAILED rc=$rc ($(elapsed "$t0") s); tail of $WORK/$name.log:"
    tail -30 "$WORK/$name.log" >&2
  fi
  return $rc
}

log "config: $WORK/main.tf.json (digitalocean: $([[ $DO_OK == 1 ]] && echo "$DO_PROVIDER_VERSION" || echo absent), kubernetes: ${K8S_VERSION:-absent})"
step init tofu -chdir="$WORK" init -input=false -no-color || exit 1
touch "$WORK/.applied"
step apply tofu -chdir="$WORK" apply -auto-approve -input=false -no-color || failed+=(apply)
rc=0
step plan tofu -chdir="$WORK" plan -detailed-exitcode -input=false -no-color || rc=$?
case $rc in
0) log "plan after apply: no changes" ;;
2) log "plan after apply: CHANGES (drift in what read back)"; grep -E '^\s+[~+-] ' "$WORK/plan.log" >&2 || true; failed+=(plan) ;;
*) failed+=(plan) ;;
esac

# Read-backs, outside the provider.
if [[ -n $K8S_VERSION ]]; then
  got=$(in_ns curl -fsS --cacert "$RUN/pki/ca.crt" -H "Authorization: Bearer $(awk '/token:/ {print $2}' "$KUBECONFIG")" \
    "https://127.0.0.1:6443/api/v1/namespaces/default/secrets/engine-smoke-media" |
    python3 -c 'import base64,json,sys; print(base64.b64decode(json.load(sys.stdin)["data"]["SPACES_BUCKET"]).decode())') || got=""
  if [[ $got == "$BUCKET" ]]; then log "secret read back from kube-apiserver: SPACES_BUCKET=$got"; else
    log "secret read back FAILED (got '$got')"; failed+=(secret-readback)
  fi
fi
# moto-level probe (boto3, virtual-hosted, SigV4 us-east-1 like the DigitalOcean provider's client):
# the state object, plus the bucket calls the Spaces resources make, on a scratch bucket.
PY=$ENGINE_CACHE/moto-$MOTO_VERSION/venv/bin/python
if in_ns "$PY" "$HERE/moto_probe.py" "$STATE_BUCKET/smoke/terraform.tfstate" >"$WORK/moto-probe.log" 2>&1; then
  sed 's/^/[smoke] moto: /' "$WORK/moto-probe.log" >&2
else
  sed 's/^/[smoke] moto: /' "$WORK/moto-probe.log" >&2
  failed+=(moto-probe)
fi

step destroy tofu -chdir="$WORK" destroy -auto-approve -input=false -no-color && rm -f "$WORK/.applied" || failed+=(destroy)

if ((${#failed[@]})); then
  log "FAILED: ${failed[*]}"
  exit 1
fi
if ((${#missing[@]})); then
  if [[ ${ENGINE_SMOKE_PARTIAL:-0} == 1 ]]; then
    log "PASSED for what the mirror holds; not covered: ${missing[*]}"
    exit 0
  fi
  log "INCOMPLETE: not in the mirror: ${missing[*]}"
  exit 1
fi
log "PASSED"
