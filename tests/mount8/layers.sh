#!/bin/sh
# A script written for mount(8) and umount(8), as people write them: Mount8ScriptIT runs it
# unchanged with the system's mount(8), and then with overlay4j's CLI as the program called
# `mount` and `umount` (first on PATH), and compares what the two runs print.
#   layers.sh DIR   (DIR: an empty directory; needs root)
set -eu
export LC_ALL=C # stat's words below, whatever the caller's locale
d=$1
cd "$d"
mkdir lower1 lower2 lower3 upper work upper2 work2 merged view
echo "from lower1" > lower1/common.txt
echo "from lower2" > lower2/common.txt
echo "lower2 only" > lower2/changed.txt
echo "lower3 only" > lower3/doomed.txt

# The walkthrough's own command line.
mount -t overlay overlay -o lowerdir="$d/lower1":"$d/lower2":"$d/lower3",upperdir="$d/upper",workdir="$d/work" "$d/merged"
echo "common: $(cat merged/common.txt)"
echo "new file" > merged/new.txt
echo "changed in merged" > merged/changed.txt
rm merged/doomed.txt
echo "upper holds: $(ls upper | tr '\n' ' ')"
echo "whiteout: $(stat -c '%F %t:%T' upper/doomed.txt)"
umount "$d/merged"

# Remount with the upper rotated into the lowers: options split, glued, after the operands.
mount -t overlay -o lowerdir="$d/upper":"$d/lower1":"$d/lower2":"$d/lower3" overlay "$d/merged" \
  -o upperdir="$d/upper2" -oworkdir="$d/work2"
echo "after rotation: $(cat merged/new.txt) / $(cat merged/changed.txt) / doomed $(test -e merged/doomed.txt && echo present || echo gone)"
echo "second generation" > merged/gen2.txt
echo "upper2 holds: $(ls upper2 | tr '\n' ' ')"

# A read-only view of the same layers, with a source name of its own and mount flags.
mount -r -n -t overlay -o nosuid,nodev,lowerdir="$d/upper2":"$d/upper" layers "$d/view"
awk -v t="$d/view" '$5 == t { for (i = 7; $i != "-"; i++); print "view: source " $(i + 2) ", per-mount " $6 }' \
  /proc/self/mountinfo | sed 's/,relatime//'
if (echo x > view/x) 2>/dev/null; then echo "view: writable"; else echo "view: read-only"; fi

# The listing scripts grep to see what is mounted (the layer options' text differs: overlay4j
# passes canonical paths, one lowerdir+= each on the kernels that take them).
mount -t overlay | grep " on $d/" | sed -e "s|$d|DIR|g" -e 's/ (\([a-z]*\),.*/ (\1 ...)/'

# A target made on the way, said aloud; then all at once.
mount -v -t overlay overlay -o X-mount.mkdir,lowerdir="$d/lower1":"$d/lower2" "$d/made/on/the/way" | sed "s|$d|DIR|g"
umount -v "$d/merged" "$d/view" "$d/made/on/the/way" 2>&1 | sed "s|$d|DIR|g"
echo "mounted after umount: $(grep -c " $d/" /proc/self/mountinfo || true)"
