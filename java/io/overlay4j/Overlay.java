package io.overlay4j;

import io.overlay4j.internal.ChangeWalk;
import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.LayerExport;
import io.overlay4j.internal.Layers;
import io.overlay4j.internal.Log;
import io.overlay4j.internal.MountFlag;
import io.overlay4j.internal.MountTable;
import io.overlay4j.internal.OverlayOptions;
import io.overlay4j.internal.OverlaySpec;
import io.overlay4j.internal.PathBytes;
import io.overlay4j.internal.Refusal;
import io.overlay4j.internal.SyscallException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An OverlayFS description: ordered lower directories, an optional upper and
 * work directory, options and mount flags. Immutable and reusable: paths are
 * canonicalized, validated and encoded once, by {@link Builder#build()}, and
 * each {@link #mount(Path)} only makes the syscalls.
 *
 * <pre>{@code
 * Overlay ov = Overlay.builder()
 *     .lowerdirs(Paths.get("lower1"), Paths.get("lower2"))
 *     .upperdir(Paths.get("upper")).workdir(Paths.get("work"))
 *     .build();
 * try (OverlayMount m = ov.mount(Paths.get("merged"))) {
 *     // use m.target()
 * }
 * }</pre>
 */
public final class Overlay {
    /** System property that forces a {@link MountStrategy}: fd, string or legacy. */
    public static final String STRATEGY_PROPERTY = "overlay4j.strategy";

    private static final Log LOG = Log.get(Overlay.class);
    private static final String DEFAULT_SOURCE = "overlay";
    /** Resolutions of a target that keeps changing under a mount before the ESTALE is reported. */
    private static final int TARGET_ATTEMPTS = 3;

    private final List<Path> lowerdirs;
    private final List<Path> datadirs;
    private final Path upperdir;
    private final Path workdir;
    private final Map<String, String> options;
    private final String source;
    private final int flags;
    private final MountStrategy strategy;
    private final Kernel kernel;
    private final byte[] spec;
    private volatile String optionString;
    /** The upperdir's and workdir's canonical bytes and "dev:ino", for the registry of those in use. */
    private final byte[] upperBytes;
    private final byte[] workBytes;
    private final String upperKey;
    private final String workKey;
    private final boolean sharesUpper;
    /**
     * The last target mounted on (by any overlay of this class loader), when it was named by its
     * canonical path: mounting there again skips resolving it, since the C core checks its
     * identity anyway and answers ESTALE (then it is resolved afresh) when the name leads
     * elsewhere now.
     */
    private static volatile Directory lastTarget;

    private Overlay(Builder b, Map<String, String> options, Layers layers, MountStrategy strategy) {
        this.lowerdirs = paths(layers.lowerdirs);
        this.datadirs = paths(layers.datadirs);
        this.upperdir = layers.upperdir == null ? null : layers.upperdir.path;
        this.workdir = layers.workdir == null ? null : layers.workdir.path;
        this.upperBytes = layers.upperdir == null ? null : layers.upperdir.bytes;
        this.workBytes = layers.workdir == null ? null : layers.workdir.bytes;
        this.upperKey = layers.upperdir == null ? null : layers.upperdir.device() + ":" + layers.upperdir.inode();
        this.workKey = layers.workdir == null ? null : layers.workdir.device() + ":" + layers.workdir.inode();
        this.sharesUpper = b.sharesUpper;
        this.options = Collections.unmodifiableMap(options);
        this.source = b.source;
        this.flags = b.flags;
        this.strategy = strategy;
        this.kernel = b.kernel;
        this.spec = OverlaySpec.encode(layers.lowerdirs, layers.datadirs, layers.upperdir, layers.workdir, options,
                source);
    }

    private static List<Path> paths(List<Directory> dirs) {
        List<Path> paths = new ArrayList<>(dirs.size());
        for (Directory d : dirs) {
            paths.add(d.path);
        }
        return Collections.unmodifiableList(paths);
    }

    /**
     * Starts the description of an overlay.
     *
     * @return a new, empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Mounts this overlay on target, an existing directory.
     *
     * @param target the mount point, an existing directory
     * @return the mount; closing it unmounts
     * @throws java.nio.file.NoSuchFileException (an {@link ErrnoException}) when target or a layer is missing
     * @throws java.nio.file.AccessDeniedException without CAP_SYS_ADMIN
     * @throws java.nio.file.FileSystemException for any other refusal, with errno and the kernel's reason;
     *         ESTALE when a directory is no longer the one {@link Builder#build()} validated, or (the
     *         message tells which) when the kernel finds an index=on upperdir made with other lowers;
     *         EBUSY when the upperdir or workdir is in use by another mount
     * @throws IllegalArgumentException when target is the empty path or not of the default file system
     */
    public OverlayMount mount(Path target) throws IOException {
        return place(target, null);
    }

    /**
     * Mounts this overlay on target, or with from, attaches a clone of from's detached mount
     * there: resolves the target (or takes the one remembered), claims it, and resolves it
     * again while it keeps changing under the call. The messages of a refusal are only built
     * when there is one.
     */
    OverlayMount place(Path target, DetachedOverlay from) throws IOException {
        Objects.requireNonNull(target, "target must not be null");
        PathBytes.check(target, "target");
        checkMountable();
        String verb = from == null ? "mount" : "attach";
        long start = System.nanoTime();
        long[] made = new long[2];
        for (int attempt = 1;; attempt++) {
            Directory last = lastTarget;
            Directory dir = attempt == 1 && last != null && last.path.equals(target) ? last
                    : Mounts.resolve(kernel, target, "target", verb + " overlay on " + target);
            if (dir.bytes.length == 1) {
                // umount2("/") reaches the root underneath, never a mount on top of it.
                throw ErrnoExceptions.precheck(Errno.EINVAL, from == null ? "mount" : "move_mount", "/", verb + " overlay on /",
                        "an overlay on / could never be unmounted again (a path lookup of / stops at the root "
                                + "below it); mount it on a directory and chroot or pivot_root into that");
            }
            Claim claim = ActiveMounts.claim(this, kernel, dir, verb, from == null);
            long mountId;
            try {
                // Strict: every name is canonical, so the C core refuses any symbolic link swapped in
                // since, and it checks each directory it opens against the identity recorded.
                mountId = from == null ? kernel.mount(spec, flags | MountFlag.STRICT_PATHS, dir, strategy.code, made)
                        : from.attachOn(dir, made);
            } catch (SyscallException e) {
                claim.release();
                // The target changed between its resolution and the mount (another mount or unmount
                // there), or a remembered target failed: the target is what its name names now, so
                // resolve it again (which also words what is wrong with it).
                if (attempt < TARGET_ATTEMPTS && (dir == last || e.errno() == Errno.ESTALE) && e.concerns(dir.bytes)) {
                    continue;
                }
                throw ErrnoExceptions.fromSyscall(e, verb + " overlay on " + dir.path, dir.path.toString(),
                        from == null ? diagnose() : null);
            } catch (RuntimeException | Error e) {
                claim.release();
                throw e;
            }
            if (dir.path.equals(target)) {
                lastTarget = dir;
            }
            return made(dir, mountId, made, claim, from, start);
        }
    }

    /** An upperdir without workdir describes layers whose changes can be read, but does not mount. */
    private void checkMountable() throws FileSystemException {
        try {
            Layers.checkMountable(upperdir, workdir);
        } catch (Refusal r) {
            throw ErrnoExceptions.of(r);
        }
    }

    /** The mount is made: registers it, or takes it down again if this side fails. */
    private OverlayMount made(Directory dir, long mountId, long[] made, Claim claim,
            DetachedOverlay from, long start) {
        try {
            OverlayMount m = new OverlayMount(this, dir.path, dir.bytes, mountId, made[0], kernel, claim);
            claim.mounted(mountId, made[0], m, from);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} overlay on {} (mount ID {}) with strategy {} in {} us: {}", from == null ? "mounted"
                        : "attached", dir.path, mountId, strategy, (System.nanoTime() - start) / 1000, options());
            }
            Downgrades.report(this, m, (int) made[1]);
            return m;
        } catch (RuntimeException | Error e) {
            try {
                kernel.unmountIf(dir.bytes, mountId, made[0], UnmountOption.DETACH.bit);
            } catch (SyscallException | RuntimeException undo) {
                e.addSuppressed(undo);
            }
            claim.release();
            throw e;
        }
    }

    /**
     * Makes this overlay's superblock once and holds it as a detached mount, to attach where
     * it is needed ({@link DetachedOverlay#attach(Path)}): repeated mounts of one overlay then
     * cost a clone of a mount rather than a new overlay, and several targets may share one
     * upperdir safely. Close it when done.
     *
     * @return the detached overlay, holding the superblock and this overlay's upperdir and workdir
     * @throws java.nio.file.FileSystemException EOPNOTSUPP when this overlay's strategy is
     *         {@link MountStrategy#LEGACY} (mount(2) cannot hold an overlay detached); ENOSYS or
     *         EINVAL from fsopen or open_tree when the kernel lacks the new mount API (Linux 5.2)
     *         or cannot clone a detached mount; EBUSY when the upperdir or workdir is in use; and
     *         the kernel's refusals as for {@link #mount(Path)}
     */
    public DetachedOverlay detached() throws IOException {
        checkMountable();
        String action = "detach overlay " + this;
        Claim layers = ActiveMounts.claimLayers(this, kernel, action);
        try {
            int fd = kernel.detach(spec, flags | MountFlag.STRICT_PATHS, strategy.code);
            return new DetachedOverlay(this, kernel, layers, fd);
        } catch (SyscallException e) {
            layers.release();
            String feature = Errno.EOPNOTSUPP == e.errno()
                    ? "the " + strategy + " strategy (mount(2)) cannot hold an overlay detached; use FD or STRING, "
                            + "which need the new mount API (Linux 5.2+)"
                    : "open_tree".equals(e.operation()) ? "this kernel cannot clone a detached mount "
                            + "(open_tree OPEN_TREE_CLONE of an fsmount descriptor); mount with Overlay.mount instead"
                    : null;
            throw feature != null ? ErrnoExceptions.precheck(e.errno(), e.operation(), null, action, feature)
                    : ErrnoExceptions.fromSyscall(e, action, null, diagnose());
        } catch (RuntimeException | Error e) {
            layers.release();
            throw e;
        }
    }

    /**
     * What the upper directory changed against the lower layers, sorted by path (in byte order):
     * each path added, modified or deleted, read from the upper directory (and the lower layers)
     * alone, whether or not the overlay is mounted, writing nothing. While a mount writes to the
     * upper directory the answer is of no single moment.
     *
     * <p>Every form overlayfs uses counts: whiteouts (0/0 character devices, and zero-size files
     * with the whiteout xattr) are DELETED; an opaque directory, or one renamed with redirect_dir=on,
     * is listed with everything it now holds, and is {@link Change#opaque()} when the lower layers
     * had a directory there (a rename is DELETED at the old path, the old directory's whiteout);
     * a metacopy file is MODIFIED. A directory in the upper only because something in it changed
     * is no change itself: only its mode, owner or xattrs (overlayfs's own aside) make it MODIFIED.
     * A whiteout with nothing beneath it in the lower layers hides nothing and is no change. The
     * overlay's root is never listed. Overlayfs's xattrs are read in user.overlay.* with the
     * userxattr option, else in trusted.overlay.*.
     *
     * @return the changes, unmodifiable
     * @throws java.nio.file.FileSystemException EINVAL when this overlay has no upperdir, or its
     *         upperdir was written by an overlay of the other xattr namespace (userxattr or not);
     *         EPERM (an {@link java.nio.file.AccessDeniedException}) when trusted.overlay.* xattrs
     *         cannot be read here (no CAP_SYS_ADMIN); the errno of a file that cannot be read
     *         (EACCES ...) naming it; ENODATA for a metacopy file whose data no lower layer has
     */
    public List<Change> changes() throws IOException {
        List<Change> changes = new ArrayList<>();
        walk("read the changes of " + this, (path, kind, opaque, e, data, size, changed) -> {
            if (changed) {
                changes.add(new Change(PathBytes.toPath(path), kind, opaque));
            }
        });
        changes.sort(Comparator.comparing(Change::path));
        return Collections.unmodifiableList(changes);
    }

    /**
     * Writes the {@link #changes()} as an uncompressed OCI image layer tar (pax format): files with
     * their mode, uid/gid, mtime (with nanoseconds), xattrs other than overlayfs's own
     * ({@code SCHILY.xattr.*}), symbolic links, hard links, device nodes and FIFOs; a deleted path as
     * an empty {@code .wh.NAME}, an opaque directory with {@code .wh..wh..opq} in it; the unchanged
     * directories above a change, so that each entry has its parents before it; a metacopy file with
     * the data of its lower file. Sockets are left out (tar has no type for them). Streams: memory
     * holds one directory's entries per level of depth and one copy buffer, never a file. out is
     * flushed, not closed, and written from the calling thread only.
     *
     * @param out where the tar goes
     * @throws java.nio.file.FileSystemException as {@link #changes()} does
     * @throws IOException when out fails, or a file shrinks while it is copied
     */
    public void exportChanges(OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out must not be null");
        LayerExport export = new LayerExport(out, xattrNamespace());
        walk("export the changes of " + this, export);
        export.finish();
    }

    private void walk(String action, ChangeWalk.Sink sink) throws IOException {
        if (upperBytes == null) {
            throw ErrnoExceptions.precheck(Errno.EINVAL, "open", null, action, "this overlay has no upperdir: "
                    + "nothing can have changed");
        }
        if (!options.containsKey("userxattr") && !canReadTrustedXattrs()) {
            throw ErrnoExceptions.precheck(Errno.EPERM, "llistxattr", upperdir.toString(), action, "overlayfs keeps its "
                    + "whiteouts and opaque marks in trusted.overlay.* xattrs, which only CAP_SYS_ADMIN in the "
                    + "initial user namespace can read; run as root, or use an overlay with userxattr");
        }
        List<byte[]> lowers = new ArrayList<>();
        for (Path p : lowerdirs) {
            lowers.add(PathBytes.of(p));
        }
        List<byte[]> data = new ArrayList<>();
        for (Path p : datadirs) {
            data.add(PathBytes.of(p));
        }
        try {
            new ChangeWalk(kernel, lowers, data, options.containsKey("userxattr"), sink, action).run(upperBytes);
        } catch (Refusal r) {
            throw ErrnoExceptions.of(r);
        }
    }

    private String xattrNamespace() {
        return options.containsKey("userxattr") ? "user.overlay." : "trusted.overlay.";
    }

    /** CAP_SYS_ADMIN (bit 21 of CapEff) in the initial user namespace: what listxattr needs to show trusted.*. */
    private static boolean canReadTrustedXattrs() {
        if (UserNamespace.isNested()) {
            return false;
        }
        try {
            for (String line : new String(Files.readAllBytes(Paths.get("/proc/self/status")),
                    StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("CapEff:")) {
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 21)) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return true; // nothing to go by: let the xattrs speak
        }
        return true;
    }

    /** Why the kernel may have refused without a word: what only its log would tell. */
    private String diagnose() {
        return workdir == null ? null : Layers.incompatible(workdir);
    }

    /** Whether a mount table entry shows this overlay's source and lower layers. */
    boolean isShownBy(MountTable.Entry e) {
        if (!source().equals(PathBytes.decode(e.source)) || e.lowerdirs.size() != lowerdirs.size()) {
            return false;
        }
        for (int i = 0; i < lowerdirs.size(); i++) {
            if (!Arrays.equals(e.lowerdirs.get(i), PathBytes.of(lowerdirs.get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** The mount flags asked for ({@link MountFlag} bits). */
    int flags() {
        return flags;
    }

    boolean sharesUpper() {
        return sharesUpper;
    }

    String upperKey() {
        return upperKey;
    }

    String workKey() {
        return workKey;
    }

    byte[] upperBytes() {
        return upperBytes;
    }

    byte[] workBytes() {
        return workBytes;
    }

    /**
     * Canonical lower directories, highest priority first.
     *
     * @return the lower directories, unmodifiable
     */
    public List<Path> lowerdirs() {
        return lowerdirs;
    }

    /**
     * Canonical data-only lower layers (below all lowerdirs; reached only through metacopy redirects).
     *
     * @return the data-only lower layers, unmodifiable; empty if none
     */
    public List<Path> datadirs() {
        return datadirs;
    }

    /**
     * The canonical upper directory, if there is one (without it the overlay is read-only).
     *
     * @return the upperdir, or empty
     */
    public Optional<Path> upperdir() {
        return Optional.ofNullable(upperdir);
    }

    /**
     * The canonical work directory, if there is one (it comes with an upperdir).
     *
     * @return the workdir, or empty
     */
    public Optional<Path> workdir() {
        return Optional.ofNullable(workdir);
    }

    /**
     * The mount's source as mountinfo shows it: "overlay" unless {@link Builder#source(String)} set another.
     *
     * @return the source
     */
    public String source() {
        return source == null ? DEFAULT_SOURCE : source;
    }

    /**
     * The strategy {@link #mount(Path)} uses.
     *
     * @return the strategy
     */
    public MountStrategy strategy() {
        return strategy;
    }

    /**
     * Whether the mount is read-only (MS_RDONLY).
     *
     * @return true for a read-only mount
     */
    public boolean isReadOnly() {
        return MountFlag.RDONLY.in(flags);
    }

    /**
     * Mount flags besides options(), as mount(8) spells them: "ro", "nosuid", "nodev", "noexec",
     * "noatime", "relatime", "nodiratime", "strictatime", "nosymfollow".
     *
     * @return the mount flags, unmodifiable
     */
    public List<String> mountFlags() {
        List<String> names = new ArrayList<>();
        for (MountFlag f : MountFlag.values()) {
            if (f.in(flags)) {
                names.add(f.word);
            }
        }
        return Collections.unmodifiableList(names);
    }

    /**
     * The option string exactly as {@code mount -t overlay overlay -o <options()> TARGET}
     * accepts it, with '\', ',' and ':' in paths escaped.
     *
     * @return the option string
     */
    public String options() {
        String s = optionString;
        if (s == null) {
            s = OverlaySpec.options(kernel, spec);
            optionString = s;
        }
        return s;
    }

    /** Extra options given to the builder, in order; a flag maps to null. For Downgrades: options() is the API. */
    Map<String, String> extraOptions() {
        return options;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Overlay[").append(options());
        for (String f : mountFlags()) {
            s.append(',').append(f);
        }
        return s.append(']').toString();
    }

    /** Collects an overlay's parts; {@link #build()} canonicalizes and validates them. */
    public static final class Builder {
        private final List<Path> lowerdirs = new ArrayList<>();
        private final List<Path> datadirs = new ArrayList<>();
        private Path upperdir;
        private Path workdir;
        private final Map<String, String> options = new LinkedHashMap<>();
        private String source;
        private boolean sharesUpper;
        private Boolean userxattr;
        private int flags;
        private MountStrategy strategy;
        private Kernel kernel;

        private Builder() {
        }

        /**
         * Sets the lower directories, highest priority first (like lowerdir=a:b).
         *
         * @param dirs the lower directories, highest priority first
         * @return this builder
         */
        public Builder lowerdirs(Path... dirs) {
            Objects.requireNonNull(dirs, "lowerdirs must not be null");
            return lowerdirs(Arrays.asList(dirs));
        }

        /**
         * Sets the lower directories, highest priority first (like lowerdir=a:b).
         *
         * @param dirs the lower directories, highest priority first
         * @return this builder
         */
        public Builder lowerdirs(List<Path> dirs) {
            Objects.requireNonNull(dirs, "lowerdirs must not be null");
            for (int i = 0; i < dirs.size(); i++) {
                PathBytes.check(Objects.requireNonNull(dirs.get(i), "lowerdirs[" + i + "] must not be null"),
                        "lowerdirs[" + i + "]");
            }
            lowerdirs.clear();
            lowerdirs.addAll(dirs);
            return this;
        }

        /**
         * Sets data-only lower layers (Linux 6.5+; datadir+ or "::" in lowerdir): below all
         * lowerdirs, not listed in the merged view, reached only by metacopy redirects.
         *
         * @param dirs the data-only layers, in lookup order
         * @return this builder
         */
        public Builder datadirs(Path... dirs) {
            Objects.requireNonNull(dirs, "datadirs must not be null");
            return datadirs(Arrays.asList(dirs));
        }

        /**
         * Sets data-only lower layers, as {@link #datadirs(Path...)} does.
         *
         * @param dirs the data-only layers, in lookup order
         * @return this builder
         */
        public Builder datadirs(List<Path> dirs) {
            Objects.requireNonNull(dirs, "datadirs must not be null");
            for (int i = 0; i < dirs.size(); i++) {
                PathBytes.check(Objects.requireNonNull(dirs.get(i), "datadirs[" + i + "] must not be null"),
                        "datadirs[" + i + "]");
            }
            datadirs.clear();
            datadirs.addAll(dirs);
            return this;
        }

        /**
         * Sets the lower directories from container-image order: base layer first, top layer last.
         *
         * @param layers the layers, base layer first
         * @return this builder
         */
        public Builder imageLayers(List<Path> layers) {
            Objects.requireNonNull(layers, "imageLayers must not be null");
            List<Path> reversed = new ArrayList<>(layers);
            Collections.reverse(reversed);
            return lowerdirs(reversed);
        }

        /**
         * Sets the upper directory, where changes go; mounting it needs a workdir on the same filesystem
         * ({@link Overlay#changes()} and {@link Overlay#exportChanges(OutputStream)} need none).
         *
         * @param dir the upper directory
         * @return this builder
         */
        public Builder upperdir(Path dir) {
            upperdir = PathBytes.check(Objects.requireNonNull(dir, "upperdir must not be null"), "upperdir");
            return this;
        }

        /**
         * Sets the work directory, on the same filesystem as the upperdir.
         *
         * @param dir the work directory
         * @return this builder
         */
        public Builder workdir(Path dir) {
            workdir = PathBytes.check(Objects.requireNonNull(dir, "workdir must not be null"), "workdir");
            return this;
        }

        /**
         * Adds an overlayfs option such as ("index", "off") or ("redirect_dir", "on"). Values of
         * redirect_dir, index, metacopy, nfs_export, xino, uuid and verity are checked at once;
         * other keys go to the kernel as they are. lowerdir, upperdir and workdir have their own methods.
         *
         * @param key the option's name
         * @param value the option's value
         * @return this builder
         * @throws IllegalArgumentException when the key is not an option name (lowercase ASCII letters,
         *         digits and '_') or the value is not printable ASCII without ','
         */
        public Builder option(String key, String value) {
            Objects.requireNonNull(key, "option key must not be null");
            Objects.requireNonNull(value, "value of option " + key + " must not be null");
            OverlayOptions.checkOne(key, value);
            options.put(key, value);
            return this;
        }

        /**
         * Adds a flag option: "userxattr", "volatile", "default_permissions".
         *
         * @param flag the option's name
         * @return this builder
         * @throws IllegalArgumentException when flag is not an option name (lowercase ASCII letters, digits
         *         and '_'), is an option that takes a value, or has a method of its own
         */
        public Builder option(String flag) {
            Objects.requireNonNull(flag, "option key must not be null");
            OverlayOptions.checkOne(flag, null);
            options.put(flag, null);
            return this;
        }

        /**
         * Names the mount's source, the word mountinfo (and {@link MountInfo#source()}, df, findmnt)
         * shows for it, as mount(8)'s source argument does; "overlay" by default.
         *
         * @param name the source
         * @return this builder
         * @throws IllegalArgumentException unless it is 1 to 255 printable ASCII characters
         */
        public Builder source(String name) {
            Objects.requireNonNull(name, "source must not be null");
            OverlayOptions.checkSource(name);
            source = name.equals(DEFAULT_SOURCE) ? null : name;
            return this;
        }

        /**
         * Keeps overlayfs's own xattrs in the user.overlay.* namespace (the userxattr option), as an
         * unprivileged overlay must, or explicitly not. Unless told either way, overlay4j adds
         * userxattr when it runs in a user namespace other than the initial one (as container
         * runtimes do), where trusted.* xattrs cannot be written.
         *
         * @param use true to add the userxattr option, false to leave it out
         * @return this builder
         */
        public Builder userxattr(boolean use) {
            userxattr = use;
            if (use) {
                options.put("userxattr", null);
            } else {
                options.remove("userxattr");
            }
            return this;
        }

        /**
         * Mounts read-only (MS_RDONLY): nothing is written to upperdir.
         *
         * @return this builder
         */
        public Builder readOnly() {
            return set(MountFlag.RDONLY);
        }

        /**
         * MS_NOSUID: set-user-ID and set-group-ID bits are ignored.
         *
         * @return this builder
         */
        public Builder nosuid() {
            return set(MountFlag.NOSUID);
        }

        /**
         * MS_NODEV: device files cannot be opened.
         *
         * @return this builder
         */
        public Builder nodev() {
            return set(MountFlag.NODEV);
        }

        /**
         * MS_NOEXEC: programs cannot be executed.
         *
         * @return this builder
         */
        public Builder noexec() {
            return set(MountFlag.NOEXEC);
        }

        /**
         * MS_NOATIME: access times are not updated. Replaces relatime() and strictatime().
         *
         * @return this builder
         */
        public Builder noatime() {
            flags &= ~MountFlag.ATIME_MODES;
            return set(MountFlag.NOATIME);
        }

        /**
         * MS_RELATIME: access times updated relative to modification (the kernel's default).
         * Replaces noatime() and strictatime().
         *
         * @return this builder
         */
        public Builder relatime() {
            flags &= ~MountFlag.ATIME_MODES;
            return set(MountFlag.RELATIME);
        }

        /**
         * MS_STRICTATIME: access times updated on every access. Replaces noatime() and relatime().
         *
         * @return this builder
         */
        public Builder strictatime() {
            flags &= ~MountFlag.ATIME_MODES;
            return set(MountFlag.STRICTATIME);
        }

        /**
         * MS_NODIRATIME: access times of directories are not updated.
         *
         * @return this builder
         */
        public Builder nodiratime() {
            return set(MountFlag.NODIRATIME);
        }

        /**
         * MS_NOSYMFOLLOW: symbolic links are not followed when resolving paths under the mount (Linux 5.10+).
         *
         * @return this builder
         */
        public Builder nosymfollow() {
            return set(MountFlag.NOSYMFOLLOW);
        }

        /**
         * Lets this overlay's upperdir and workdir be used by other mounts at the same time, as the
         * kernel allows with index=off (it warns in dmesg that the results are undefined). Without
         * it, {@link Overlay#mount(Path)} refuses an upperdir or workdir in use with EBUSY. To show
         * one overlay in several places, mount it once and bind-mount that mount instead.
         *
         * @return this builder
         */
        public Builder allowSharedUpperdir() {
            sharesUpper = true;
            return this;
        }

        /**
         * Forces a strategy instead of the best one the kernel supports (or the overlay4j.strategy property).
         *
         * @param s the strategy
         * @return this builder
         */
        public Builder strategy(MountStrategy s) {
            strategy = Objects.requireNonNull(s, "strategy must not be null");
            return this;
        }

        private Builder set(MountFlag f) {
            flags |= f.bit;
            return this;
        }

        /** Replaces the kernel: for unit tests of the facade. */
        Builder kernel(Kernel k) {
            kernel = k;
            return this;
        }

        /**
         * Canonicalizes every path (relative to absolute, symbolic links resolved) and
         * checks the combination before any syscall.
         *
         * @return the overlay, ready to mount (as often as wanted)
         * @throws java.nio.file.NoSuchFileException when a directory is missing
         * @throws java.nio.file.FileSystemException when the combination cannot mount, saying why
         */
        public Overlay build() throws IOException {
            if (kernel == null) {
                kernel = Kernel.system();
            }
            Map<String, String> effective = new LinkedHashMap<>(options);
            if (userxattr == null && !effective.containsKey("userxattr") && UserNamespace.isNested()) {
                // trusted.* xattrs cannot be written here: without userxattr the overlay mounts and
                // then fails with EIO on the first whiteout or copy-up.
                effective.put("userxattr", null);
                LOG.debug("in a user namespace: added the userxattr option (Builder.userxattr(false) to not)");
            }
            try {
                Layers layers = Layers.check(kernel, lowerdirs, datadirs, upperdir, workdir);
                OverlayOptions.checkAll(effective, upperdir != null);
                return new Overlay(this, effective, layers, resolveStrategy());
            } catch (Refusal r) {
                throw ErrnoExceptions.of(r);
            }
        }

        private MountStrategy resolveStrategy() {
            if (strategy != null) {
                return strategy;
            }
            String forced = System.getProperty(STRATEGY_PROPERTY);
            if (forced != null && !forced.isEmpty() && !forced.equalsIgnoreCase("auto")) {
                try {
                    return MountStrategy.valueOf(forced.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    StringBuilder words = new StringBuilder("auto");
                    for (MountStrategy s : MountStrategy.values()) {
                        words.append(", ").append(s.name().toLowerCase(Locale.ROOT));
                    }
                    throw new IllegalArgumentException("-D" + STRATEGY_PROPERTY + "=" + forced + " is not one of "
                            + words, e);
                }
            }
            return MountStrategy.ofCode(kernel.bestStrategy());
        }
    }
}
