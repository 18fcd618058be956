package io.overlay4j.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonicalizes an overlay's directories and checks, before any syscall, what
 * the kernel would otherwise refuse with a bare EINVAL and a line in dmesg.
 */
public final class Layers {
    /** The kernel's OVL_MAX_STACK. */
    public static final int MAX_LOWERDIRS = 500;

    private static final String BUILD = "build overlay";
    private static final String OPERATION = "mount";

    public final List<Directory> lowerdirs;
    public final List<Directory> datadirs;
    public final Directory upperdir;
    public final Directory workdir;

    private Layers(List<Directory> lowerdirs, List<Directory> datadirs, Directory upperdir, Directory workdir) {
        this.lowerdirs = lowerdirs;
        this.datadirs = datadirs;
        this.upperdir = upperdir;
        this.workdir = workdir;
    }

    public static Layers check(Kernel kernel, List<Path> lowers, List<Path> data, Path upper, Path work)
            throws IOException, Refusal {
        if (lowers.isEmpty()) {
            throw invalid(null, "no lowerdir given; an overlay needs at least one lower directory"
                    + (data.isEmpty() ? "" : " before its data-only layers"));
        }
        if (lowers.size() + data.size() > MAX_LOWERDIRS) {
            throw invalid(null, (lowers.size() + data.size()) + " lower layers given; the kernel stacks at most "
                    + MAX_LOWERDIRS);
        }
        if (work != null && upper == null) {
            throw invalid(work.toString(), "workdir " + work + " given without upperdir; the kernel would ignore it "
                    + "and mount read-only: set upperdir too, or neither for a read-only overlay");
        }
        if (upper == null && lowers.size() + data.size() < 2) {
            throw invalid(lowers.get(0).toString(), "a single lowerdir " + lowers.get(0) + " without upperdir; a "
                    + "read-only overlay needs at least 2 lowerdirs (or add upperdir and workdir)");
        }
        List<Layer> layers = new ArrayList<>(lowers.size() + 2);
        List<Directory> canonicalLowers = new ArrayList<>(lowers.size());
        for (int i = 0; i < lowers.size(); i++) {
            Layer l = new Layer(kernel, "lowerdir " + (i + 1), lowers.get(i), true);
            layers.add(l);
            canonicalLowers.add(l.dir);
        }
        List<Directory> canonicalData = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            Layer l = new Layer(kernel, "datadir " + (i + 1), data.get(i), true);
            layers.add(l);
            canonicalData.add(l.dir);
        }
        Layer upperLayer = null;
        Layer workLayer = null;
        if (upper != null) {
            upperLayer = new Layer(kernel, "upperdir", upper, false);
            layers.add(upperLayer);
        }
        if (work != null) {
            workLayer = new Layer(kernel, "workdir", work, false);
            layers.add(workLayer);
        }
        checkNoOverlap(layers);
        if (workLayer != null) {
            checkSameMount(upperLayer.dir, workLayer.dir);
            String incompatible = incompatible(workLayer.dir.path);
            if (incompatible != null) {
                throw invalid(work.toString(), incompatible);
            }
        }
        checkFilesystems(kernel, layers);
        return new Layers(canonicalLowers, canonicalData, upperLayer == null ? null : upperLayer.dir,
                workLayer == null ? null : workLayer.dir);
    }

    /** Not a lambda: bootstrapping the first lambda costs a fresh JVM tens of milliseconds. */
    private static final Comparator<Layer> BY_KEY = new Comparator<Layer>() {
        @Override
        public int compare(Layer x, Layer y) {
            return x.key.compareTo(y.key);
        }
    };

    /**
     * A directory in its role, resolved, with its name's bytes as a prefix key ("/a/b/", one
     * char per byte) for nesting checks: names the locale cannot spell compare exactly too.
     */
    private static final class Layer {
        final String role;
        final Directory dir;
        final Path path;
        final boolean lower;
        final String key;

        Layer(Kernel kernel, String role, Path given, boolean lower) throws Refusal {
            this.role = role;
            this.dir = resolve(kernel, given, role, BUILD);
            this.path = dir.path;
            this.lower = lower;
            String s = PathBytes.key(dir.bytes);
            this.key = s.endsWith("/") ? s : s + "/";
        }
    }

    /**
     * Finds two layers that are the same directory or nested, in O(n log n): in sorted
     * order every directory's descendants follow it contiguously, so a stack of the
     * current ancestors is enough.
     */
    private static void checkNoOverlap(List<Layer> layers) throws Refusal {
        List<Layer> sorted = new ArrayList<>(layers);
        sorted.sort(BY_KEY);
        Deque<Layer> ancestors = new ArrayDeque<>();
        for (Layer l : sorted) {
            while (!ancestors.isEmpty() && !l.key.startsWith(ancestors.peek().key)) {
                ancestors.pop();
            }
            if (!ancestors.isEmpty()) {
                Layer outer = ancestors.peek();
                // Report in the caller's order: the layer given first is named first.
                throw overlap(layers.indexOf(outer) < layers.indexOf(l) ? outer : l,
                        layers.indexOf(outer) < layers.indexOf(l) ? l : outer, outer);
            }
            ancestors.push(l);
        }
    }

    private static Refusal overlap(Layer first, Layer second, Layer outer) {
        Layer inner = outer == first ? second : first;
        boolean same = first.key.equals(second.key);
        String what = same ? first.role + " and " + second.role + " are the same directory " + first.path
                : inner.role + " " + inner.path + " is inside " + outer.role + " " + outer.path;
        String file = inner.path.toString();
        if (!first.lower && !second.lower) {
            return invalid(file, what + "; upperdir and workdir must be separate directories, neither inside "
                    + "the other (e.g. siblings)");
        }
        if (outer.lower && !inner.lower && !same) {
            // The kernel mounts this, but writes would then change a lower layer under the overlay.
            return invalid(file, what + "; writes through the overlay would change that lower layer underneath "
                    + "it, which overlayfs leaves undefined: put " + inner.role + " outside every lowerdir");
        }
        return Errors.precheck(Errno.ELOOP, OPERATION, file, BUILD, what + "; the kernel refuses layers that are "
                + "the same directory or nested inside each other");
    }

    private static void checkSameMount(Directory upper, Directory work) throws Refusal {
        if (upper.device() != work.device()) {
            throw invalid(work.path.toString(), "upperdir " + upper.path + " and workdir " + work.path + " are on "
                    + "different filesystems; overlayfs needs both on the same one");
        }
        if (upper.mountId() != work.mountId()) {
            throw invalid(work.path.toString(), "upperdir " + upper.path + " and workdir " + work.path + " are on "
                    + "different mounts of the same filesystem (a bind mount?); overlayfs needs both under one mount");
        }
    }

    /** statfs magic numbers of the filesystems overlayfs cannot use as a layer. */
    private static final Map<Long, String> GENERATED = new HashMap<>();
    private static final long OVERLAYFS_MAGIC = 0x794c7630L;

    static {
        // Kernel-generated trees: their files change whenever the kernel's state does, and overlayfs
        // leaves changes under a mounted overlay undefined (as upper, procfs is refused outright and
        // sysfs silently mounts read-only).
        String[][] names = {{"9fa0", "procfs"}, {"62656572", "sysfs"}, {"27e0eb", "cgroup"}, {"63677270", "cgroup2"},
                {"64626720", "debugfs"}, {"74726163", "tracefs"}, {"73636673", "securityfs"}, {"1cd1", "devpts"},
                {"62656570", "configfs"}, {"6165676c", "pstore"}, {"cafe4a11", "bpf"}, {"f97cff8c", "selinuxfs"},
                {"de5e81e4", "efivarfs"}, {"6e736673", "nsfs"}, {"42494e4d", "binfmt_misc"}, {"65735543", "fusectl"},
                {"19800202", "mqueue"}};
        for (String[] n : names) {
            GENERATED.put(Long.parseLong(n[0], 16), n[1]);
        }
    }

    /**
     * What the kernel would refuse with only a line in dmesg: a layer on a kernel-generated
     * filesystem, or on an overlay that is itself stacked on an overlay (the kernel stacks
     * filesystems at most 2 deep: FILESYSTEM_MAX_STACK_DEPTH).
     */
    private static void checkFilesystems(Kernel kernel, List<Layer> layers) throws IOException, Refusal {
        List<MountTable.Entry> table = null;
        for (Layer l : layers) {
            String generated = GENERATED.get(l.dir.fsType);
            if (generated != null) {
                throw invalid(l.dir.path.toString(), l.role + " " + l.dir.path + " is on " + generated + ", a tree "
                        + "the kernel generates; overlayfs cannot use it as a layer (its files change under the "
                        + "overlay): copy what you need to a regular filesystem and use that");
            }
            if (l.dir.fsType != OVERLAYFS_MAGIC) {
                continue;
            }
            if (table == null) {
                table = MountTable.overlays(kernel);
            }
            String stacked = stackedOn(kernel, table, l.dir.mountId());
            if (stacked != null) {
                throw invalid(l.dir.path.toString(), l.role + " " + l.dir.path + " is on " + stacked + "; the "
                        + "kernel stacks overlays at most 2 deep, so an overlay on it cannot be mounted: use its "
                        + "layers directly, or copy it to a regular filesystem");
            }
        }
    }

    /**
     * For the overlay with this mount ID: what it is, when one of its own layers is on an
     * overlay too; else null. Its layers are named by the mount table; they are only
     * looked at, never mounted.
     */
    private static String stackedOn(Kernel kernel, List<MountTable.Entry> table, long mountId) {
        for (MountTable.Entry e : table) {
            if (e.mountId != mountId) {
                continue;
            }
            List<byte[]> layers = new ArrayList<>(e.lowerdirs);
            layers.addAll(e.datadirs);
            if (e.upperdir != null) {
                layers.add(e.upperdir);
            }
            for (byte[] layer : layers) {
                try {
                    Directory d = kernel.resolveDirectory(layer);
                    // An overlay mounted over its own lowerdir covers that name: what is seen there is
                    // the overlay itself, not its layer, which tells nothing.
                    if (d.fsType == OVERLAYFS_MAGIC && d.mountId() != mountId) {
                        return "the overlay mounted on " + PathBytes.toPath(e.target) + " (mount ID " + mountId
                                + "), whose layer " + PathBytes.toPath(layer) + " is on an overlay itself";
                    }
                } catch (SyscallException gone) {
                    // renamed or removed since: no evidence either way
                }
            }
        }
        return null;
    }

    /**
     * What a workdir's work/incompat holds, which the kernel refuses to mount over with only a
     * line in dmesg; null when nothing.
     */
    public static String incompatible(Path work) {
        Path incompat = work.resolve("work").resolve("incompat");
        List<String> features = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(incompat)) {
            for (Path e : entries) {
                features.add(e.getFileName().toString());
            }
        } catch (IOException | RuntimeException none) {
            return null;
        }
        if (features.contains("volatile")) {
            return "workdir " + work + " holds work/incompat/volatile: an overlay was mounted on this upperdir with "
                    + "the volatile option, whose writes were never synced, and the kernel refuses to mount over it "
                    + "again. If the machine has not crashed since that overlay was unmounted, remove " + incompat
                    + "/volatile and mount again; otherwise the upper layer may be incomplete: start from a fresh "
                    + "upperdir and workdir";
        }
        return features.isEmpty() ? null : "workdir " + work + " holds work/incompat/" + String.join(", ", features)
                + ": features of an earlier overlay that this kernel refuses to mount over; use a fresh workdir";
    }

    /**
     * Refuses to mount an upperdir without a workdir (such an overlay describes layers whose
     * changes can be read, but overlayfs cannot mount it).
     */
    public static void checkMountable(Path upper, Path work) throws Refusal {
        if (upper != null && work == null) {
            throw invalid(upper.toString(), "upperdir " + upper + " given without workdir; overlayfs needs an empty "
                    + "workdir on the same filesystem as upperdir to mount it (changes() and exportChanges() need none)");
        }
    }

    private static Refusal invalid(String file, String why) {
        return Errors.precheck(Errno.EINVAL, OPERATION, file, BUILD, why);
    }

    /**
     * p opened as a directory: absolute, symbolic links resolved, with its identity; a
     * refusal naming role when that fails.
     */
    public static Directory resolve(Kernel kernel, Path p, String role, String action) throws Refusal {
        try {
            return kernel.resolveDirectory(PathBytes.of(PathBytes.check(p, role)));
        } catch (SyscallException e) {
            int errno = e.errno();
            throw Errors.precheck(errno, OPERATION, p.toString(), action, role + " " + p.toAbsolutePath()
                    + unresolved(errno));
        }
    }

    /** Why a directory could not be resolved, after its name. */
    private static String unresolved(int errno) {
        if (errno == Errno.ENOENT) {
            return " does not exist; create it or fix the path";
        }
        if (errno == Errno.ENOTDIR) {
            return " is not a directory";
        }
        if (errno == Errno.EACCES) {
            return " cannot be resolved: permission denied on it or a parent directory";
        }
        if (errno == Errno.ELOOP) {
            return " cannot be resolved: too many levels of symbolic links";
        }
        if (errno == Errno.EXDEV) {
            return " is not reachable here by its own name: it lies in another mount namespace (reached "
                    + "through /proc/PID/root or a descriptor from another process) or under a mount that "
                    + "covers it now; overlay4j mounts only directories whose canonical path leads back to "
                    + "them: give a path in this process's mount namespace";
        }
        return " cannot be opened: " + Errno.describe(errno);
    }
}
