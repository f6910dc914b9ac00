#!/usr/bin/env bash
# Builds the engine test tier's toolchain from source into a cache keyed by version:
#   OpenTofu, the pinned providers (laid out as a filesystem mirror), etcd, kube-apiserver, and a
#   moto server venv. Idempotent: a warm cache builds nothing.
#
# Usage: scripts/engine/toolchain.sh [component ...]
#   components: tofu do-provider k8s-provider aws-provider aws-provider-dev k8s-provider-dev etcd
#               kube-apiserver moto dnsmasq checkov
#   (default: all of them but the aws and dev providers, which the variables below add)
#   scripts/engine/toolchain.sh --print-env   prints the exports (also written to $ENGINE_CACHE/env.sh)
#
# Environment:
#   ENGINE_CACHE            cache root (default $HOME/.cache/cdktf-media-storage/engine)
#   ENGINE_BUILD_AWS=1      also build hashicorp/aws (very large: 22 min on 2 idle cores, 58 min on 2 loaded ones with -N -l): the pinned
#                           release when AWS_PROVIDER_COMMIT is set in versions.env, else the
#                           main-branch commit pinned there (aws-provider-dev)
#   ENGINE_K8S_PROVIDER_DEV=1  also build the kubernetes provider's main-branch commit pinned in
#                           versions.env, laid into the mirror under its own version label
#   ENGINE_KEEP_GOING=0     stop at the first failing component (default: build the rest, then fail)
#   ENGINE_REFUSED_OK=1     exit 0 when the only failures are modules the Go module proxy refuses
#                           (run.sh sets it: such a component is reported, not an error of the tier)
#
# Every run writes $ENGINE_CACHE/toolchain-status.tsv: one line per component,
#   <component> TAB ok|refused|failed TAB <seconds> TAB <detail>
# (detail: the refused module@version list, or the artifact path).
#   GOMODCACHE/GOCACHE/GOPROXY are honoured as usual.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh" engine

CLI_CONFIG=$ENGINE_CACHE/tofurc
ENV_FILE=$ENGINE_CACHE/env.sh
PLATFORM=linux_amd64
KEEP_GOING=${ENGINE_KEEP_GOING:-1}
LDFLAGS_BASE="-s -w"

# The host OpenTofu puts in front of "namespace/type" provider sources: the first directory of
# the mirror layout. Asked of tofu itself rather than written here.
registry_host() {
  local cached=$ENGINE_CACHE/registry-host-$TOFU_VERSION
  if [[ ! -s $cached ]]; then
    [[ -x $TOFU_DIR/tofu ]] || build_tofu >&2 || return 1
    local probe
    probe=$(mktemp -d)
    echo '{"terraform":{"required_providers":{"probe":{"source":"hashicorp/probe"}}}}' >"$probe/main.tf.json"
    TF_CLI_CONFIG_FILE=/dev/null "$TOFU_DIR/tofu" -chdir="$probe" providers 2>/dev/null |
      sed -nE 's#.*provider\[([^/]+)/hashicorp/probe\].*#\1#p' >"$cached.tmp"
    rm -rf "$probe"
    [[ -s $cached.tmp ]] || { log "  FAIL: tofu did not name its default provider registry host"; return 1; }
    mv -f "$cached.tmp" "$cached"
  fi
  cat "$cached"
}

# mirror_bin NAMESPACE TYPE VERSION -> path of the provider binary in the unpacked mirror
mirror_bin() {
  local host
  host=$(registry_host) || return 1
  printf '%s/%s/%s/%s/%s/%s/terraform-provider-%s_v%s' \
    "$MIRROR" "$host" "$1" "$2" "$3" "$PLATFORM" "$2" "$3"
}

write_env() {
  mkdir -p "$ENGINE_CACHE"
  cat >"$CLI_CONFIG.tmp" <<EOF
# Written by scripts/engine/toolchain.sh. Providers come only from the local mirror.
provider_installation {
  filesystem_mirror {
    path = "$MIRROR"
  }
}
EOF
  mv -f "$CLI_CONFIG.tmp" "$CLI_CONFIG"
  cat >"$ENV_FILE.tmp" <<EOF
# Written by scripts/engine/toolchain.sh; source it before running tofu or cdktf against the engine.
export ENGINE_CACHE="$ENGINE_CACHE"
export PATH="$TOFU_DIR:$KAS_DIR:$ETCD_DIR:\$PATH"
export TF_CLI_CONFIG_FILE="$CLI_CONFIG"
export TERRAFORM_BINARY_NAME=tofu
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR
EOF
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

if [[ ${1:-} == --print-env ]]; then
  write_env
  cat "$ENV_FILE"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Go helpers

GO_LOCAL_VERSION=""
go_setup() {
  [[ -n $GO_LOCAL_VERSION ]] && return 0
  command -v go >/dev/null || { log "FAIL: go is not on PATH"; return 1; }
  GO_LOCAL_VERSION=$(go env GOVERSION)
  GO_LOCAL_VERSION=${GO_LOCAL_VERSION#go}
  export GOFLAGS="${GOFLAGS:-} -mod=mod"
  export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
}

# Runs a go command; when it fails, names every module@version the proxy refused.
go_or_refused() {
  local out rc=0
  out=$(mktemp)
  "$@" 2>"$out" || rc=$?
  if ((rc != 0)); then
    cat "$out" >&2
    local refused
    refused=$(grep -oE '[A-Za-z0-9._~/-]+@[A-Za-z0-9._+~-]+: (invalid version: )?reading [^ ]+: (403|404|410)[^"]*' "$out" |
      sed -E 's/^([^:]+): .*(403|404|410).*/\1 (HTTP \2)/' | sort -u || true)
    if [[ -n $refused ]]; then
      while read -r line; do log "REFUSED by the Go module proxy: $line"; done <<<"$refused"
      # Read by the main loop (builds run in subshells, so a variable would not come back).
      [[ -z ${REFUSED_FILE:-} ]] || echo "$refused" >>"$REFUSED_FILE"
    fi
  fi
  rm -f "$out"
  return $rc
}

# new_wrapper DIR NAME: an empty wrapper module in DIR whose go line is the local toolchain's.
new_wrapper() {
  rm -rf "$1"
  mkdir -p "$1"
  printf 'module enginebuild/%s\n\ngo %s\n' "$2" "$GO_LOCAL_VERSION" >"$1/go.mod"
}

# gomod_of MODULE@VERSION -> path of that version's go.mod in the module cache (run in a wrapper).
gomod_of() {
  local json
  json=$(go_or_refused go list -m -json "$1") || return 1
  python3 -c 'import json,sys; print(json.loads(sys.stdin.read())["GoMod"])' <<<"$json"
}

# remote_replaces GOMOD -> "go mod edit -replace" arguments for the non-local replaces in GOMOD.
remote_replaces() {
  go mod edit -json "$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin).get("Replace") or []:
    new = r["New"]
    if not new.get("Version"):
        continue  # local directory: meaningless outside that repository
    old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
    print("-replace=%s=%s@%s" % (old, new["Path"], new["Version"]))
'
}

# resolve_commit MODULE COMMIT -> prints the pseudo-version; fails naming the refusal.
resolve_commit() {
  local json
  json=$(go_or_refused go list -m -json "$1@$2") || return 1
  python3 -c '
import json, sys
m = json.loads(sys.stdin.read())
h = (m.get("Origin") or {}).get("Hash", "")
want = sys.argv[1]
if h and h != want:
    sys.exit("commit mismatch: proxy says %s, wanted %s" % (h, want))
print(m["Version"])' "$2" <<<"$json"
}

# check_changelog DIR VERSION: the tag commit's CHANGELOG.md should name VERSION as its newest entry.
check_changelog() {
  local top
  top=$(grep -m1 -oE '^## v?[0-9]+\.[0-9]+\.[0-9]+' "$1/CHANGELOG.md" 2>/dev/null | sed -E 's/^## v?//' || true)
  if [[ $top == "$2" ]]; then
    log "  verified: CHANGELOG.md at that commit starts with $2"
  else
    log "  WARNING: CHANGELOG.md at that commit starts with '${top:-?}', not $2"
  fi
}

# build_provider NAMESPACE TYPE VERSION MODULE REF [GO BUILD FLAG ...]
# REF is a commit (resolved to its pseudo-version via the proxy) or a pseudo-version (v...), e.g.
# v1.13.4-0.<commit time UTC, YYYYMMDDhhmmss>-<12 hex of the commit> when the proxy refuses the
# commit-hash query but serves the canonical pseudo-version.
build_provider() {
  local ns=$1 type=$2 version=$3 module=$4 ref=$5
  shift 5
  local build_flags=("$@")
  local bin
  bin=$(mirror_bin "$ns" "$type" "$version")
  if [[ -x $bin && -f $bin.buildinfo ]]; then
    log "  cached: $bin"
    return 0
  fi
  go_setup
  local work=$ENGINE_CACHE/.work/provider-$type-$version pseudo
  new_wrapper "$work" "terraform-provider-$type"
  if [[ $ref == v* ]]; then pseudo=$ref; else
    log "  resolving $module@$ref"
    pseudo=$(cd "$work" && resolve_commit "$module" "$ref") || return 1
  fi
  log "  $module@$pseudo"
  local gomod dir
  gomod=$(cd "$work" && gomod_of "$module@$pseudo") || return 1
  (
    cd "$work"
    go mod edit -require="$module@$pseudo"
    mapfile -t reps < <(remote_replaces "$gomod")
    ((${#reps[@]} == 0)) || go mod edit "${reps[@]}"
    go_or_refused go mod download "$module"
  ) || return 1
  dir=$(cd "$work" && go list -m -f '{{.Dir}}' "$module")
  [[ $version == *-dev* ]] || check_changelog "$dir" "$version"
  mkdir -p "$(dirname "$bin")"
  (cd "$work" && go_or_refused go build -trimpath "${build_flags[@]}" \
    -ldflags "$LDFLAGS_BASE -X main.version=$version" -o "$bin.tmp" "$module") || return 1
  mv -f "$bin.tmp" "$bin"
  {
    echo "module=$module@$pseudo"
    echo "ref=$ref"
    echo "go=$GO_LOCAL_VERSION"
    echo "flags=${build_flags[*]}"
  } >"$bin.buildinfo"
  cp "$work/go.mod" "$bin.go.mod"
  rm -rf "$work"
  log "  built: $bin"
}

# ---------------------------------------------------------------------------------------------
# Components

build_tofu() {
  if [[ -x $TOFU_DIR/tofu && -f $TOFU_DIR/buildinfo ]]; then
    log "  cached: $TOFU_DIR/tofu"
    return 0
  fi
  go_setup
  local module=github.com/opentofu/opentofu work=$ENGINE_CACHE/.work/tofu-$TOFU_VERSION gomod
  new_wrapper "$work" tofu
  gomod=$(cd "$work" && gomod_of "$module@v$TOFU_VERSION") || return 1
  (
    cd "$work"
    go mod edit -require="$module@v$TOFU_VERSION"
    mapfile -t reps < <(remote_replaces "$gomod")
    log "  repeating ${#reps[@]} replace(s) from opentofu's go.mod: ${reps[*]:-none}"
    ((${#reps[@]} == 0)) || go mod edit "${reps[@]}"
    mkdir -p "$TOFU_DIR"
    go_or_refused go build -trimpath \
      -ldflags "$LDFLAGS_BASE -X github.com/opentofu/opentofu/version.dev=no" \
      -o "$TOFU_DIR/tofu.tmp" "$module/cmd/tofu"
  ) || return 1
  mv -f "$TOFU_DIR/tofu.tmp" "$TOFU_DIR/tofu"
  local v
  v=$(TF_CLI_CONFIG_FILE=/dev/null "$TOFU_DIR/tofu" version | grep -m1 '^OpenTofu v' || true)
  [[ $v == "OpenTofu v$TOFU_VERSION" ]] || { log "  FAIL: built tofu says '$v'"; return 1; }
  cp "$work/go.mod" "$TOFU_DIR/go.mod"
  echo "module=$module@v$TOFU_VERSION go=$GO_LOCAL_VERSION version='$v'" >"$TOFU_DIR/buildinfo"
  rm -rf "$work"
  log "  built: $TOFU_DIR/tofu ($v)"
}

build_do_provider() {
  build_provider digitalocean digitalocean "$DO_PROVIDER_VERSION" "$DO_PROVIDER_MODULE" "$DO_PROVIDER_COMMIT"
}

build_k8s_provider() {
  build_provider hashicorp kubernetes "$K8S_PROVIDER_VERSION" "$K8S_PROVIDER_MODULE" "$K8S_PROVIDER_COMMIT"
}

build_k8s_provider_dev() {
  build_provider hashicorp kubernetes "$K8S_PROVIDER_DEV_LABEL" "$K8S_PROVIDER_MODULE" "$K8S_PROVIDER_DEV_PSEUDO"
}

build_aws_provider() {
  if [[ -z $AWS_PROVIDER_COMMIT ]]; then
    log "  FAIL: AWS_PROVIDER_COMMIT is empty in versions.env"
    return 1
  fi
  build_provider hashicorp aws "$AWS_PROVIDER_VERSION" "$AWS_PROVIDER_MODULE" "$AWS_PROVIDER_COMMIT" "${AWS_GO_BUILD_FLAGS[@]}"
}

# hashicorp/aws is about 2,000 packages: optimising and inlining them is most of a 60-minute
# build on 2 cores. Without them (-N -l) the same commit builds in about 22 minutes, and the
# provider's work in the tests is waiting on the API, not computing.
AWS_GO_BUILD_FLAGS=(-gcflags=all=-N\ -l)
build_aws_provider_dev() {
  build_provider hashicorp aws "$AWS_PROVIDER_DEV_LABEL" "$AWS_PROVIDER_MODULE" "$AWS_PROVIDER_DEV_PSEUDO" "${AWS_GO_BUILD_FLAGS[@]}"
}

build_etcd() {
  if [[ -x $ETCD_DIR/etcd && -f $ETCD_DIR/buildinfo ]]; then
    log "  cached: $ETCD_DIR/etcd"
    return 0
  fi
  go_setup
  local module=go.etcd.io/etcd/server/v3 work=$ENGINE_CACHE/.work/etcd-$ETCD_VERSION gomod
  new_wrapper "$work" etcd
  gomod=$(cd "$work" && gomod_of "$module@v$ETCD_VERSION") || return 1
  (
    cd "$work"
    go mod edit -require="$module@v$ETCD_VERSION"
    mapfile -t reps < <(remote_replaces "$gomod")
    ((${#reps[@]} == 0)) || go mod edit "${reps[@]}"
    mkdir -p "$ETCD_DIR"
    go_or_refused go build -trimpath -ldflags "$LDFLAGS_BASE" -o "$ETCD_DIR/etcd.tmp" "$module"
  ) || return 1
  mv -f "$ETCD_DIR/etcd.tmp" "$ETCD_DIR/etcd"
  local v
  v=$("$ETCD_DIR/etcd" --version | head -1)
  [[ $v == *"$ETCD_VERSION"* ]] || { log "  FAIL: built etcd says '$v'"; return 1; }
  cp "$work/go.mod" "$ETCD_DIR/go.mod"
  echo "module=$module@v$ETCD_VERSION go=$GO_LOCAL_VERSION version='$v'" >"$ETCD_DIR/buildinfo"
  rm -rf "$work"
  log "  built: $ETCD_DIR/etcd ($v)"
}

build_kube_apiserver() {
  if [[ -x $KAS_DIR/kube-apiserver && -f $KAS_DIR/buildinfo ]]; then
    log "  cached: $KAS_DIR/kube-apiserver"
    return 0
  fi
  go_setup
  local module=k8s.io/kubernetes work=$ENGINE_CACHE/.work/kube-apiserver-$KUBERNETES_VERSION gomod
  local minor=${KUBERNETES_VERSION#*.}
  minor=${minor%%.*}
  local staging_version=v0.${KUBERNETES_VERSION#*.}
  new_wrapper "$work" kube-apiserver
  gomod=$(cd "$work" && gomod_of "$module@v$KUBERNETES_VERSION") || return 1
  (
    cd "$work"
    go mod edit -require="$module@v$KUBERNETES_VERSION"
    # Every staging module that k8s.io/kubernetes requires at v0.0.0 (it replaces them with
    # ./staging/...) comes from its published release instead.
    mapfile -t reps < <(go mod edit -json "$gomod" | python3 -c '
import json, sys
m = json.load(sys.stdin)
for r in m.get("Require") or []:
    if r["Path"].startswith("k8s.io/") and r["Version"] == "v0.0.0":
        print("-replace=%s=%s@%s" % (r["Path"], r["Path"], sys.argv[1]))
for r in m.get("Replace") or []:
    if r["New"].get("Version"):
        old = r["Old"]["Path"] + ("@" + r["Old"]["Version"] if r["Old"].get("Version") else "")
        print("-replace=%s=%s@%s" % (old, r["New"]["Path"], r["New"]["Version"]))
' "$staging_version")
    log "  replacing ${#reps[@]} staging module(s) with $staging_version"
    go mod edit "${reps[@]}"
    mkdir -p "$KAS_DIR"
    local vpkg=k8s.io/component-base/version
    go_or_refused go build -trimpath \
      -ldflags "$LDFLAGS_BASE -X $vpkg.gitVersion=v$KUBERNETES_VERSION -X $vpkg.gitMajor=1 -X $vpkg.gitMinor=$minor -X $vpkg.gitTreeState=clean" \
      -o "$KAS_DIR/kube-apiserver.tmp" "$module/cmd/kube-apiserver"
  ) || return 1
  mv -f "$KAS_DIR/kube-apiserver.tmp" "$KAS_DIR/kube-apiserver"
  local v
  v=$("$KAS_DIR/kube-apiserver" --version 2>&1 | head -1)
  [[ $v == *"v$KUBERNETES_VERSION"* ]] || { log "  FAIL: built kube-apiserver says '$v'"; return 1; }
  cp "$work/go.mod" "$KAS_DIR/go.mod"
  echo "module=$module@v$KUBERNETES_VERSION go=$GO_LOCAL_VERSION version='$v'" >"$KAS_DIR/buildinfo"
  rm -rf "$work"
  log "  built: $KAS_DIR/kube-apiserver ($v)"
}

# pip_tool DIR SPEC VERSION VERSION_COMMAND: a Python tool in its own venv, keyed by version.
# VERSION_COMMAND (run with the venv's bin/ first on PATH) must print VERSION.
pip_tool() {
  local dir=$1 spec=$2 version=$3 version_command=$4
  if [[ -f $dir/buildinfo ]]; then
    log "  cached: $dir/venv"
    return 0
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  python3 -m venv "$dir/venv" || { log "  FAIL: python3 -m venv"; return 1; }
  "$dir/venv/bin/pip" install --disable-pip-version-check --quiet --no-input "$spec" ||
    { log "  FAIL: pip install $spec"; return 1; }
  local v
  v=$(PATH="$dir/venv/bin:$PATH" bash -c "$version_command" 2>/dev/null | tail -1)
  [[ $v == "$version" ]] || { log "  FAIL: installed $spec says '$v'"; return 1; }
  echo "$spec python=$("$dir/venv/bin/python" -V 2>&1)" >"$dir/buildinfo"
  log "  installed: $spec in $dir/venv"
}

# moto server, the local S3 of the engine and integration tiers.
build_moto() {
  pip_tool "$MOTO_DIR" "moto[server]==$MOTO_VERSION" "$MOTO_VERSION" "python -c 'import moto; print(moto.__version__)'"
}

# checkov (PyPI), the engine tier's security scan of the synthesized stacks.
build_checkov() {
  pip_tool "$CHECKOV_DIR" "checkov==$CHECKOV_VERSION" "$CHECKOV_VERSION" "checkov --version"
}

# dnsmasq answers *.s3local inside the services' namespace (any bucket name resolves). Optional:
# without it services.sh falls back to /etc/netns/<ns>/hosts and a bucket list.
build_dnsmasq() {
  if command -v dnsmasq >/dev/null; then
    log "  present: $(command -v dnsmasq)"
    return 0
  fi
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
    log "  WARNING: dnsmasq missing and cannot be installed here (needs root + apt-get); services.sh uses a hosts file instead"
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends dnsmasq-base >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends dnsmasq-base >/dev/null 2>&1; } ||
    log "  WARNING: apt-get could not install dnsmasq-base; services.sh uses a hosts file instead"
  command -v dnsmasq >/dev/null && log "  installed: $(dnsmasq --version | head -1)"
  return 0
}

# ---------------------------------------------------------------------------------------------

components=("$@")
if ((${#components[@]} == 0)); then
  components=(tofu do-provider k8s-provider etcd kube-apiserver moto dnsmasq checkov)
  if [[ ${ENGINE_BUILD_AWS:-0} == 1 ]]; then
    if [[ -n $AWS_PROVIDER_COMMIT ]]; then components+=(aws-provider); else components+=(aws-provider-dev); fi
  fi
  [[ ${ENGINE_K8S_PROVIDER_DEV:-0} == 1 ]] && components+=(k8s-provider-dev)
fi

mkdir -p "$ENGINE_CACHE"
# One build at a time per cache: a second run waits, then finds the artifacts built.
if command -v flock >/dev/null; then
  exec 9>"$ENGINE_CACHE/.lock"
  if ! flock -n 9; then
    log "another toolchain.sh holds $ENGINE_CACHE/.lock; waiting"
    flock 9
  fi
fi
t_all=$(now)
failed=()
refused_components=()
STATUS_FILE=$ENGINE_CACHE/toolchain-status.tsv
REFUSED_FILE=$(mktemp)
trap 'rm -f "$REFUSED_FILE"' EXIT
: >"$STATUS_FILE.tmp"
for c in "${components[@]}"; do
  fn=build_${c//-/_}
  declare -F "$fn" >/dev/null || { log "unknown component: $c"; exit 2; }
  log "== $c"
  t0=$(now)
  : >"$REFUSED_FILE"
  if "$fn"; then
    log "== $c: ok ($(elapsed "$t0") s)"
    printf '%s\tok\t%s\t\n' "$c" "$(elapsed "$t0")" >>"$STATUS_FILE.tmp"
  elif [[ -s $REFUSED_FILE ]]; then
    log "== $c: REFUSED by the Go module proxy ($(elapsed "$t0") s)"
    refused_components+=("$c")
    printf '%s\trefused\t%s\t%s\n' "$c" "$(elapsed "$t0")" "$(sort -u "$REFUSED_FILE" | paste -sd ';' -)" >>"$STATUS_FILE.tmp"
    [[ $KEEP_GOING == 1 ]] || break
  else
    log "== $c: FAILED ($(elapsed "$t0") s)"
    failed+=("$c")
    printf '%s\tfailed\t%s\t\n' "$c" "$(elapsed "$t0")" >>"$STATUS_FILE.tmp"
    [[ $KEEP_GOING == 1 ]] || break
  fi
done
# Components this run did not build keep their last status (a partial run such as
# `toolchain.sh moto` must not erase what the engine tier reads about refused modules).
if [[ -f $STATUS_FILE ]]; then
  kept=$(awk -F'\t' -v ran=" ${components[*]} " 'index(ran, " " $1 " ") == 0' "$STATUS_FILE")
  [[ -z $kept ]] || printf '%s\n' "$kept" >>"$STATUS_FILE.tmp"
fi
mv -f "$STATUS_FILE.tmp" "$STATUS_FILE"
write_env
log "env: $ENV_FILE (source it); CLI config: $CLI_CONFIG; mirror: $MIRROR"
log "total: $(elapsed "$t_all") s"
((${#refused_components[@]} == 0)) || log "REFUSED by the Go module proxy: ${refused_components[*]} (see $STATUS_FILE)"
if ((${#failed[@]} > 0)); then
  log "FAILED components: ${failed[*]}"
  exit 1
fi
if ((${#refused_components[@]} > 0)) && [[ ${ENGINE_REFUSED_OK:-0} != 1 ]]; then
  exit 1
fi
