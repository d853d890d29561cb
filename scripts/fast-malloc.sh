#!/bin/sh
# Runs a command with glibc's malloc asking for transparent huge pages (glibc >= 2.35; older
# versions and other C libraries ignore the setting), unless GLIBC_TUNABLES is already set.
#
# onnxruntime runs here without its CPU arena, which would keep a run's peak memory for good
# (see packages/core/src/backends/ort-node-backend.ts), so every ISNet run maps its activations
# afresh and faults each page in: with 4 KB pages that is 40 % of a portrait's segmentation on
# a 2-core machine (int8 ISNet at 768²: 355-445 ms a run; with huge pages 204-224, as fast as
# with the arena, while the memory is still given back after each run). It only helps where the
# kernel allows huge pages on request (/sys/kernel/mm/transparent_hugepage/enabled: madvise or
# always). The Docker images set the same variable (Dockerfile.cpu, Dockerfile.gpu).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1}"
exec "$@"
