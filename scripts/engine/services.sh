#!/usr/bin/env bash
# Starts the engine test tier's services inside a network namespace of their own:
#   moto (S3) on http://s3local:4566, etcd, and kube-apiserver on https://127.0.0.1:6443.
# Needs root (ip netns) and the toolchain built by toolchain.sh.
#
# Usage: scripts/engine/services.sh start|stop|status|env|exec CMD...|hosts-add BUCKET...
#   start       start everything (idempotent), wait until each answers, print the env file
#   stop        stop the processes, delete the namespace and its /etc/netns entry
#   env         print the exports for tests (KUBECONFIG, S3 endpoint, dummy keys, tofu setup)
#   exec CMD    run CMD inside the namespace, with env.sh and the services' env applied
#   hosts-add   map more <bucket>.s3local names (only needed when dnsmasq is not installed)
#
# Name resolution inside the namespace: /etc/netns/<ns>/hosts maps s3local and
# <bucket>.s3local for every name in ENGINE_S3_BUCKETS (space separated) to 127.0.0.1; when
# dnsmasq is installed it also answers every *.s3local name (a wildcard), so any bucket name works.
# The machine's own /etc/hosts is never touched.
#
# Environment: ENGINE_CACHE, ENGINE_NETNS (default cdktfms-engine), ENGINE_RUN (run dir,
# default $ENGINE_CACHE/run/<ns>), ENGINE_S3_BUCKETS,
# ENGINE_KAS_PORT (6443), ENGINE_WAIT (seconds to wait for each service, default 120).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh" services

NS=${ENGINE_NETNS:-cdktfms-engine}
RUN=${ENGINE_RUN:-$ENGINE_CACHE/run/$NS}
S3_HOST=s3local
S3_PORT=4566
KAS_PORT=${ENGINE_KAS_PORT:-6443}
ETCD_PORT=2379
WAIT=${ENGINE_WAIT:-120}
TOKEN=engine-test-admin-token

MOTO=$MOTO_DIR/venv/bin/moto_server
ETCD=$ETCD_DIR/etcd
KAS=$KAS_DIR/kube-apiserver

in_ns() { ip netns exec "$NS" "$@"; }

write_env() {
  cat >"$RUN/env.sh" <<EOF
# Written by scripts/engine/services.sh. Valid inside the network namespace $NS only
# (ip netns exec $NS ..., or scripts/engine/services.sh exec ...).
export ENGINE_NETNS=$NS
export KUBECONFIG=$RUN/kubeconfig
export KUBE_CONFIG_PATH=$RUN/kubeconfig
export ENGINE_S3_ENDPOINT=http://$S3_HOST:$S3_PORT
export SPACES_ACCESS_KEY_ID=engine-test
export SPACES_SECRET_ACCESS_KEY=engine-test-secret
export AWS_ACCESS_KEY_ID=engine-test
export AWS_SECRET_ACCESS_KEY=engine-test-secret
export AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
EOF
}

write_hosts() {
  mkdir -p "/etc/netns/$NS"
  {
    echo "127.0.0.1 localhost $S3_HOST"
    echo "::1 localhost ip6-localhost ip6-loopback"
    local b
    for b in ${ENGINE_S3_BUCKETS:-}; do echo "127.0.0.1 $b.$S3_HOST"; done
  } >"/etc/netns/$NS/hosts"
  # A resolver on the namespace's loopback: dnsmasq when present, otherwise nothing answers and
  # a lookup that /etc/hosts does not cover fails at once instead of timing out.
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"/etc/netns/$NS/resolv.conf"
}

hosts_add() {
  [[ -f /etc/netns/$NS/hosts ]] || { log "namespace $NS is not set up"; exit 1; }
  local b
  for b in "$@"; do
    grep -qE "[[:space:]]$b\.$S3_HOST\$" "/etc/netns/$NS/hosts" || echo "127.0.0.1 $b.$S3_HOST" >>"/etc/netns/$NS/hosts"
  done
}

# spawn NAME CMD... : start CMD in the namespace, detached, logging to $RUN/NAME.log
spawn() {
  local name=$1
  shift
  ip netns exec "$NS" setsid "$@" >"$RUN/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

alive() { [[ -f $RUN/$1.pid ]] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }

# wait_for NAME CMD... : retry CMD in the namespace until it succeeds
wait_for() {
  local name=$1 t0
  shift
  t0=$(now)
  local deadline=$((SECONDS + WAIT))
  until in_ns "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then
      log "FAIL: $name exited; last lines of $RUN/$name.log:"
      tail -20 "$RUN/$name.log" >&2
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "FAIL: $name did not answer within ${WAIT}s; last lines of $RUN/$name.log:"
      tail -20 "$RUN/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  log "$name is up ($(elapsed "$t0") s)"
}

make_pki() {
  local d=$RUN/pki
  [[ -f $d/serving.crt ]] && return 0
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj /CN=engine-test-ca \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout serving.key -out serving.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >serving.ext
    openssl x509 -req -in serving.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile serving.ext -out serving.crt 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    echo "$TOKEN,engine-admin,engine-admin,system:masters" >tokens.csv
    chmod 600 ./*.key tokens.csv
  )
}

write_kubeconfig() {
  cat >"$RUN/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: engine
  cluster:
    server: https://127.0.0.1:$KAS_PORT
    certificate-authority-data: $(base64 -w0 "$RUN/pki/ca.crt")
users:
- name: engine-admin
  user:
    token: $TOKEN
contexts:
- name: engine
  context:
    cluster: engine
    user: engine-admin
    namespace: default
current-context: engine
EOF
  chmod 600 "$RUN/kubeconfig"
}

start() {
  local b
  for b in "$MOTO" "$ETCD" "$KAS"; do
    [[ -x $b ]] || { log "missing $b: run scripts/engine/toolchain.sh first"; exit 1; }
  done
  if ip netns list | grep -qw "$NS" && alive moto && alive etcd && alive kube-apiserver; then
    log "already running in namespace $NS"
    write_hosts
    write_env
    cat "$RUN/env.sh"
    return 0
  fi
  stop quiet
  local t0
  t0=$(now)
  mkdir -p "$RUN"
  ip netns add "$NS"
  in_ns ip link set lo up
  write_hosts
  make_pki
  write_kubeconfig
  write_env

  if command -v dnsmasq >/dev/null; then
    spawn dnsmasq dnsmasq --keep-in-foreground --no-resolv --no-poll --listen-address=127.0.0.1 \
      --bind-interfaces --port=53 --address=/$S3_HOST/127.0.0.1 --log-facility=-
  else
    log "dnsmasq not installed: only s3local and the buckets in ENGINE_S3_BUCKETS resolve"
  fi

  # moto's Flask app otherwise adds permissive CORS headers to every answer, which would hide a
  # bucket's missing or wrong CORS rules (a disallowed origin would still get
  # Access-Control-Allow-Origin).
  spawn moto env MOTO_DISABLE_GLOBAL_CORS=true "$MOTO" -H 127.0.0.1 -p "$S3_PORT"

  rm -rf "$RUN/etcd-data"
  spawn etcd "$ETCD" --name engine --data-dir "$RUN/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster engine=http://127.0.0.1:2380 --unsafe-no-fsync --quota-backend-bytes=1073741824 \
    --log-level=warn

  wait_for moto curl -fsS "http://$S3_HOST:$S3_PORT/moto-api/" || { stop quiet; exit 1; }
  wait_for etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health" || { stop quiet; exit 1; }

  mkdir -p "$RUN/kas-certs"
  spawn kube-apiserver "$KAS" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$KAS_PORT" \
    --cert-dir="$RUN/kas-certs" \
    --tls-cert-file="$RUN/pki/serving.crt" --tls-private-key-file="$RUN/pki/serving.key" \
    --client-ca-file="$RUN/pki/ca.crt" \
    --token-auth-file="$RUN/pki/tokens.csv" \
    --authorization-mode=RBAC \
    --service-cluster-ip-range=10.0.0.0/24 \
    --service-account-key-file="$RUN/pki/sa.pub" \
    --service-account-signing-key-file="$RUN/pki/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --enable-priority-and-fairness=false \
    --storage-media-type=application/json

  wait_for kube-apiserver curl -fsS --cacert "$RUN/pki/ca.crt" -H "Authorization: Bearer $TOKEN" \
    "https://127.0.0.1:$KAS_PORT/readyz" || { stop quiet; exit 1; }
  log "all services up in namespace $NS ($(elapsed "$t0") s); env: $RUN/env.sh"
  cat "$RUN/env.sh"
}

stop() {
  local quiet=${1:-}
  local p pid
  for p in kube-apiserver etcd moto dnsmasq; do
    if alive "$p"; then
      pid=$(cat "$RUN/$p.pid")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      [[ -n $quiet ]] || log "stopped $p"
    fi
    rm -f "$RUN/$p.pid"
  done
  if ip netns list | grep -qw "$NS"; then
    # Anything else still running in our namespace was started through it (exec): end it too.
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$NS"
    [[ -n $quiet ]] || log "deleted namespace $NS"
  fi
  rm -rf "/etc/netns/$NS" "$RUN/etcd-data"
}

status() {
  local p rc=0
  for p in dnsmasq moto etcd kube-apiserver; do
    if alive "$p"; then echo "$p: running (pid $(cat "$RUN/$p.pid"))"; else
      echo "$p: not running"
      [[ $p == dnsmasq ]] || rc=1
    fi
  done
  return $rc
}

cmd=${1:-}
shift || true
case $cmd in
start) start ;;
stop) stop ;;
status) status ;;
env) cat "$RUN/env.sh" ;;
hosts-add) hosts_add "$@" ;;
exec)
  [[ ${1:-} == -- ]] && shift
  set +u
  [[ -f $ENGINE_CACHE/env.sh ]] && . "$ENGINE_CACHE/env.sh"
  . "$RUN/env.sh"
  set -u
  exec ip netns exec "$NS" "$@"
  ;;
*)
  sed -n '2,20p' "$0" >&2
  exit 2
  ;;
esac
