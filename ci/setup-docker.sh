# Sourced by .ci/run (`source ci/setup-docker.sh`): a Docker engine for the container tests.
#   - when no engine answers: installs Debian's docker.io (and debootstrap) if missing and starts
#     dockerd in the background, with no bridge and no iptables rules (every container of ours
#     runs on the host network, on 127.0.0.1);
#   - the Dockerfile's base: the official node:22-slim when the engine has it, else the offline
#     base (ci/offline-base-image.sh: Debian's packages and this machine's node); exported as
#     STAMPEDE_IMAGE_BASE for the tests' image build;
#   - TESTCONTAINERS_RYUK_DISABLED=true: the reaper's image cannot be pulled without a registry,
#     and the container launch mode stops its containers itself; TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1;
#   - an EXIT trap (chained after any the caller set) removes the containers the tests left and
#     stops the dockerd this script started, so CI leaves nothing running.
# The tests skip the container suite with a one-line reason when this fails: a machine without
# an engine still runs everything else. Set STAMPEDE_NO_DOCKER=1 to skip the engine altogether.

stampede_docker_log() { echo "setup-docker: $*" >&2; }

stampede_docker_teardown() {
  # containers of the container launch mode that a killed run left behind
  local left
  left="$(docker ps -aq --filter label=dev.stampede.launch 2>/dev/null || true)"
  [ -n "$left" ] && docker rm -f $left >/dev/null 2>&1 || true
  if [ -n "${STAMPEDE_DOCKERD_PID:-}" ]; then
    left="$(docker ps -q 2>/dev/null || true)"
    [ -n "$left" ] && docker rm -f $left >/dev/null 2>&1 || true
    kill "$STAMPEDE_DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$STAMPEDE_DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$STAMPEDE_DOCKERD_PID" 2>/dev/null || true
    stampede_docker_log "stopped the dockerd it started (pid $STAMPEDE_DOCKERD_PID)"
    unset STAMPEDE_DOCKERD_PID
  fi
}

stampede_docker_trap() {
  # chain: keep whatever EXIT trap the caller set, after ours
  local previous=""
  eval "set -- $(trap -p EXIT)"
  [ $# -ge 3 ] && previous="$3"
  trap "stampede_docker_teardown; ${previous}" EXIT
}

stampede_docker_setup() {
  if [ "${STAMPEDE_NO_DOCKER:-}" = 1 ]; then stampede_docker_log "STAMPEDE_NO_DOCKER=1: no engine"; return 0; fi
  if ! docker info >/dev/null 2>&1; then
    if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
      stampede_docker_log "installing docker.io and debootstrap from Debian"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap >/dev/null ||
        { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap >/dev/null; } ||
        { stampede_docker_log "could not install docker.io: the container tests will skip"; return 0; }
    fi
    local log="${TMPDIR:-/tmp}/stampede-dockerd.log"
    dockerd --bridge=none --iptables=false --ip6tables=false >"$log" 2>&1 &
    export STAMPEDE_DOCKERD_PID=$!
    stampede_docker_trap
    local i
    for i in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    if ! docker info >/dev/null 2>&1; then
      stampede_docker_log "dockerd did not answer within 30 s (log: $log): the container tests will skip"
      return 0
    fi
    stampede_docker_log "started dockerd (pid $STAMPEDE_DOCKERD_PID, log $log)"
  else
    stampede_docker_trap
  fi
  export TESTCONTAINERS_RYUK_DISABLED=true
  # our containers use the host network, and the engine started here has no bridge to look the host up on
  export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1
  if [ -z "${STAMPEDE_IMAGE_BASE:-}" ]; then
    # the official base when the engine has it (or may pull it: STAMPEDE_PULL_BASE=1); else offline
    if docker image inspect node:22-slim >/dev/null 2>&1 ||
      { [ "${STAMPEDE_PULL_BASE:-}" = 1 ] && docker pull -q node:22-slim >/dev/null 2>&1; }; then
      export STAMPEDE_IMAGE_BASE=node:22-slim
    else
      local tag
      tag="$(bash "$(dirname "${BASH_SOURCE[0]}")/offline-base-image.sh" | tail -n 1)" ||
        { stampede_docker_log "the offline base image could not be built: the container tests will skip"; return 0; }
      export STAMPEDE_IMAGE_BASE="$tag"
    fi
  fi
  stampede_docker_log "engine up; image base $STAMPEDE_IMAGE_BASE"
}

stampede_docker_setup
