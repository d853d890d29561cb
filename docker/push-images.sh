#!/usr/bin/env bash
# Pushes the images that `pnpm image:build` made: `pnpm image:push [cpu|gpu|all]` (default all).
#
# Tags pushed per image: :cpu and :X.Y.Z-cpu, :gpu and :X.Y.Z-gpu (X.Y.Z = packages/server's
# version). Never :latest. Refuses, before pushing anything, when:
#   - there is neither a Docker engine nor podman, or no login for the registry;
#   - an image is missing, or its version label is not X.Y.Z (built from another version);
#   - an image was built on a local stand-in base (docker/check-images.sh's builds), or the GPU
#     image was built with SKIP_CUDA_DOWNLOAD=1 (it could never use a GPU).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flavours_from_arg "${1:-all}" push-images.sh

registry=${IMAGE_REPO%%/*}
case "$registry" in
  *.* | *:* | localhost) ;;
  *) registry=docker.io ;;
esac

if have_docker_engine; then
  engine=docker repo=$IMAGE_REPO
  config=${DOCKER_CONFIG:-$HOME/.docker}/config.json
  key=$registry
  [ "$registry" = docker.io ] && key=https://index.docker.io/v1/
  if [ ! -f "$config" ] || ! node -e '
      const c = require(process.argv[1]); const k = process.argv[2];
      process.exit(c.credsStore || (c.credHelpers && c.credHelpers[k]) || (c.auths && (c.auths[k] || c.auths[process.argv[3]])) ? 0 : 1);
    ' "$config" "$key" "$registry"; then
    fail "no Docker login for $registry: run \`docker login $registry\` first"
  fi
elif command -v podman >/dev/null; then
  engine=podman repo=$(qualified "$IMAGE_REPO")
  use_project_storage
  podman login --get-login "$registry" >/dev/null 2>&1 || fail "no podman login for $registry: run \`podman login $registry\` first"
else
  fail "neither a Docker engine nor podman is available: nothing to push with (build and push where Docker runs)"
fi

inspect_label() { # IMAGE LABEL
  "$engine" image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null
}

tags=()
for flavour in "${flavours[@]}"; do
  for tag in "$repo:$flavour" "$repo:$APP_VERSION-$flavour"; do
    "$engine" image inspect "$tag" >/dev/null 2>&1 || fail "$tag is not built here: run \`pnpm image:build $flavour\` first"
    version=$(inspect_label "$tag" org.opencontainers.image.version)
    [ "$version" = "$APP_VERSION" ] || fail "$tag carries version $version, not $APP_VERSION: rebuild it"
    base=$(inspect_label "$tag" org.opencontainers.image.base.name)
    case "$base" in
      localhost/*) fail "$tag was built on the local stand-in $base, not a published base image: rebuild it with pnpm image:build" ;;
    esac
    if [ "$flavour" = gpu ] && [ "$(inspect_label "$tag" io.facecraft.skip-cuda-download)" = 1 ]; then
      fail "$tag was built with SKIP_CUDA_DOWNLOAD=1 and has no CUDA provider: rebuild it without"
    fi
    tags+=("$tag")
  done
done

for tag in "${tags[@]}"; do
  say "$engine push $tag"
  "$engine" push "$tag"
done
