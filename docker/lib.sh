# Shared by the scripts in docker/ (sourced, not run). Bash.
#
# Image names and tags, the version, timing and messages, and the container storage the
# podman/buildah path uses on machines without a Docker engine.

DOCKER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$DOCKER_DIR/.." && pwd)

# Where the images go. Tags: :cpu :gpu :X.Y.Z-cpu :X.Y.Z-gpu, never :latest.
IMAGE_REPO=${FACECRAFT_IMAGE:-djok/facecraft}
APP_VERSION=$(node -p "require('$REPO_ROOT/packages/server/package.json').version")

# The Node 20 release of the default base image (ARG BASE_IMAGE=…/node:X.Y.Z-bookworm-slim in
# Dockerfile.cpu), read from there so that the locally made stand-in carries the same Node.
NODE_VERSION=$(sed -n 's|^ARG BASE_IMAGE=\(docker.io/library/\)\{0,1\}node:\([0-9.]*\)-bookworm-slim$|\2|p' "$REPO_ROOT/Dockerfile.cpu")
# The stand-in that docker/make-base-image.sh makes for it.
LOCAL_BASE_IMAGE=localhost/facecraft-base:node$NODE_VERSION-bookworm

SCRIPT_STARTED=$(date +%s)
say() { printf '\033[1m== %s\033[0m\n' "$*"; }
fail() {
  printf '\033[31mFAILED: %s\033[0m\n' "$*" >&2
  exit 1
}
# `timed LABEL COMMAND...`: runs the command, prints how long it took, records it in TIMINGS.
declare -A TIMINGS=()
timed() {
  local label=$1 started rc ms
  shift
  started=$(date +%s%N)
  "$@" && rc=0 || rc=$?
  ms=$((($(date +%s%N) - started) / 1000000))
  TIMINGS[$label]=$((ms / 1000)).$((ms % 1000 / 100))
  printf '   (%s: %s s)\n' "$label" "${TIMINGS[$label]}"
  return $rc
}

# Sets the array `flavours` from the scripts' argument: cpu, gpu or all.
flavours_from_arg() {
  case "$1" in
    cpu) flavours=(cpu) ;;
    gpu) flavours=(gpu) ;;
    all) flavours=(cpu gpu) ;;
    *) fail "usage: $2 [cpu|gpu|all]" ;;
  esac
}

have_docker_engine() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1
}

# Container storage for podman/buildah: a vfs store under FACECRAFT_CONTAINERS_DIR (default
# .tmp/containers, git-ignored), set up through CONTAINERS_STORAGE_CONF so that podman and
# buildah see the same images. vfs works everywhere (no overlay or fuse needed) at the price of
# disk space. FACECRAFT_CONTAINERS_DIR=system keeps podman's own storage and configuration.
CONTAINERS_DIR=${FACECRAFT_CONTAINERS_DIR:-$REPO_ROOT/.tmp/containers}
use_project_storage() {
  [ "$CONTAINERS_DIR" = system ] && return 0
  [ -n "${CONTAINERS_STORAGE_CONF:-}" ] && return 0
  mkdir -p "$CONTAINERS_DIR/storage" "$CONTAINERS_DIR/run" "$CONTAINERS_DIR/cache"
  CONTAINERS_DIR=$(cd "$CONTAINERS_DIR" && pwd)
  cat >"$CONTAINERS_DIR/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$CONTAINERS_DIR/storage"
runroot = "$CONTAINERS_DIR/run"
EOF
  export CONTAINERS_STORAGE_CONF="$CONTAINERS_DIR/storage.conf"
  # Intermediate files of builds (layer tarballs) next to the store, not in a small /var/tmp.
  mkdir -p "$CONTAINERS_DIR/tmp"
  export TMPDIR="$CONTAINERS_DIR/tmp"
}

# podman/buildah name an image without a registry "localhost/…"; with one, it can be pushed.
qualified() {
  case "${1%%/*}" in
    *.* | *:* | localhost) echo "$1" ;;
    *) echo "docker.io/$1" ;;
  esac
}
