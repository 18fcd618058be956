#!/usr/bin/env bash
# The build as a new user meets it: a fresh clone of a commit, on a PATH with only what the README
# asks for (no cross tools of cmake/architectures, no qemu-*: a directory of links to everything else
# on the PATH, since the cross compilers sit in /usr/bin next to gcc), CI unset. Runs the README's two
# commands exactly and checks that they pass, that the build warns once about the missing cross tools,
# that the jar has the x86-64 shim and no other, and that the cross-compiled shims' tests say they
# were skipped.
#   tests/fresh-clone-check.sh [COMMIT]    (default HEAD: commit first, the work tree is not used)
# As root, as CI runs it: the demo mounts an overlay (without root it must fail with EPERM instead).
set -euo pipefail
cd "$(dirname "$0")/.."

commit=$(git rev-parse --verify "${1:-HEAD}^{commit}")
start=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/overlay4j-fresh-clone.XXXXXX")
# Searchable by all: RootlessIT runs the tools on this PATH as an unprivileged user.
chmod 755 "$tmp"
# --one-file-system: should a test have left a mount behind, never delete through it.
trap 'rm -rf --one-file-system "$tmp"' EXIT
fail() {
  echo "fresh-clone-check: FAILED: $1" >&2
  [ -z "${2:-}" ] || { echo "--- last lines of $2:" >&2; tail -n 60 "$2" >&2; }
  exit 1
}

# A local clone shares the object store, so any commit of this repository can be checked out.
git clone -q --no-checkout "$PWD" "$tmp/overlay4j"
git -C "$tmp/overlay4j" checkout -q --detach "$commit"

# The PATH: links to the first of each name on the normal PATH, less the cross tools and qemu-*.
mapfile -t archs < <(grep -v '^[[:space:]]*\(#\|$\)' cmake/architectures | awk '{print $1}')
mapfile -t triples < <(grep -v '^[[:space:]]*\(#\|$\)' cmake/architectures | awk '{print $2}')
bin=$tmp/bin
mkdir "$bin"
IFS=: read -r -a dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  [ -d "$dir" ] || continue
  for f in "$dir"/*; do
    name=${f##*/}
    case $name in qemu-*) continue ;; esac
    for triple in "${triples[@]}"; do [[ $name != "$triple"-* ]] || continue 2; done
    if [ -f "$f" ] && [ -x "$f" ] && [ ! -e "$bin/$name" ]; then ln -s "$f" "$bin/$name"; fi
  done
done
for tool in "${triples[@]/%/-gcc}" qemu-s390x-static; do
  if PATH=$bin command -v "$tool" >/dev/null; then fail "$tool is still on the restricted PATH"; fi
done
for tool in java mvn gcc cmake; do
  PATH=$bin command -v "$tool" >/dev/null || fail "$tool is not on the PATH (the README asks for it)"
done

cd "$tmp/overlay4j"
# $1: log file; the rest: the command line, as the README has it.
readme() {
  local log=$1
  shift
  echo "fresh-clone-check: $*"
  env -u CI PATH="$bin" sh -c "$*" >"$log" 2>&1
}
# The one warning block: each line once, naming the packages and what the jar lacks.
warned() {
  grep -c "^\[WARNING\].*overlay4j: ${triples[0]}-gcc is not on the PATH.*: the shims for linux-${archs[0]}.* are not built, so the jar does not load there.*apt-get install gcc-${triples[0]} " "$1" | grep -qx 1 ||
    fail "no single WARNING about the missing cross compilers" "$1"
  grep -c '^\[WARNING\].*CI (where the CI environment variable is set) and -Prelease require every architecture' "$1" |
    grep -qx 1 || fail "the WARNING does not say once that CI and -Prelease require every architecture" "$1"
}

log=$tmp/package.log
if [ "$(id -u)" = 0 ]; then
  readme "$log" 'mvn -B -DskipTests package && java -jar target/overlay4j-*.jar demo' ||
    fail "the README's build-and-demo command failed" "$log"
  grep -q '^8. Unmounted' "$log" || fail "the demo did not mount and unmount" "$log"
else
  # Without root the shim loads and the kernel refuses the mount: exit code 4 (permission denied).
  rc=0
  readme "$log" 'mvn -B -DskipTests package && java -jar target/overlay4j-*.jar demo' || rc=$?
  [ $rc = 4 ] && grep -q '(EPERM, errno 1)' "$log" || fail "expected the demo's EPERM without root (exit $rc)" "$log"
fi
grep -q 'BUILD SUCCESS' "$log" || fail "mvn -B -DskipTests package failed" "$log"
warned "$log"
grep '^\[WARNING\].*overlay4j: ' "$log"
if grep -q 'qemu-' "$log"; then fail "-DskipTests runs no tests, yet the build warns about qemu" "$log"; fi
jar=$(ls target/overlay4j-*.jar)
entries=$(PATH=$bin jar tf "$jar")
[ "$(grep '/liboverlay4j\.so$' <<<"$entries")" = io/overlay4j/native/linux-x86_64/liboverlay4j.so ] ||
  fail "$jar should have the x86-64 shim and no other without cross compilers: $entries"

log=$tmp/verify.log
readme "$log" 'mvn -B verify' || fail "mvn -B verify failed" "$log"
warned "$log"
grep -q "^\[WARNING\].*overlay4j: no qemu-${archs[0]}-static.* on the PATH: their C tests (ctest under qemu) are skipped.*apt-get install qemu-user-static" "$log" ||
  fail "no WARNING about qemu" "$log"
for arch in "${archs[@]}"; do
  [ ! -e "target/cmake-$arch" ] || fail "the $arch build and ctest run were not skipped" "$log"
done
grep -q '(ctest) @ overlay4j' "$log" && [ -d target/cmake ] || fail "the x86-64 ctest run did not run" "$log"
for test in JarAloneIT.eachCrossCompiledShimIsInside ThreatModelIT.eachCrossCompiledShimCallsNoShellNoChdirNoSetuid; do
  report=target/failsafe-reports/TEST-io.overlay4j.${test%%.*}.xml
  for arch in "${archs[@]}"; do
    grep -A1 "name=\"${test#*.}(String)\[" "$report" |
      grep -q "<skipped .*SKIPPED: the $arch shim was not built, because its cross toolchain is missing" ||
      fail "$test $arch was not skipped with its message" "$report"
  done
done
skipped=$(sed -n 's/.*Tests run: [0-9]*, Failures: 0, Errors: 0, Skipped: \([0-9]*\)$/\1/p' "$log" | tail -n 1)
echo "fresh-clone-check: OK: $commit built and tested without cross tools, warned, jar with the x86-64 shim only" \
  "(failsafe: ${skipped:-?} skipped; $(($(date +%s) - start))s)"
