#!/usr/bin/env bash
# Prepares the Docker test environment for tests/Orchestrator.Docker.Tests. Idempotent; run as root on Debian.
#
#   1. installs docker.io, busybox-static, docker-registry (and curl, openssl, iproute2) with apt when missing;
#   2. starts dockerd when no engine answers (the default engine: DOCKER_HOST or /var/run/docker.sock);
#   3. starts a second engine on unix:///run/orch-docker2.sock (plus TLS on tcp://127.0.0.1:12376) with its own
#      data root, exec root, bridge (orchbr2, 172.31.0.1/16) and no iptables rules, so it never touches docker0
#      or anything else of the first engine;
#   4. builds orchestrator-test/busybox:1.0 and :latest from tests/images/busybox (FROM scratch + Debian's static
#      busybox: no registry on the internet is reachable) and loads them into the second engine;
#   5. runs a local registry on 127.0.0.1:5000 and pushes 127.0.0.1:5000/orchestrator-test/busybox:1.0.
#
# Exports nothing: tests find the second engine by socket path (ORCH_DOCKER_HOST2 overrides it) and its TLS client
# files in /etc/orch-docker2/client (ca.pem, cert.pem, key.pem; a throw-away test CA for loopback only).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE=orchestrator-test/busybox
REGISTRY=127.0.0.1:5000
HOST2_SOCK=/run/orch-docker2.sock
HOST2_TCP=127.0.0.1:12376
HOST2_ETC=/etc/orch-docker2
HOST2_DATA=/var/lib/orch-docker2
HOST2_EXEC=/run/orch-docker2
HOST2_BRIDGE=orchbr2
HOST2_BRIDGE_CIDR=172.31.0.1/16
REGISTRY_DIR=/var/lib/orch-registry
LOG_DIR=/var/log
START=$SECONDS

log() { echo "docker-env: $*"; }
die() { echo "docker-env: ERROR: $*" >&2; exit 1; }
trap 'die "failed at line $LINENO: $BASH_COMMAND"' ERR

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"
export DEBIAN_FRONTEND=noninteractive
# The legacy builder: the buildx plugin is not installed and cannot be downloaded.
export DOCKER_BUILDKIT=0

# --- 1. packages -------------------------------------------------------------------------------------------------
missing=()
for pkg in docker.io busybox-static docker-registry curl openssl iproute2; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
else
    log "packages present (docker.io, busybox-static, docker-registry)"
fi
command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
[ -x /bin/busybox ] || die "/bin/busybox not found after installing busybox-static"

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.5 s.
wait_for() {
    local limit=$1 what=$2; shift 2
    local deadline=$((SECONDS + limit))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $deadline ] || return 1
        sleep 0.5
    done
    log "$what is up"
}

# --- 2. the first engine -----------------------------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
    log "engine answers at ${DOCKER_HOST:-unix:///var/run/docker.sock}"
else
    [ -z "${DOCKER_HOST:-}" ] || die "DOCKER_HOST=$DOCKER_HOST does not answer; start that engine or unset DOCKER_HOST"
    if [ -d /run/systemd/system ]; then
        log "starting docker with systemctl"
        systemctl start docker || die "systemctl start docker failed (see journalctl -u docker)"
    else
        log "starting dockerd (log $LOG_DIR/orch-dockerd.log)"
        setsid dockerd </dev/null >>"$LOG_DIR/orch-dockerd.log" 2>&1 &
    fi
    wait_for 60 "dockerd" docker info \
        || die "dockerd did not answer 'docker info' within 60 s; see $LOG_DIR/orch-dockerd.log"
fi

# --- 3. the second engine ----------------------------------------------------------------------------------------
d2() { docker -H "unix://$HOST2_SOCK" "$@"; }

make_tls() {
    local dir=$HOST2_ETC/tls client=$HOST2_ETC/client
    [ -s "$client/key.pem" ] && [ -s "$dir/server-key.pem" ] && return 0
    log "creating a test CA and TLS certificates in $HOST2_ETC"
    rm -rf "$dir" "$client"
    mkdir -p "$dir" "$client"
    (
        cd "$dir"
        openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca-key.pem -out ca.pem -days 3650 \
            -subj "/CN=orchestrator-test-ca" 2>/dev/null
        for who in server client; do
            openssl req -new -nodes -newkey rsa:2048 -keyout "$who-key.pem" -out "$who.csr" \
                -subj "/CN=orchestrator-test-$who" 2>/dev/null
        done
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
        printf 'extendedKeyUsage=clientAuth\n' >client.ext
        for who in server client; do
            openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 3650 \
                -extfile "$who.ext" -out "$who-cert.pem" 2>/dev/null
        done
        rm -f ./*.csr ./*.ext ca.srl
    )
    cp "$dir/ca.pem" "$client/ca.pem"
    cp "$dir/client-cert.pem" "$client/cert.pem"
    cp "$dir/client-key.pem" "$client/key.pem"
    # A throw-away CA for loopback tests: let a developer's non-root test run read the client files.
    chmod 0644 "$client"/*.pem
    chmod 0600 "$dir"/*-key.pem
}

if d2 info >/dev/null 2>&1; then
    log "second engine answers at unix://$HOST2_SOCK"
else
    if ! ip link show "$HOST2_BRIDGE" >/dev/null 2>&1; then
        log "creating bridge $HOST2_BRIDGE ($HOST2_BRIDGE_CIDR)"
        ip link add "$HOST2_BRIDGE" type bridge
    fi
    ip -4 addr show dev "$HOST2_BRIDGE" | grep -q "inet $HOST2_BRIDGE_CIDR" \
        || ip addr add "$HOST2_BRIDGE_CIDR" dev "$HOST2_BRIDGE"
    ip link set "$HOST2_BRIDGE" up
    make_tls
    mkdir -p "$HOST2_ETC" "$HOST2_DATA" "$HOST2_EXEC"
    # Its own (empty) config file: /etc/docker/daemon.json belongs to the first engine.
    [ -f "$HOST2_ETC/daemon.json" ] || echo '{}' >"$HOST2_ETC/daemon.json"
    log "starting the second dockerd on unix://$HOST2_SOCK and tcp://$HOST2_TCP (log $LOG_DIR/orch-docker2.log)"
    # --iptables=false: the two engines would otherwise rewrite each other's DOCKER chains.
    setsid dockerd \
        --config-file "$HOST2_ETC/daemon.json" \
        -H "unix://$HOST2_SOCK" -H "tcp://$HOST2_TCP" \
        --tlsverify --tlscacert "$HOST2_ETC/tls/ca.pem" \
        --tlscert "$HOST2_ETC/tls/server-cert.pem" --tlskey "$HOST2_ETC/tls/server-key.pem" \
        --data-root "$HOST2_DATA" --exec-root "$HOST2_EXEC" --pidfile /run/orch-docker2.pid \
        --containerd-namespace orch-docker2 --containerd-plugins-namespace orch-docker2-plugins \
        -b "$HOST2_BRIDGE" --iptables=false \
        --default-address-pool base=10.232.0.0/16,size=24 \
        --cgroup-parent /orch-docker2 \
        </dev/null >>"$LOG_DIR/orch-docker2.log" 2>&1 &
    wait_for 60 "second dockerd" d2 info \
        || die "the second dockerd did not answer within 60 s; see $LOG_DIR/orch-docker2.log"
fi

# Starting a second dockerd deletes the first engine's default bridge (docker0) even with -b pointing elsewhere;
# the first engine keeps answering but cannot start containers on it. Restart it so that it recreates docker0.
default_bridge=$(docker network inspect bridge -f '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null || true)
if [ -n "$default_bridge" ] && [ -z "${DOCKER_HOST:-}" ] && ! ip link show "$default_bridge" >/dev/null 2>&1; then
    log "the first engine lost its bridge $default_bridge; restarting it"
    if [ -d /run/systemd/system ]; then
        systemctl restart docker || die "systemctl restart docker failed (see journalctl -u docker)"
    else
        pid=$(cat /var/run/docker.pid 2>/dev/null || true)
        [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        setsid dockerd </dev/null >>"$LOG_DIR/orch-dockerd.log" 2>&1 &
    fi
    wait_for 60 "dockerd (restarted)" docker info \
        || die "dockerd did not answer 'docker info' within 60 s after a restart; see $LOG_DIR/orch-dockerd.log"
    wait_for 30 "bridge $default_bridge" ip link show "$default_bridge" \
        || die "the first engine did not recreate its bridge $default_bridge; see $LOG_DIR/orch-dockerd.log"
fi

# --- 4. test images ----------------------------------------------------------------------------------------------
context_hash=$(cat "$REPO_ROOT/tests/images/busybox/Dockerfile" /bin/busybox | sha256sum | cut -c1-16)
current_hash=$(docker image inspect -f '{{ index .Config.Labels "orchestrator.test.context" }}' "$IMAGE:1.0" 2>/dev/null || true)
if [ "$current_hash" = "$context_hash" ] && docker image inspect "$IMAGE:latest" >/dev/null 2>&1; then
    log "image $IMAGE:1.0 is up to date"
else
    log "building $IMAGE:1.0 and :latest"
    ctx=$(mktemp -d)
    cp "$REPO_ROOT/tests/images/busybox/Dockerfile" "$ctx/"
    cp /bin/busybox "$ctx/busybox"
    if ! out=$(docker build -q --label "orchestrator.test.context=$context_hash" -t "$IMAGE:1.0" -t "$IMAGE:latest" "$ctx" 2>&1); then
        rm -rf "$ctx"
        echo "$out" >&2
        die "docker build of $IMAGE failed"
    fi
    rm -rf "$ctx"
fi
image_id=$(docker image inspect -f '{{.Id}}' "$IMAGE:1.0")
if [ "$(d2 image inspect -f '{{.Id}}' "$IMAGE:1.0" 2>/dev/null || true)" = "$image_id" ] \
    && [ "$(d2 image inspect -f '{{.Id}}' "$IMAGE:latest" 2>/dev/null || true)" = "$image_id" ]; then
    log "second engine has $IMAGE:1.0"
else
    log "loading $IMAGE into the second engine"
    docker save "$IMAGE:1.0" "$IMAGE:latest" | d2 load -q >/dev/null
fi

# --- 5. local registry -------------------------------------------------------------------------------------------
registry_up() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/")" = 200 ]; }
if registry_up; then
    log "registry answers at $REGISTRY"
else
    if curl -s -o /dev/null "http://$REGISTRY/v2/"; then
        # Something else holds the port: most likely Debian's own docker-registry service, which asks for a password.
        log "port ${REGISTRY#*:} is taken by another registry; stopping Debian's docker-registry service"
        if [ -d /run/systemd/system ]; then systemctl stop docker-registry || true
        else /etc/init.d/docker-registry stop >/dev/null 2>&1 || true; fi
        sleep 1
        ! curl -s -o /dev/null "http://$REGISTRY/v2/" || die "something other than our registry listens on $REGISTRY"
    fi
    mkdir -p "$REGISTRY_DIR/data"
    cat >"$REGISTRY_DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
    log "starting docker-registry on $REGISTRY (log $LOG_DIR/orch-registry.log)"
    setsid docker-registry serve "$REGISTRY_DIR/config.yml" </dev/null >>"$LOG_DIR/orch-registry.log" 2>&1 &
    echo $! >/run/orch-registry.pid
    wait_for 30 "registry" registry_up || die "the registry did not answer on $REGISTRY within 30 s; see $LOG_DIR/orch-registry.log"
fi
remote_digest=$(curl -s -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY/v2/$IMAGE/manifests/1.0" | tr -d '\r' | awk -F': ' 'tolower($1)=="docker-content-digest"{print $2}')
local_digests=$(docker image inspect -f '{{range .RepoDigests}}{{println .}}{{end}}' "$IMAGE:1.0")
if [ -n "$remote_digest" ] && grep -qx "$REGISTRY/$IMAGE@$remote_digest" <<<"$local_digests"; then
    log "registry has $REGISTRY/$IMAGE:1.0"
else
    log "pushing $REGISTRY/$IMAGE:1.0"
    docker tag "$IMAGE:1.0" "$REGISTRY/$IMAGE:1.0"
    docker push "$REGISTRY/$IMAGE:1.0" >/dev/null || die "docker push $REGISTRY/$IMAGE:1.0 failed"
fi

# An image whose config blob is unlinked from its repository: the registry serves its manifest, so the engine starts
# its progress stream, then fails to fetch the config. Tests use it for errors reported inside the pull stream.
BROKEN=orchestrator-test/broken
manifest_json() {
    curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/$1/manifests/$2" | tr -d ' \n'
}
config_digest() { sed -n 's/.*"config":{[^}]*"digest":"\([^"]*\)".*/\1/p'; }
broken_config=$(manifest_json "$BROKEN" 1.0 | config_digest)
if [ -n "$broken_config" ] \
    && [ "$(curl -s -o /dev/null -w '%{http_code}' -I "http://$REGISTRY/v2/$BROKEN/blobs/$broken_config")" = 404 ]; then
    log "registry has the broken test image $REGISTRY/$BROKEN:1.0"
else
    log "pushing the broken test image $REGISTRY/$BROKEN:1.0"
    printf 'FROM %s\nLABEL orchestrator.test.broken=true\n' "$IMAGE:1.0" \
        | docker build -q -t "$REGISTRY/$BROKEN:1.0" - >/dev/null 2>&1 || die "docker build of $BROKEN failed"
    docker push "$REGISTRY/$BROKEN:1.0" >/dev/null || die "docker push $REGISTRY/$BROKEN:1.0 failed"
    broken_config=$(manifest_json "$BROKEN" 1.0 | config_digest)
    [ -n "$broken_config" ] || die "cannot read the manifest of $REGISTRY/$BROKEN:1.0"
    code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE "http://$REGISTRY/v2/$BROKEN/blobs/$broken_config")
    [ "$code" = 202 ] || die "could not unlink the config blob of $BROKEN (HTTP $code)"
fi
# The engines must not have it, or a pull would not ask the registry for the config.
docker rmi "$REGISTRY/$BROKEN:1.0" >/dev/null 2>&1 || true

log "ready in $((SECONDS - START)) s"
