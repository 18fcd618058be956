#!/usr/bin/env bash
# Runs the packaged jar on Debian 12's arm64 OpenJDK 17 under qemu-user, so the aarch64 shim inside
# it is loaded by a real aarch64 JVM and called: `umount DIR` (the kernel's EINVAL, or EPERM without
# root, comes back through the shim) and, as root, `demo` (a real overlay mount and unmount).
#   tests/aarch64-jvm-check.sh [target/overlay4j-VERSION.jar]
# The arm64 JRE is unpacked from .debs fetched through a private apt configuration (the system's
# sources and architectures stay untouched) and cached; OVERLAY4J_ARM64_DIR chooses the directory.
# Under qemu-user 7.2 the new mount API is ENOSYS, so the shim falls back to mount(2).
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."

jar=${1:-$(ls target/overlay4j-*.jar)}
[ -f "$jar" ] || { echo "aarch64-jvm-check: no jar $jar; run mvn -B package first" >&2; exit 1; }
qemu=$(command -v qemu-aarch64-static) ||
  { echo "aarch64-jvm-check: qemu-aarch64-static not found; apt-get install qemu-user-static" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
  default=/var/cache/overlay4j/arm64-jre
else
  default=${XDG_CACHE_HOME:-$HOME/.cache}/overlay4j/arm64-jre
fi
dir=${OVERLAY4J_ARM64_DIR:-$default}
root=$dir/root
java=$root/usr/lib/jvm/java-17-openjdk-arm64/bin/java
# The JRE's libraries come from the same tree: qemu -L looks up absolute paths there first.
run() { "$qemu" -L "$root" "$java" "$@"; }

if [ ! -e "$root/.complete" ]; then
  mkdir -p "$dir/debs"
  if ! compgen -G "$dir/debs/openjdk-17-jre-headless_*_arm64.deb" >/dev/null; then
    mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
    printf '%s\n' "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian-security bookworm-security main" >"$dir/apt/sources.list"
    apt=(-o Dir::Etc::sourcelist="$dir/apt/sources.list" -o Dir::Etc::sourceparts=-
         -o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache" -o Dir::State::status=/dev/null
         -o APT::Architecture=arm64 -o APT::Architectures=arm64 -o APT::Sandbox::User=root -q)
    apt-get "${apt[@]}" update
    # What the JRE needs to start and run the CLI; its other dependencies (fonts, cups, ...) are for AWT.
    (cd "$dir/debs" && apt-get "${apt[@]}" download openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g)
  fi
  rm -rf "$root"
  mkdir -p "$root"
  for deb in "$dir"/debs/*_arm64.deb; do dpkg -x "$deb" "$root"; done
  # Absolute symlinks into /etc (jvm.cfg among them) are resolved by the host kernel: point them into the tree.
  find "$root/usr/lib/jvm" -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    if [ -e "$root$target" ]; then ln -sfn "$root$target" "$link"; fi
  done
  touch "$root/.complete"
fi

start=$(date +%s)
fail() { echo "aarch64-jvm-check: FAILED: $*" >&2; exit 1; }
props=$(run -XshowSettings:properties -version 2>&1)
grep -q 'os.arch = aarch64' <<<"$props" || fail "not an aarch64 JVM: $props"
grep -E 'java.version =|os.arch =' <<<"$props"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
out=$(run -jar "$jar" umount "$tmp" 2>&1); rc=$?
set -e
echo "umount: exit $rc: $out"
if [ "$(id -u)" = 0 ]; then
  [ $rc = 1 ] && grep -q '(EINVAL, errno 22)' <<<"$out" || fail "umount $tmp: expected EINVAL from the shim"
  out=$(run -jar "$jar" demo "$tmp/demo" 2>&1) || fail "demo: $out"
  grep -q '8. Unmounted' <<<"$out" || fail "demo: $out"
  echo "demo: mounted, checked and unmounted an overlay"
else
  [ $rc = 4 ] && grep -q '(EPERM, errno 1)' <<<"$out" || fail "umount $tmp: expected EPERM from the shim"
fi
echo "aarch64-jvm-check: OK ($jar on $(basename "$(dirname "$(dirname "$java")")") under qemu, $(($(date +%s) - start))s)"
