#!/usr/bin/env bash
# The JNI layer and the C core under ASan+UBSan, as the JVM drives them: CMake builds the shim from
# the same sources with the sanitizers (OVERLAY4J_SANITIZE), and the integration tests that mount,
# list, describe and read layers run against it, with the sanitizer runtimes preloaded into their
# JVMs. Any report aborts that JVM, and the test run fails. (The tests about loading the shim from
# the jar are left out: they load the jar's own.)
set -euo pipefail
cd "$(dirname "$0")/.."
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
build=target/cmake-sanitized-shim
mvn -B -q -DskipTests package # the generated JNI headers (target/native/include) and the jar
cmake -S . -B "$build" -DOVERLAY4J_SANITIZE=ON \
  -DOVERLAY4J_JNI_INCLUDE="$PWD/target/native/include;$java_home/include;$java_home/include/linux" >/dev/null
cmake --build "$build" --target overlay4j_jni -j "$(nproc)" >/dev/null
# The JVM catches SIGSEGV for its own null checks and keeps memory ASan would call leaked.
options=handle_segv=0:allow_user_segv_handler=1:detect_leaks=0:abort_on_error=1:halt_on_error=1:print_stacktrace=1
mvn -B verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='OverlayMountIT,FailureIT,MountTableIT,NamesIT,OddPathsIT,LargeStackIT,DetachedIT,LifecycleIT,ChangesIT,ValidatedIsMountedIT,StressIT,CommandLineIT' \
  -DargLine="-Xcheck:jni -Doverlay4j.native.path=$PWD/$build/liboverlay4j.so" \
  -Dsanitizer.preload="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
  -Dsanitizer.options="$options"
