#!/usr/bin/env bash
# Builds the Facecraft images: `pnpm image:build [cpu|gpu|all]` (default all).
#
# Tags: djok/facecraft:cpu and :X.Y.Z-cpu from Dockerfile.cpu, :gpu and :X.Y.Z-gpu from
# Dockerfile.gpu, X.Y.Z being packages/server's version. No :latest.
#
# With a running Docker engine it uses `docker build` (BuildKit); without one, buildah with
# chroot isolation and the docker image format (the OCI format has no HEALTHCHECK), in the
# container storage described in docker/lib.sh (a vfs store under .tmp/containers unless
# FACECRAFT_CONTAINERS_DIR=system).
#
# Environment:
#   FACECRAFT_IMAGE      image repository (default djok/facecraft)
#   FACECRAFT_ENGINE     docker | buildah (default: docker when its engine answers, else buildah)
#   FACECRAFT_TAGS       tags to give instead of the default two per image; `{flavour}` stands for
#                        cpu/gpu (docker/check-images.sh uses this to keep its stand-in builds apart)
#   CPU_BASE_IMAGE       Dockerfile.cpu's BASE_IMAGE (default there: node:<version>-bookworm-slim)
#   GPU_BASE_IMAGE       Dockerfile.gpu's BASE_IMAGE (default there: nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04)
#   NODE_IMAGE           Dockerfile.gpu's NODE_IMAGE (default there: node:<version>-bookworm-slim)
#   SKIP_CUDA_DOWNLOAD=1 build the GPU image without fetching the CUDA provider (runs on CPU only)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flavours_from_arg "${1:-all}" build-images.sh

engine=${FACECRAFT_ENGINE:-}
if [ -z "$engine" ]; then
  if have_docker_engine; then engine=docker; else engine=buildah; fi
fi
case "$engine" in
  docker) have_docker_engine || fail "FACECRAFT_ENGINE=docker but no Docker engine answers (docker info)" ;;
  buildah)
    command -v buildah >/dev/null || fail "no Docker engine and no buildah: install Docker, or buildah + podman (apt-get install buildah podman)"
    use_project_storage
    ;;
  *) fail "FACECRAFT_ENGINE must be docker or buildah, not $engine" ;;
esac

revision=$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$revision" != unknown ] && [ -n "$(git -C "$REPO_ROOT" status --porcelain 2>/dev/null)" ]; then revision="$revision-dirty"; fi
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
  created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
else
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
fi

build_one() {
  local flavour=$1 repo tag
  # The labels go in twice: as build arguments for the Dockerfile's LABEL (a plain `docker build`
  # gets them that way) and as --label, because buildah 1.28's layer cache reuses a LABEL step
  # whose build arguments changed, which would leave the revision and date of an earlier build.
  local -a args=(-f "$REPO_ROOT/Dockerfile.$flavour"
    --build-arg "VERSION=$APP_VERSION" --build-arg "REVISION=$revision" --build-arg "CREATED=$created"
    --label "org.opencontainers.image.version=$APP_VERSION"
    --label "org.opencontainers.image.revision=$revision"
    --label "org.opencontainers.image.created=$created")
  if [ "$flavour" = cpu ]; then
    [ -n "${CPU_BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$CPU_BASE_IMAGE")
  else
    [ -n "${GPU_BASE_IMAGE:-}" ] && args+=(--build-arg "BASE_IMAGE=$GPU_BASE_IMAGE")
    [ -n "${NODE_IMAGE:-}" ] && args+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
    [ -n "${SKIP_CUDA_DOWNLOAD:-}" ] && args+=(--build-arg "SKIP_CUDA_DOWNLOAD=$SKIP_CUDA_DOWNLOAD")
  fi
  repo=$IMAGE_REPO
  [ "$engine" = buildah ] && repo=$(qualified "$IMAGE_REPO")
  local tags=${FACECRAFT_TAGS:-"$repo:$flavour $repo:$APP_VERSION-$flavour"}
  for tag in ${tags//\{flavour\}/$flavour}; do args+=(-t "$tag"); done

  say "building Dockerfile.$flavour with $engine: ${tags//\{flavour\}/$flavour}"
  if [ "$engine" = docker ]; then
    DOCKER_BUILDKIT=1 docker build "${args[@]}" "$REPO_ROOT"
  else
    # --layers keeps every step as an image, so an unchanged re-run is fast; on vfs each such
    # layer is a full copy of the file system (GBs per build), so a one-off build (CI) turns it off.
    buildah build --layers="${FACECRAFT_BUILD_LAYERS:-true}" --isolation "${BUILDAH_ISOLATION:-chroot}" --format docker "${args[@]}" "$REPO_ROOT"
  fi
}

for flavour in "${flavours[@]}"; do
  timed "build $flavour" build_one "$flavour" ||
    fail "the $flavour image did not build (see above). Where no registry can be reached, point CPU_BASE_IMAGE / GPU_BASE_IMAGE / NODE_IMAGE at a local image (docker/make-base-image.sh makes one)."
done
