#!/usr/bin/env bash
# Provides a real Java 8 to run the tests on; prints the path of its java as the last line:
#   mvn -B verify -Djvm="$(tests/java8.sh)"
# Debian 12 has no Java 8. Debian sid's openjdk-8-jre-headless needs a newer glibc, so sid's
# libc6 is unpacked beside it and the java binary is patched (patchelf) to use that libc's
# loader, with the libc directory in its RPATH. Deliberately no LD_LIBRARY_PATH wrapper: the
# integration tests start setpriv, sh, chown, ... from the JVM, and with the newer libc on
# LD_LIBRARY_PATH those die ("symbol lookup error ... GLIBC_PRIVATE").
# Idempotent: the .debs are kept in the cache directory and reused without network access.
# Set OVERLAY4J_JAVA8_DIR to choose the directory.
set -euo pipefail
umask 022

# As root, not under /root (mode 0700): the integration tests run java.home/bin/java as uid 65534.
if [ "$(id -u)" = 0 ]; then
  default=/var/cache/overlay4j/java8
else
  default=${XDG_CACHE_HOME:-$HOME/.cache}/overlay4j/java8
fi
dir=${OVERLAY4J_JAVA8_DIR:-$default}
root=$dir/root
java=$root/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java

if [ -e "$root/.complete" ] && "$java" -version >/dev/null 2>&1; then
  echo "$java"
  exit 0
fi

if ! command -v patchelf >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends patchelf >&2
  else
    echo "java8.sh: patchelf is missing: sudo apt-get install patchelf" >&2
    exit 1
  fi
fi

# Download once, from sid, through a private apt configuration (the system's sources stay untouched).
mkdir -p "$dir/debs"
if ! compgen -G "$dir/debs/openjdk-8-jre-headless_*.deb" >/dev/null || ! compgen -G "$dir/debs/libc6_*.deb" >/dev/null; then
  mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial"
  echo "deb http://deb.debian.org/debian sid main" >"$dir/apt/sources.list"
  apt=(-o Dir::Etc::sourcelist="$dir/apt/sources.list" -o Dir::Etc::sourceparts=-
       -o Dir::State::Lists="$dir/apt/lists" -o Dir::Cache="$dir/apt/cache"
       -o APT::Sandbox::User=root -q)
  apt-get "${apt[@]}" update >&2
  # libc6 is all the JRE needs beyond Debian 12 (every other library resolves on the host).
  (cd "$dir/debs" && apt-get "${apt[@]}" download openjdk-8-jre-headless libc6 >&2)
fi

rm -rf "$root" "$root.tmp"
mkdir -p "$root.tmp"
for deb in "$dir"/debs/openjdk-8-jre-headless_*.deb "$dir"/debs/libc6_*.deb; do
  dpkg -x "$deb" "$root.tmp"
done
# The JRE's config files are absolute symlinks into /etc (jvm.cfg among them): point them into the tree.
find "$root.tmp/usr/lib/jvm" -type l -lname '/*' | while read -r link; do
  target=$(readlink "$link")
  if [ -e "$root.tmp$target" ]; then ln -sfn "$root$target" "$link"; fi
done
libc=$root/usr/lib/x86_64-linux-gnu
# --force-rpath: an executable's DT_RPATH (unlike RUNPATH) also serves libjvm.so's libm.so.6 etc.
patchelf --set-interpreter "$libc/ld-linux-x86-64.so.2" --force-rpath \
  --set-rpath "\$ORIGIN/../lib/amd64/jli:\$ORIGIN/../lib/amd64:$libc" \
  "$root.tmp/usr/lib/jvm/java-8-openjdk-amd64/jre/bin/java"
mv "$root.tmp" "$root"
"$java" -version >&2
touch "$root/.complete"
echo "$java"
