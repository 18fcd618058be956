#!/usr/bin/env bash
# Deploys the build to a local file repository, target/release-repo, and checks that the set a
# release publishes is complete: the pom (with name, description, url, licenses, developers, scm),
# the jar, the -sources jar and the -javadoc jar, each with its .sha1 that matches; the jar and the
# -sources jar carry META-INF/LICENSE (the top-level LICENSE); the jar's shims are stripped; the
# javadoc is the public API's (io.overlay4j) without the internal packages.
#   tests/deploy-check.sh [MAVEN ARGS...]    (the tests are skipped: run them first; not with -o, as
#   maven-deploy-plugin refuses to deploy offline, even to a file: URL)
# For a -SNAPSHOT version the deployed names carry the deploy's timestamp and build number
# (overlay4j-0.1.0-20260101.120000-1.jar), read from the version's maven-metadata.xml.
set -euo pipefail
cd "$(dirname "$0")/.."

repo=$PWD/target/release-repo
log=target/deploy-check.log
tmp=$(mktemp -d "${TMPDIR:-/tmp}/overlay4j-deploy-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "deploy-check: FAILED: $1" >&2
  [ -z "${2:-}" ] || { echo "--- last lines of $2:" >&2; tail -n 40 "$2" >&2; }
  exit 1
}

rm -rf "$repo"
mkdir -p target
# maven-deploy-plugin 3.x: id::url (2.x's id::layout::url is gone). Not installed into ~/.m2.
echo "deploy-check: mvn -B -DskipTests deploy to $repo"
mvn -B -DskipTests -Dmaven.install.skip=true -DaltDeploymentRepository="local::file://$repo" "$@" deploy \
  >"$log" 2>&1 || fail "mvn deploy failed" "$log"

version=$(sed -n 's/^version=//p' target/maven-archiver/pom.properties)
[ -n "$version" ] || fail "no version in target/maven-archiver/pom.properties"
dir=$repo/io/overlay4j/overlay4j/$version
[ -d "$dir" ] || fail "$dir is missing" "$log"
if [[ $version == *-SNAPSHOT ]]; then
  meta=$dir/maven-metadata.xml
  [ -f "$meta" ] || fail "$meta is missing"
  timestamp=$(sed -n 's:.*<timestamp>\(.*\)</timestamp>.*:\1:p' "$meta" | head -n 1)
  build=$(sed -n 's:.*<buildNumber>\(.*\)</buildNumber>.*:\1:p' "$meta" | head -n 1)
  [ -n "$timestamp" ] && [ -n "$build" ] || fail "no timestamp or build number in $meta"
  file_version=${version%-SNAPSHOT}-$timestamp-$build
else
  file_version=$version
fi

base=$dir/overlay4j-$file_version
for suffix in .pom .jar -sources.jar -javadoc.jar; do
  f=$base$suffix
  [ -s "$f" ] || fail "$(basename "$f") is missing in $dir: $(ls "$dir" | tr '\n' ' ')"
  [ -f "$f.sha1" ] || fail "$(basename "$f").sha1 is missing"
  [ "$(sha1sum <"$f" | cut -d' ' -f1)" = "$(cut -c1-40 "$f.sha1")" ] || fail "$(basename "$f").sha1 does not match"
done

for element in '<name>' '<description>' '<url>https://github.com/overlay4j/overlay4j</url>' '<licenses>' \
  '<name>Apache-2.0</name>' '<developers>' '<scm>' '<connection>' '<developerConnection>'; do
  grep -qF "$element" "$base.pom" || fail "the deployed pom has no $element"
done

# jar (from the JDK) rather than unzip, which a fresh machine may lack.
for jar in "$base.jar" "$base-sources.jar"; do
  out=$tmp/$(basename "$jar")
  mkdir "$out"
  (cd "$out" && jar xf "$jar" META-INF/LICENSE)
  cmp -s "$out/META-INF/LICENSE" LICENSE || fail "$(basename "$jar") has no META-INF/LICENSE equal to LICENSE"
done

shims=$(jar tf "$base.jar" | grep '^io/overlay4j/native/.*/liboverlay4j\.so$')
[ -n "$shims" ] || fail "the jar has no shim"
(cd "$tmp" && jar xf "$base.jar" $shims)
for shim in $shims; do
  # readelf comes with binutils, as gcc does; `file` may be missing. A stripped shim has no .symtab;
  # its dynamic symbols stay, JNI_OnLoad among them. Read whole: grep -q would end readelf early.
  sections=$(readelf -S -W "$tmp/$shim")
  dynsyms=$(readelf --dyn-syms -W "$tmp/$shim")
  if grep -q '\.symtab' <<<"$sections"; then fail "$shim in the jar is not stripped"; fi
  grep -q ' JNI_OnLoad$' <<<"$dynsyms" || fail "$shim lost its dynamic symbol JNI_OnLoad"
done

entries=$(jar tf "$base-javadoc.jar")
grep -qx 'io/overlay4j/Overlay.html' <<<"$entries" || fail "the -javadoc jar has no io/overlay4j/Overlay.html"
if grep -qE '^io/overlay4j/(internal|cli)/' <<<"$entries"; then fail "the -javadoc jar documents internal packages"; fi

echo "deploy-check: OK: $(cd "$dir" && ls overlay4j-"$file_version"{.pom,.jar,-sources.jar,-javadoc.jar} | tr '\n' ' ')" \
  "with META-INF/LICENSE; shims stripped: $(tr '\n' ' ' <<<"$shims")"
