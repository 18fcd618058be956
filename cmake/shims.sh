#!/usr/bin/env bash
# The shims and the C tests of every architecture, one loop over cmake/architectures (pom.xml runs it):
#   shims.sh check TARGET REQUIRED SKIPTESTS  at validate: which architectures this machine can build
#       and test; writes TARGET/shims/check.properties (what is skipped, the warning or the failure)
#   shims.sh build TARGET HOST_SHIM JAVA_HOME  at process-classes: the host's shim from NAR (HOST_SHIM)
#       and the cross-compiled ones (CMake, cmake/cross.cmake) into TARGET/classes, stripped, each with
#       its CRC-32, and the list of platforms the jar carries
#   shims.sh test TARGET                       at test: ctest for the host and, under qemu, the others
# An architecture whose cross compiler (gcc-TRIPLE, libc6-dev-DEBIAN-cross) is missing is skipped, as are
# the C tests of one whose qemu is; check says so once, or fails where every architecture is required.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C # the platforms listed in the order of their names' bytes

cmd=$1
target=$(realpath -m "$2")
native=$target/classes/io/overlay4j/native

# The table without its comments: NAME TRIPLE DEBIAN JVM per line.
table() { grep -v '^[[:space:]]*\(#\|$\)' cmake/architectures; }
has_compiler() { command -v "$1-gcc" >/dev/null 2>&1; }
# The cross libc headers are only a Recommends of gcc-TRIPLE.
has_headers() { printf '#include <stdio.h>\n' | "$1-gcc" -E -x c - >/dev/null 2>&1; }
buildable() { has_compiler "$1" && has_headers "$1"; }
has_qemu() { command -v "qemu-$1-static" >/dev/null 2>&1; }

# Runs "$@ ARCH TRIPLE" for each buildable architecture at once (2 cores: the compilers wait on
# each other less than on disk), each into its own log, shown whole when it fails.
each_buildable() {
  local name triple debian jvm pids=() logs=() failed=0
  while read -r name triple debian jvm; do
    if ! buildable "$triple"; then continue; fi
    mkdir -p "$target/shims"
    "$@" "$name" "$triple" >"$target/shims/$1-$name.log" 2>&1 &
    pids+=($!)
    logs+=("$target/shims/$1-$name.log")
  done < <(table)
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "shims.sh: FAILED: ${logs[$i]}:" >&2
      cat "${logs[$i]}" >&2
      failed=1
    fi
  done
  return $failed
}

configure() { # ARCH TRIPLE
  # A build directory configured with another toolchain file (an older build's) cannot be reused.
  grep -qsF "$PWD/cmake/cross.cmake" "$target/cmake-$1"/CMakeFiles/*/CMakeSystem.cmake || rm -rf "$target/cmake-$1"
  cmake -S . -B "$target/cmake-$1" -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/cross.cmake" -DO4J_ARCH="$1" \
    -DO4J_TRIPLE="$2" -DOVERLAY4J_JNI_INCLUDE="$target/native/include;$java_home/include;$java_home/include/linux"
}

cross_shim() { # ARCH TRIPLE
  configure "$1" "$2"
  cmake --build "$target/cmake-$1" --target overlay4j_jni
  install -D -m 644 "$target/cmake-$1/liboverlay4j.so" "$native/linux-$1/liboverlay4j.so"
  "$2-strip" --strip-unneeded "$native/linux-$1/liboverlay4j.so"
}

cross_tests() { # ARCH TRIPLE
  if has_qemu "$1"; then cmake --build "$target/cmake-$1"; fi
}

case $cmd in
check)
  required=$3 skip_tests=$4
  skipped=() no_cc=() no_qemu=() pkgs=()
  while read -r name triple debian jvm; do
    if ! has_compiler "$triple"; then
      no_cc+=("$triple-gcc is not on the PATH")
    elif ! has_headers "$triple"; then
      no_cc+=("$triple-gcc finds no $name libc headers (stdio.h)")
    fi
    if ! buildable "$triple"; then
      skipped+=("linux-$name")
      pkgs+=("gcc-$triple" "libc6-dev-$debian-cross")
      # A shim left in target/classes by an earlier build with the toolchain would go into the jar.
      rm -rf "$native/linux-$name"
    fi
    if [ "$skip_tests" != true ] && ! has_qemu "$name"; then no_qemu+=("qemu-$name-static"); fi
  done < <(table)
  join() { local out=$1; shift; for x; do out+=", $x"; done; echo "$out"; }
  mkdir -p "$target/shims"
  {
    echo "overlay4j.skippedShims=${skipped[*]}"
    if [ "$required" = true ] && ((${#no_cc[@]} + ${#no_qemu[@]})); then
      if ((${#no_qemu[@]})); then pkgs+=(qemu-user-static); fi
      echo "o4j.failure=overlay4j: every architecture is required (overlay4j.allArchitectures=true: CI is set" \
        "in the environment, or -Prelease), but $(join "${no_cc[@]}" "${no_qemu[@]/%/ is not on the PATH}")." \
        "Install: apt-get install ${pkgs[*]}"
    else
      if ((${#no_cc[@]})); then
        echo "o4j.warn.cc=overlay4j: $(join "${no_cc[@]}"): the shims for $(join "${skipped[@]}") are not built," \
          "so the jar does not load there, and their C tests are skipped. To build them: apt-get install ${pkgs[*]}"
      fi
      if ((${#no_qemu[@]})); then
        echo "o4j.warn.qemu=overlay4j: no $(join "${no_qemu[@]}") on the PATH: their C tests (ctest under qemu)" \
          "are skipped. To run them: apt-get install qemu-user-static"
      fi
      if ((${#no_cc[@]} + ${#no_qemu[@]})); then
        echo "o4j.warn.ci=overlay4j: CI (where the CI environment variable is set) and -Prelease require every" \
          "architecture and fail without it."
      fi
    fi
  } >"$target/shims/check.properties"
  ;;
build)
  host_shim=$3 java_home=$4
  install -D -m 644 "$host_shim" "$native/linux-x86_64/liboverlay4j.so"
  # Only the dynamic symbol table stays, which the JVM's JNI lookup and `nm -D` use; the NAR and CMake
  # outputs keep their symbols, for debugging.
  strip --strip-unneeded "$native/linux-x86_64/liboverlay4j.so"
  each_buildable cross_shim
  # The loader checks each extracted shim against the CRC-32 recorded here (gzip's trailer holds exactly
  # java.util.zip.CRC32; SHA-256 would cost a fresh JVM ~50 ms of provider loading), and names the
  # platforms the jar carries when it has none for the one it runs on.
  for so in "$native"/*/liboverlay4j.so; do
    gzip -c -n "$so" | tail -c 8 | od -An -tu4 -N4 | tr -d ' \n' >"$so.crc32"
    basename "$(dirname "$so")"
  done >"$native/platforms"
  echo "shims.sh: $(tr '\n' ' ' <"$native/platforms")"
  ;;
test)
  cmake -S . -B "$target/cmake"
  cmake --build "$target/cmake"
  ctest --test-dir "$target/cmake" --output-on-failure
  each_buildable cross_tests
  while read -r name triple debian jvm; do
    if buildable "$triple" && has_qemu "$name"; then
      echo "shims.sh: the C tests for $name, under qemu-$name-static"
      ctest --test-dir "$target/cmake-$name" --output-on-failure
    fi
  done < <(table)
  ;;
*)
  echo "usage: shims.sh check|build|test TARGET ..." >&2
  exit 2
  ;;
esac
