#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang and runs each for a bounded time
# from its seed corpus; fails on the first crash, leak or sanitizer report.
#   FUZZ_SECONDS  time per harness (default 60)
#   FUZZ_BUILD    build directory (default target/fuzz); crashing inputs are kept in its artifacts/
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-60}
build=$(realpath -m "${FUZZ_BUILD:-target/fuzz}")
CC=clang cmake -S . -B "$build" -DOVERLAY4J_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz_options fuzz_mountinfo -j "$(nproc)" >/dev/null
mkdir -p "$build/artifacts"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for harness in options mountinfo; do
  # A copy: libFuzzer adds what it finds to the corpus, and the repository's stays as committed.
  cp -r "tests/fuzz/corpus/$harness" "$work/$harness"
  echo "fuzz_$harness: ${seconds}s"
  "$build/fuzz_$harness" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$harness-" "$work/$harness" 2>"$work/$harness.log" ||
    { tail -60 "$work/$harness.log"; exit 1; }
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$work/$harness.log"
done
