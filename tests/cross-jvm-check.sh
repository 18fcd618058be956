#!/usr/bin/env bash
# Runs the packaged jar on Debian 12's OpenJDK 17 for ARCH (a name of cmake/architectures whose jvm
# column is yes) under qemu-user, so the ARCH shim inside it is loaded by a real JVM of that
# architecture and called: `umount DIR` (the kernel's EINVAL, or EPERM without root, comes back
# through the shim) and, as root, `demo` (a real overlay mount and unmount, and on s390x a big-endian
# JVM decoding what the shim encodes).
#   tests/cross-jvm-check.sh ARCH [target/overlay4j-VERSION.jar]
# The JRE is unpacked from .debs fetched through a private apt configuration (the system's sources and
# architectures stay untouched) and cached; OVERLAY4J_JRE_DIR chooses the directory (default: one per
# architecture under /var/cache/overlay4j, or ~/.cache/overlay4j without root).
# Under qemu-user 7.2 the new mount API is ENOSYS, so the shim falls back to mount(2).
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."

arch=${1:?usage: tests/cross-jvm-check.sh ARCH [JAR]}
jar=${2:-$(ls target/overlay4j-*.jar)}
me="cross-jvm-check $arch"
[ -f "$jar" ] || { echo "$me: no jar $jar; run mvn -B package first" >&2; exit 1; }
read -r _ _ debian jvm < <(grep "^$arch " cmake/architectures) ||
  { echo "$me: $arch is not in cmake/architectures" >&2; exit 1; }
[ "$jvm" = yes ] || { echo "$me: Debian 12 has no OpenJDK 17 for $arch (cmake/architectures)" >&2; exit 1; }
qemu=$(command -v "qemu-$arch-static") ||
  { echo "$me: qemu-$arch-static not found; apt-get install qemu-user-static" >&2; exit 1; }

if [ "$(id -u)" = 0 ]; then
  default=/var/cache/overlay4j/$debian-jre
else
  default=${XDG_CACHE_HOME:-$HOME/.cache}/overlay4j/$debian-jre
fi
dir=${OVERLAY4J_JRE_DIR:-$default}
root=$dir/root
java=$root/usr/lib/jvm/java-17-openjdk-$debian/bin/java
# The JRE's libraries come from the same tree: qemu -L looks up absolute paths there first.
run() { "$qemu" -L "$root" "$java" "$@"; }

if [ ! -e "$root/.complete" ]; then
  mkdir -p "$dir/debs"
  if ! compgen -G "$dir/debs/openjdk-17-jre-headless_*_$debian.deb" >/dev/null; then
    mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
    printf '%s\n' "deb http://deb.debian.org/debian bookworm main" \
      "deb http://deb.debian.org/debian-security bookworm-security main" >"$dir/apt/sources.list"
    apt=(-o Dir::Etc::sourcelist="$dir/apt/sources.list" -o Dir::Etc::sourceparts=-
         -o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache" -o Dir::State::status=/dev/null
         -o APT::Architecture="$debian" -o APT::Architectures="$debian" -o APT::Sandbox::User=root -q)
    # A mirror caught mid-sync fails one index (bookworm-security's, say) while the others serve: the
    # download below still needs a JRE from what was fetched, or it fails.
    apt-get "${apt[@]}" update || echo "$me: an index failed to download; going on with the others" >&2
    # What the JRE needs to start and run the CLI; its other dependencies (fonts, cups, ...) are for AWT.
    (cd "$dir/debs" && apt-get "${apt[@]}" download openjdk-17-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g)
  fi
  rm -rf "$root"
  mkdir -p "$root"
  for deb in "$dir"/debs/*_"$debian".deb; do dpkg -x "$deb" "$root"; done
  # Absolute symlinks (jvm.cfg into /etc; ppc64el's /lib64/ld64.so.2, the loader qemu starts) are resolved
  # by the host kernel: point them into the tree.
  find "$root" -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    if [ -e "$root$target" ]; then ln -sfn "$root$target" "$link"; fi
  done
  touch "$root/.complete"
fi

start=$(date +%s)
fail() { echo "$me: FAILED: $*" >&2; exit 1; }
props=$(run -XshowSettings:properties -version 2>&1)
grep -q "os.arch = $arch\$" <<<"$props" || fail "not an $arch JVM: $props"
grep -E 'java.version =|os.arch =' <<<"$props"

tmp=$(mktemp -d)
# Should a step fail with the demo's overlay still mounted, never delete through it.
trap 'umount -l "$tmp/demo/merged" 2>/dev/null; rm -rf --one-file-system "$tmp"' EXIT
set +e
out=$(run -jar "$jar" umount "$tmp" 2>&1); rc=$?
set -e
echo "umount: exit $rc: $out"
if [ "$(id -u)" = 0 ]; then
  [ $rc = 1 ] && grep -q '(EINVAL, errno 22)' <<<"$out" || fail "umount $tmp: expected EINVAL from the shim"
  out=$(run -jar "$jar" demo "$tmp/demo" 2>&1) || fail "demo: $out"
  grep -q '8. Unmounted' <<<"$out" || fail "demo: $out"
  echo "demo: mounted, checked and unmounted an overlay"
  # The description format both ways on this byte order: the spec the JVM encodes is what the kernel
  # mounts, and the mount table the shim encodes is what the JVM lists (with the layers in order).
  out=$(run -jar "$jar" demo --keep "$tmp/demo" 2>&1) || fail "demo --keep: $out"
  out=$(run -jar "$jar" list -v 2>&1) || fail "list -v: $out"
  for line in "$tmp/demo/merged +2 +$tmp/demo/upper\$" "lowerdir 1: $tmp/demo/lower1\$" "lowerdir 2: $tmp/demo/lower2\$"; do
    grep -qE " $line" <<<"$out" || fail "list -v does not show the demo's overlay as mounted: $out"
  done
  out=$(run -jar "$jar" umount "$tmp/demo/merged" 2>&1) || fail "umount: $out"
  echo "list -v, umount: the overlay listed with its layers, and unmounted"
else
  [ $rc = 4 ] && grep -q '(EPERM, errno 1)' <<<"$out" || fail "umount $tmp: expected EPERM from the shim"
fi
echo "$me: OK ($jar on $(basename "$(dirname "$(dirname "$java")")") under qemu, $(($(date +%s) - start))s)"
