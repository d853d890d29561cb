#!/usr/bin/env bash
# Checks the Docker images and the compose file on a machine without a Docker engine or a
# registry (the project's CI): `pnpm test:images`, called by .ci/run.
#
#  1. docker-compose.yml: `docker-compose --profile cpu|gpu|scale config` renders; docker/check-compose.py
#     checks images, port, volumes, /ready healthcheck, restart, the GPU reservation, no :latest,
#     and the scale profile's Redis, S3 server, bucket creation, api and worker services.
#  2. A local stand-in for node:<version>-bookworm-slim (docker/make-base-image.sh, cached).
#  3. Dockerfile.cpu built with buildah (chroot isolation, docker format, vfs storage) on it;
#     the image config and files checked (docker/inspect-image.mjs: uid 1000, OCI labels,
#     HEALTHCHECK on /ready, port 8000, volumes, every model present with its sha256).
#  4. The server started inside the image (`buildah run`) in a network namespace that has only
#     loopback: /ready must answer 200 and /api/v1/process/quick must turn a photo into a PNG
#     with no network at all; the files the server wrote are listed afterwards.
#  5. Dockerfile.gpu built on the same stand-in (no CUDA image can be pulled here) with
#     SKIP_CUDA_DOWNLOAD=1; its server must start and /status must report the CPU fallback.
#  6. Image sizes and timings into bench/results/image-sizes.json.
#
#   bash docker/check-images.sh [--cpu-only] [--prune]
#
# --prune   build without per-step layers and afterwards remove every image but the base (also done
#           when CI is set: it fits where only a few GB are free). Without it the
#           layers of this run are kept, so that an unchanged re-run takes a minute or two; the
#           layers of earlier runs are removed either way (vfs stores each layer as a full copy).
# Storage: FACECRAFT_CONTAINERS_DIR (default .tmp/containers). Needs root (chroot, namespaces).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

gpu=1 prune=0
for arg in "$@"; do
  case "$arg" in
    --cpu-only) gpu=0 ;;
    --prune) prune=1 ;;
    *) fail "unknown option $arg (usage: check-images.sh [--cpu-only] [--prune])" ;;
  esac
done
[ "$(id -u)" = 0 ] || fail "run as root: buildah's chroot isolation and the network namespace need it"

CHECK_REPO=localhost/facecraft-check
PHOTO=packages/core/test/fixtures/portrait-1.jpg
PORT=${FACECRAFT_CHECK_PORT:-18000}
RESULTS=bench/results/image-sizes.json
containers=()
cleanup() {
  local ctr
  for ctr in "${containers[@]}"; do
    buildah umount "$ctr" >/dev/null 2>&1 || true
    buildah rm "$ctr" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# ---- 0. tools -------------------------------------------------------------------------------
need_packages() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v buildah >/dev/null || missing+=(buildah)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v unshare >/dev/null || missing+=(util-linux)
  /usr/bin/python3 -c 'import yaml' 2>/dev/null || missing+=(python3-yaml)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    command -v apt-get >/dev/null || fail "missing ${missing[*]} and no apt-get to install them"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}
timed "tools" need_packages || fail "could not install the container tools"
use_project_storage
WORK=$CONTAINERS_DIR/check
[ "$CONTAINERS_DIR" = system ] && WORK=$REPO_ROOT/.tmp/check-images
mkdir -p "$WORK"
echo "   podman $(podman --version | awk '{print $3}'), buildah $(buildah --version | awk '{print $3}'), $(docker-compose --version | cut -d, -f1), storage: ${CONTAINERS_STORAGE_CONF:-podman default}"

# ---- 1. compose -----------------------------------------------------------------------------
check_compose() {
  docker-compose -f docker-compose.yml --profile cpu config >"$WORK/compose-cpu.yml" || fail "docker-compose --profile cpu config rejected docker-compose.yml"
  docker-compose -f docker-compose.yml --profile gpu config >"$WORK/compose-gpu.yml" || fail "docker-compose --profile gpu config rejected docker-compose.yml"
  docker-compose -f docker-compose.yml --profile scale config >"$WORK/compose-scale.yml" || fail "docker-compose --profile scale config rejected docker-compose.yml"
  /usr/bin/python3 docker/check-compose.py "$WORK/compose-cpu.yml" "$WORK/compose-gpu.yml" "$WORK/compose-scale.yml"
}
say "1. docker-compose.yml"
timed "compose" check_compose || fail "docker-compose.yml: see the lines above"

# ---- 2. base image --------------------------------------------------------------------------
say "2. local base image (stand-in for node:$NODE_VERSION-bookworm-slim)"
base=$LOCAL_BASE_IMAGE
timed "base image" bash docker/make-base-image.sh || fail "could not make the base image $base"

# ---- storage --------------------------------------------------------------------------------
# vfs keeps every layer as a full copy, so stale build cache adds up to GBs per changed run.
# Kept: the base image, the checked images, and the layers this run's builds made or reused
# (what makes the next unchanged run fast). With --prune, or under CI (a fresh clone each
# time, nothing to reuse), only the base image is kept. The cache mounts (pnpm store, model
# sources, ~1 GB) stay either way.
prune_storage() {
  local keep=() id removed=1 all=$1
  if [ "$all" = 0 ]; then
    mapfile -t keep < <(grep -h -o -E '^--> (Using cache )?[0-9a-f]{11,}' "$WORK"/build-*.log 2>/dev/null | grep -o -E '[0-9a-f]{11,}$' | cut -c1-11)
  fi
  buildah rm --all >/dev/null 2>&1 || true
  if [ "$all" = 1 ]; then podman rmi --force "$CHECK_REPO:cpu" "$CHECK_REPO:gpu-standin" >/dev/null 2>&1 || true; fi
  # Untagged images, leaves first: an image with children cannot go until they have gone.
  while [ $removed = 1 ]; do
    removed=0
    for id in $(podman images --all --noheading --format '{{.ID}} {{.Repository}}' | awk '$2 == "<none>" {print substr($1, 1, 11)}'); do
      printf '%s\n' "${keep[@]}" | grep -q -x "$id" && continue
      podman rmi "$id" >/dev/null 2>&1 && removed=1
    done
  done
}
# A one-off run (--prune, or CI: a fresh clone each time, no cache to reuse) builds without
# per-step layers and drops each build's leftovers before the next, so that it fits on a
# machine with a few GB free: with --layers every step of a stage is a full vfs copy.
one_off=0
if [ $prune = 1 ] || [ -n "${CI:-}" ]; then one_off=1; export FACECRAFT_BUILD_LAYERS=false; fi
free_space() { df -h --output=avail "$CONTAINERS_DIR" 2>/dev/null | tail -n 1 | tr -d ' '; }
echo "   free space for container storage: $(free_space) (layer cache: ${FACECRAFT_BUILD_LAYERS:-true})"

# ---- 3-5. build, inspect, run ---------------------------------------------------------------
inspect() { # IMAGE FLAVOUR CONTAINER → checks config and files
  local image=$1 flavour=$2 ctr=$3 mnt
  podman image inspect "$image" >"$WORK/$flavour-image.json"
  mnt=$(buildah mount "$ctr")
  node docker/inspect-image.mjs --config "$WORK/$flavour-image.json" --flavour "$flavour" --version "$APP_VERSION" --rootfs "$mnt" >"$WORK/$flavour-inspect.json"
  node -e '
    const r = require(process.argv[1]);
    console.log(`   user ${r.user}, healthcheck ${r.healthcheck.join(" ")} (start period ${r.start_period_s} s)`);
    console.log(`   models: ${Object.entries(r.files.models).map(([k, v]) => `${k} ${(v / 1e6).toFixed(1)} MB`).join(", ")} (sha256 ok)`);
    console.log(`   onnxruntime-node: ${r.files.onnxruntime.join(", ")}`);
    for (const note of r.notes) console.log(`   note: ${note}`);
  ' "$WORK/$flavour-inspect.json"
}

serve_offline() { # FLAVOUR CONTAINER EXPECTED_DEVICE → smoke test with loopback only
  local flavour=$1 ctr=$2 device=$3 mnt
  mnt=$(buildah mount "$ctr")
  touch "$mnt/tmp/.facecraft-check-start"
  sleep 1
  # A new network namespace with only `lo` up: the server, and this test's own requests, run in it.
  unshare --net -- bash -c '
    ip link set lo up
    exec node docker/smoke-test.mjs --offline --expect-uid 1000 --port "$1" --photo "$2" --device "$3" --log "$4" --timeout 300 \
      --healthcheck "buildah run --isolation chroot --env FACECRAFT_PORT=$1 $5 -- node /app/docker/healthcheck.cjs /ready" -- \
      buildah run --isolation chroot --env FACECRAFT_PORT="$1" "$5" -- node /app/bin/facecraft.js serve
  ' _ "$PORT" "$PHOTO" "$device" "$WORK/$flavour-server.log" "$ctr" >"$WORK/$flavour-smoke.json" || {
    cat "$WORK/$flavour-smoke.json" >&2
    return 1
  }
  # What the server wrote into the container's filesystem while it ran (nothing may have been
  # fetched into /app; uploads/processed/tmp are its working folders).
  (cd "$mnt" && find . -xdev -newer tmp/.facecraft-check-start -type f ! -path ./tmp/.facecraft-check-start | sed 's|^\.||' | sort) >"$WORK/$flavour-written.txt"
  node -e '
    const r = require(process.argv[1]);
    const written = require("fs").readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean);
    console.log(`   network: ${r.network}; server process uid ${r.server_uid}`);
    console.log(`   /health after ${r.health_ms} ms, /ready after ${r.ready_ms} ms (models loaded in ${r.status.model_load_ms} ms); HEALTHCHECK command: ${r.healthcheck}`);
    console.log(`   /status: device ${r.status.device.type} (asked ${r.status.device.requested})${r.status.device.notice ? `, notice: "${r.status.device.notice}"` : ""}`);
    console.log(`   /api/v1/process/quick: PNG ${r.png.width}×${r.png.height}, ${r.png.bytes} bytes, in ${r.quick_ms} ms; server stopped by ${r.stopped_by}`);
    console.log(`   files written while serving: ${written.length ? written.join(", ") : "none"}`);
    const outside = written.filter((f) => !/^\/(app\/uploads|app\/processed|tmp)\//.test(f));
    if (outside.length) { console.error(`   written outside /app/uploads, /app/processed, /tmp: ${outside.join(", ")}`); process.exit(1); }
  ' "$WORK/$flavour-smoke.json" "$WORK/$flavour-written.txt"
}

build_logged() { # FLAVOUR VAR=VALUE... → docker/build-images.sh with buildah, output in a log
  local flavour=$1
  shift
  env FACECRAFT_ENGINE=buildah "$@" bash docker/build-images.sh "$flavour" >"$WORK/build-$flavour.log" 2>&1 || {
    tail -n 40 "$WORK/build-$flavour.log" >&2
    fail "Dockerfile.$flavour did not build (log: $WORK/build-$flavour.log)"
  }
}

check_flavour() { # FLAVOUR
  local flavour=$1 image ctr device
  if [ "$flavour" = cpu ]; then
    image=$CHECK_REPO:cpu device=cpu
    say "3. Dockerfile.cpu on $base"
    timed "build cpu" build_logged cpu FACECRAFT_TAGS="$image" CPU_BASE_IMAGE="$base"
  else
    image=$CHECK_REPO:gpu-standin device=fallback
    say "5. Dockerfile.gpu on $base instead of the CUDA image, SKIP_CUDA_DOWNLOAD=1"
    timed "build gpu" build_logged gpu FACECRAFT_TAGS="$image" GPU_BASE_IMAGE="$base" NODE_IMAGE="$base" SKIP_CUDA_DOWNLOAD=1
  fi
  buildah rm "facecraft-check-$flavour" >/dev/null 2>&1 || true
  ctr=$(buildah from --pull-never --name "facecraft-check-$flavour" "$image")
  containers+=("$ctr")
  timed "inspect $flavour" inspect "$image" "$flavour" "$ctr" || fail "the $flavour image is not as it should be (see above)"
  [ "$flavour" = cpu ] && say "4. the server inside the CPU image, loopback only"
  timed "serve $flavour" serve_offline "$flavour" "$ctr" "$device" ||
    fail "the server in the $flavour image did not pass (server log: $WORK/$flavour-server.log)"
  buildah umount "$ctr" >/dev/null
  buildah rm "$ctr" >/dev/null
}

check_flavour cpu
if [ $gpu = 1 ]; then
  [ $one_off = 1 ] && prune_storage 0
  check_flavour gpu
fi

# ---- 6. sizes -------------------------------------------------------------------------------
say "6. image sizes → $RESULTS"
mkdir -p "$(dirname "$RESULTS")"
NODE_VERSION=$NODE_VERSION node - "$RESULTS" "$base" "$CHECK_REPO" "$WORK" "$(declare -p TIMINGS)" "$gpu" <<'EOF'
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const [results, base, repo, work, timingDecl, gpu] = process.argv.slice(2);
const size = (image) => {
  try {
    return Number(execFileSync('podman', ['image', 'inspect', '--format', '{{.Size}}', image], { encoding: 'utf8' }).trim());
  } catch {
    return null;
  }
};
const mb = (bytes) => (bytes === null ? null : Math.round(bytes / 1e5) / 10);
const timings = Object.fromEntries([...timingDecl.matchAll(/\["?([^\]"]+)"?\]="([^"]*)"/g)].map(([, k, v]) => [k, Number(v)]));
const baseBytes = size(base);
const entry = (image, flavour, realBase) => {
  const bytes = size(image);
  if (bytes === null) return undefined;
  let smoke = {};
  try {
    smoke = JSON.parse(fs.readFileSync(`${work}/${flavour}-smoke.json`, 'utf8'));
  } catch {}
  return {
    image,
    built_on: base,
    bytes,
    mb: mb(bytes),
    above_base_mb: mb(bytes - baseBytes),
    real_base: realBase,
    ready_ms: smoke.ready_ms ?? null,
    quick_ms: smoke.quick_ms ?? null,
  };
};
const out = {
  $comment: 'Written by docker/check-images.sh: images built with buildah on a local bookworm + Node stand-in base (no registry reachable). above_base_mb is what the Dockerfile adds; the published image is about that plus its real base.',
  measured_at: new Date().toISOString(),
  machine: `${require('node:os').cpus().length} cores, ${require('node:os').cpus()[0]?.model ?? ''}`.trim(),
  base: { image: base, bytes: baseBytes, mb: mb(baseBytes) },
  cpu: entry(`${repo}:cpu`, 'cpu', `node:${process.env.NODE_VERSION}-bookworm-slim`),
  gpu_standin: gpu === '1' ? entry(`${repo}:gpu-standin`, 'gpu', 'nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04 (not pullable here; the real image adds the CUDA/cuDNN runtime and the CUDA provider)') : undefined,
  timings_s: timings,
};
fs.writeFileSync(results, `${JSON.stringify(out, null, 2)}\n`);
for (const key of ['base', 'cpu', 'gpu_standin']) if (out[key]) console.log(`   ${key}: ${out[key].mb} MB${out[key].above_base_mb !== undefined ? ` (${out[key].above_base_mb} MB above the base)` : ''}`);
EOF

if [ $one_off = 1 ]; then
  say "removing every image but the base (--prune or CI)"
  prune_storage 1
else
  prune_storage 0
fi
echo "   container storage: $(du -sh "$CONTAINERS_DIR" 2>/dev/null | cut -f1) in $CONTAINERS_DIR, $(free_space) free"

say "images checked in $(($(date +%s) - SCRIPT_STARTED)) s"
for label in "${!TIMINGS[@]}"; do printf '   %-14s %6s s\n' "$label" "${TIMINGS[$label]}"; done | sort
