#!/usr/bin/env bash
# The integration tier: actionlint on the GitHub workflows, then the operations CLI (verify,
# migrate-media) against a real S3 server (moto, started by the tests themselves), and the
# guarded deploy script (apply-stack.sh) around check-plan.
#
# Idempotent: moto and actionlint are installed into the engine cache, keyed by version, only
# when absent. moto's venv uses the engine tier's layout (scripts/engine/toolchain.sh), so
# either script reuses what the other installed.
#
# Usage: scripts/integration.sh [jest arguments…]
# Environment:
#   ENGINE_CACHE   cache root (default $HOME/.cache/cdktf-media-storage/engine)
#   MOTO_SERVER    a moto_server binary to use instead of the cached one
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE_CACHE=${ENGINE_CACHE:-$HOME/.cache/cdktf-media-storage/engine}
ACTIONLINT_VERSION=1.7.12
ACTIONLINT_DIR=$ENGINE_CACHE/actionlint-$ACTIONLINT_VERSION

log() { printf '[integration] %s\n' "$*" >&2; }

install_moto() {
  if [[ -n ${MOTO_SERVER:-} ]]; then
    log "moto: using \$MOTO_SERVER=$MOTO_SERVER"
    return 0
  fi
  # The engine tier's toolchain installs it (one layout and one version for both tiers).
  scripts/engine/toolchain.sh moto
}

install_actionlint() {
  if [[ -x $ACTIONLINT_DIR/actionlint ]]; then
    log "actionlint $ACTIONLINT_VERSION: cached in $ACTIONLINT_DIR"
  else
    command -v go >/dev/null || { log "go is needed to build actionlint"; return 1; }
    log "actionlint $ACTIONLINT_VERSION: building into $ACTIONLINT_DIR"
    mkdir -p "$ACTIONLINT_DIR"
    GOBIN=$ACTIONLINT_DIR go install -trimpath "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
  fi
  # actionlint checks run: blocks with shellcheck when it is installed. Best effort: Debian has it.
  if ! command -v shellcheck >/dev/null && [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "shellcheck: installing (apt-get)"
    apt-get install -y -qq shellcheck >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq shellcheck >/dev/null 2>&1; } ||
      log "shellcheck: not installed; actionlint skips the shell checks"
  fi
}

status=0

install_actionlint
if "$ACTIONLINT_DIR/actionlint" -no-color; then
  workflows=(.github/workflows/*.yml)
  log "actionlint: all ${#workflows[@]} workflows pass$(command -v shellcheck >/dev/null && echo ', shellcheck included')"
else
  log "actionlint: FAILED"
  status=1
fi

install_moto
npx jest -c test/integration/jest.config.js "$@" || status=1

exit "$status"
