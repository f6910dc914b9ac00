#!/usr/bin/env bash
# The integration tier: actionlint on the GitHub workflows, then the operations CLI (verify,
# migrate-media) against a real S3 server (moto, started by the tests themselves), and the
# guarded deploy script (apply-stack.sh) around check-plan.
#
# Idempotent: moto and actionlint are installed into the engine cache, keyed by version, only
# when absent. moto's venv uses the engine tier's layout (scripts/engine/toolchain.sh), so
# either script reuses what the other installed.
#
# The app-side libraries (Django, django-storages, boto3: test/integration/apps/requirements.txt,
# pinned) go into a venv of their own, installed once into a directory named after the hash of
# that file, so a changed pin installs anew and nothing else does.
#
# Usage: scripts/integration.sh [jest arguments…]
# Environment:
#   ENGINE_CACHE   cache root (default $HOME/.cache/cdktf-media-storage/engine)
#   MOTO_SERVER    a moto_server binary to use instead of the cached one
#   APP_LIBRARIES_CACHE  where the app libraries' venvs live (default $HOME/.cache/cdktf-media-storage)
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE_CACHE=${ENGINE_CACHE:-$HOME/.cache/cdktf-media-storage/engine}
ACTIONLINT_VERSION=1.7.12
ACTIONLINT_DIR=$ENGINE_CACHE/actionlint-$ACTIONLINT_VERSION

log() { printf '[integration] %s\n' "$*" >&2; }

APP_REQUIREMENTS=test/integration/apps/requirements.txt
APP_LIBRARIES_CACHE=${APP_LIBRARIES_CACHE:-$HOME/.cache/cdktf-media-storage}
# The tests find the venv by the same rule (test/integration/app-libraries.ts).
APP_LIBRARIES_DIR=$APP_LIBRARIES_CACHE/app-libraries-$(sha256sum "$APP_REQUIREMENTS" | cut -c1-12)

install_app_libraries() {
  if [[ -f $APP_LIBRARIES_DIR/buildinfo ]]; then
    log "app libraries: cached in $APP_LIBRARIES_DIR"
    return 0
  fi
  log "app libraries: installing $APP_REQUIREMENTS into $APP_LIBRARIES_DIR"
  local started=$SECONDS
  rm -rf "$APP_LIBRARIES_DIR"
  mkdir -p "$APP_LIBRARIES_DIR"
  python3 -m venv "$APP_LIBRARIES_DIR/venv"
  "$APP_LIBRARIES_DIR/venv/bin/pip" install --disable-pip-version-check --quiet --no-input -r "$APP_REQUIREMENTS"
  "$APP_LIBRARIES_DIR/venv/bin/python" -c 'import django, storages, boto3; print("django", django.get_version(), "django-storages", storages.__version__, "boto3", boto3.__version__)' \
    >"$APP_LIBRARIES_DIR/buildinfo"
  log "app libraries: $(cat "$APP_LIBRARIES_DIR/buildinfo") in $((SECONDS - started)) s"
}

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
install_app_libraries
export APP_LIBRARIES_DIR
npx jest -c test/integration/jest.config.js "$@" || status=1

exit "$status"
