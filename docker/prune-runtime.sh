#!/bin/sh
# Runs in the images' build stage on the deployed app (`pnpm deploy --prod`): removes files that
# can never be used inside the image, and says how much that saved.
#
#   sh docker/prune-runtime.sh /out/app
#
# - onnxruntime-node ships its native library for every OS and CPU (~290 MB); only linux/<arch>
#   of the image is kept (~45 MB).
# - onnxruntime-web is a dependency of @facecraft/core for the browser entry point. The server
#   runs onnxruntime-node, and the playground build carries its own copy of the ORT WASM runtime
#   (packages/web/build/ort-runtime-files.ts), so the package's WASM binaries and source maps
#   (~100 MB) are dead weight here. Its JavaScript stays, so an import of it still resolves.
set -eu
app=${1:?usage: prune-runtime.sh APP_DIR}
arch=$(node -p process.arch)
before=$(du -sk "$app" | cut -f1)

found=0
for ort in "$app"/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node; do
  [ -d "$ort/bin/napi-v6/linux/$arch" ] || { echo "prune-runtime: $ort has no linux/$arch binary" >&2; exit 1; }
  found=1
  for dir in "$ort"/bin/napi-v6/*/*; do
    case "$dir" in
      */linux/"$arch") ;;
      *) rm -rf "$dir" ;;
    esac
  done
  find "$ort/bin/napi-v6" -mindepth 1 -type d -empty -delete
done
[ "$found" = 1 ] || { echo "prune-runtime: onnxruntime-node is not in $app" >&2; exit 1; }

for web in "$app"/node_modules/.pnpm/onnxruntime-web@*/node_modules/onnxruntime-web; do
  [ -d "$web/dist" ] && find "$web/dist" -maxdepth 1 \( -name '*.wasm' -o -name '*.map' \) -delete
done

after=$(du -sk "$app" | cut -f1)
echo "prune-runtime: $app $((before / 1024)) MB -> $((after / 1024)) MB"
