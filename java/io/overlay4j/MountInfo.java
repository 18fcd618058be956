package io.overlay4j;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An overlay mount as /proc/self/mountinfo describes it, escapes decoded. */
public final class MountInfo {
    private final long mountId;
    private final Path target;
    private final String source;
    private final List<Path> lowerdirs;
    private final List<Path> datadirs;
    private final Path upperdir;
    private final Path workdir;
    private final Map<String, String> options;
    private final List<String> mountOptions;

    MountInfo(long mountId, Path target, String source, List<String> mountOptions, List<Path> lowerdirs, List<Path> datadirs,
            Path upperdir, Path workdir, Map<String, String> options) {
        this.mountOptions = Collections.unmodifiableList(mountOptions);
        this.mountId = mountId;
        this.target = target;
        this.source = source;
        this.lowerdirs = Collections.unmodifiableList(lowerdirs);
        this.datadirs = Collections.unmodifiableList(datadirs);
        this.upperdir = upperdir;
        this.workdir = workdir;
        this.options = Collections.unmodifiableMap(options);
    }

    /**
     * The kernel's mount ID (first field of mountinfo; statx STATX_MNT_ID).
     *
     * @return the mount ID
     */
    public long mountId() {
        return mountId;
    }

    /**
     * The mount point.
     *
     * @return the mount point
     */
    public Path target() {
        return target;
    }

    /**
     * The mount's source ("overlay", or the word {@link Overlay.Builder#source(String)} or mount(8) gave).
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * The lower layers, highest priority first, as the kernel records them: the paths
     * the mount was given, so a mount made by the legacy strategy with shortened
     * options shows /proc/self/fd names.
     *
     * @return the lower directories, unmodifiable
     */
    public List<Path> lowerdirs() {
        return lowerdirs;
    }

    /**
     * Data-only lower layers, if any.
     *
     * @return the data-only lower layers, unmodifiable; empty if none
     */
    public List<Path> datadirs() {
        return datadirs;
    }

    /**
     * The upper directory, if the mount has one (a read-only overlay of lowers only has none).
     *
     * @return the upperdir, or empty
     */
    public Optional<Path> upperdir() {
        return Optional.ofNullable(upperdir);
    }

    /**
     * The work directory, if the mount has one (it comes with an upperdir).
     *
     * @return the workdir, or empty
     */
    public Optional<Path> workdir() {
        return Optional.ofNullable(workdir);
    }

    /**
     * The per-mount options: "rw" or "ro", "nosuid", "nodev", "noexec", "noatime", "relatime" ...
     *
     * @return the per-mount options, unmodifiable
     */
    public List<String> mountOptions() {
        return mountOptions;
    }

    /**
     * The other super options in kernel order ("rw", "index" ...); a flag maps to null.
     *
     * @return the super options, unmodifiable
     */
    public Map<String, String> options() {
        return options;
    }

    @Override
    public String toString() {
        return "MountInfo[" + mountId + " " + target + " lowerdirs=" + lowerdirs
                + (datadirs.isEmpty() ? "" : " datadirs=" + datadirs) + " upperdir=" + upperdir + " workdir="
                + workdir + " " + options + "]";
    }
}
