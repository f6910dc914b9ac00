# shellcheck shell=bash disable=SC2034  # the variables are read by the scripts that source this file
# Sourced by the engine scripts (toolchain.sh, services.sh, run.sh, checkov.sh): the pinned
# versions, the cache layout (one directory per artifact and version) and logging.
#
#   . "$HERE/lib.sh" <log tag>        log lines then read "[<log tag>] …"

LOG_TAG=${1:?lib.sh: pass the log tag}
ENGINE_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$ENGINE_LIB_DIR/versions.env"

PROJECT=$(cd "$ENGINE_LIB_DIR/../.." && pwd)
ENGINE_CACHE=${ENGINE_CACHE:-$HOME/.cache/cdktf-media-storage/engine}
MIRROR=$ENGINE_CACHE/mirror
TOFU_DIR=$ENGINE_CACHE/tofu-$TOFU_VERSION
ETCD_DIR=$ENGINE_CACHE/etcd-v$ETCD_VERSION
KAS_DIR=$ENGINE_CACHE/kube-apiserver-v$KUBERNETES_VERSION
MOTO_DIR=$ENGINE_CACHE/moto-$MOTO_VERSION
CHECKOV_DIR=$ENGINE_CACHE/checkov-$CHECKOV_VERSION

log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
