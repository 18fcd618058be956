package io.overlay4j.internal;

import io.overlay4j.Change.Kind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * Walks an upper directory depth first, reading only, and tells a {@link Sink} what changed
 * against the lower layers: each path once, parents before children, names in byte order
 * within a directory. Memory holds one directory's entries per level of depth, never the layer.
 *
 * <p>Two views of the lower layers are kept per directory: the directories the lower layers have
 * at the same path (the "before" view, which decides ADDED against MODIFIED against DELETED), and
 * those the overlay merges into it (its "source": the same, the redirect's target after a rename,
 * or none when opaque). A directory whose lower contents cannot be relied on at its own path (new,
 * opaque, renamed) is walked in full: everything the overlay shows in it is a change, what comes
 * from the lower layers included. The lower layers are read as overlayfs reads them: whiteouts
 * (both forms), opaque directories and redirects in them count.
 */
public final class ChangeWalk {
    /** Receives the changes, in walk order. */
    public interface Sink {
        /**
         * @param path relative to the overlay's root
         * @param entry the file as the overlay shows it (null for DELETED)
         * @param data the file whose bytes a regular file holds (the lower one for a metacopy
         *        file), null for anything else
         * @param dataSize how many bytes of data
         * @param changed false for a directory passed only because something below it changed
         */
        void change(byte[] path, Kind kind, boolean opaque, LayerEntry entry, byte[] data, long dataSize,
                boolean changed) throws IOException;
    }

    private static final byte[] SLASH = {'/'};
    private static final Comparator<LayerEntry> BY_NAME = (a, b) -> compare(a.name, b.name);

    private final String ns;
    private final String otherNs;
    private final List<LowerDir> lowers = new ArrayList<>();
    private final List<LowerDir> dataLayers = new ArrayList<>();
    private final Kernel kernel;
    private final Sink sink;
    private final String action;
    /** Unchanged directories on the way down, passed to the sink only when something below them changes. */
    private final Deque<Object[]> pending = new ArrayDeque<>();

    /**
     * @param userxattr whether overlayfs keeps its xattrs in user.overlay.* (else trusted.overlay.*)
     * @param action what the caller does, for messages ("read the changes of /u")
     */
    public ChangeWalk(Kernel kernel, List<byte[]> lowerdirs, List<byte[]> datadirs, boolean userxattr, Sink sink,
            String action) {
        this.kernel = kernel;
        this.ns = userxattr ? "user.overlay." : "trusted.overlay.";
        this.otherNs = userxattr ? "trusted.overlay." : "user.overlay.";
        for (byte[] d : lowerdirs) {
            lowers.add(new LowerDir(lowers.size(), d));
        }
        for (byte[] d : datadirs) {
            dataLayers.add(new LowerDir(lowers.size() + dataLayers.size(), d));
        }
        this.sink = sink;
        this.action = action;
    }

    /** Walks the upper directory upper (absolute, canonical). */
    public void run(byte[] upper) throws IOException, Refusal {
        LayerEntry root = describe(upper);
        if (root == null || !root.isDirectory()) {
            throw Errors.precheck(root == null ? Errno.ENOENT : Errno.ENOTDIR, "open", PathBytes.decode(upper), action,
                    "the upperdir " + PathBytes.decode(upper) + (root == null ? " is gone" : " is no directory"));
        }
        checkNamespace(root, upper);
        // A tree may be as deep as PATH_MAX allows (2 048 levels): an explicit stack of open
        // directories, not recursion, which would overflow a thread's default stack first.
        Deque<Dir> open = new ArrayDeque<>();
        open.push(open(new byte[0], upper, lowers, lowers, false, null));
        while (!open.isEmpty()) {
            Dir d = open.peek();
            if (d.entries.hasNext()) {
                Dir below = d.full ? whole(d, d.entries.next()) : diff(d, (LayerEntry) d.entries.next());
                if (below != null) {
                    open.push(below);
                }
            } else {
                open.pop();
                // An unchanged directory whose subtree changed nothing is never passed on.
                if (d.unchanged != null && !pending.isEmpty() && pending.peek()[0] == d.unchanged) {
                    pending.pop();
                }
            }
        }
    }

    /** A directory being walked: the rest of its entries, and how it relates to the lower layers. */
    private static final class Dir {
        final byte[] path;
        final byte[] upper;
        final List<LowerDir> before;
        final List<LowerDir> source;
        /** Walked in full (renamed, opaque or new: every entry it shows is a change), or merged. */
        final boolean full;
        /** Its path when it waits in pending as an unchanged directory; null otherwise. */
        final byte[] unchanged;
        final java.util.Iterator<?> entries;

        Dir(byte[] path, byte[] upper, List<LowerDir> before, List<LowerDir> source, boolean full, byte[] unchanged,
                java.util.Iterator<?> entries) {
            this.path = path;
            this.upper = upper;
            this.before = before;
            this.source = source;
            this.full = full;
            this.unchanged = unchanged;
            this.entries = entries;
        }
    }

    /**
     * Reads a directory to walk: merged, the upper's entries; in full, every name the overlay
     * shows there, the upper's entries over the source's (a name only a lower layer has maps to null).
     */
    private Dir open(byte[] path, byte[] upper, List<LowerDir> before, List<LowerDir> source, boolean full,
            byte[] unchanged) throws IOException, Refusal {
        List<LayerEntry> entries = upper == null ? Collections.<LayerEntry>emptyList() : read(upper);
        if (!full) {
            return new Dir(path, upper, before, source, false, unchanged, entries.iterator());
        }
        TreeMap<String, LayerEntry> names = new TreeMap<>();
        for (LayerEntry e : entries) {
            names.put(PathBytes.key(e.name), e);
        }
        for (LowerDir d : source) {
            for (LayerEntry e : read(d.path)) {
                names.putIfAbsent(PathBytes.key(e.name), null);
            }
        }
        return new Dir(path, upper, before, source, true, unchanged, names.entrySet().iterator());
    }

    /** One name of a directory walked in full; returns the directory to walk below it, if any. */
    private Dir whole(Dir d, Object next) throws IOException, Refusal {
        @SuppressWarnings("unchecked")
        java.util.Map.Entry<String, LayerEntry> n = (java.util.Map.Entry<String, LayerEntry>) next;
        LayerEntry e = n.getValue();
        byte[] name = n.getKey().getBytes(StandardCharsets.ISO_8859_1);
        if (e != null) {
            return e.isWhiteout(ns) ? null : whole(d.path, join(d.upper, name), d.before, d.source, name, e);
        }
        Lookup l = lookup(d.source, name, true);
        return l.top == null ? null : whole(d.path, null, d.before, d.source, name, l.top);
    }

    /**
     * An entry of the upper in a directory the overlay merges with the lower one at the same path;
     * returns the directory to walk below it, if any.
     */
    private Dir diff(Dir d, LayerEntry e) throws IOException, Refusal {
        checkNamespace(e, join(d.upper, e.name));
        byte[] path = join(d.path, e.name);
        byte[] upper = join(d.upper, e.name);
        Lookup was = lookup(d.before, e.name, e.isDirectory());
        Kind kind = was.top == null ? Kind.ADDED : Kind.MODIFIED;
        if (e.isWhiteout(ns)) {
            if (was.top != null) { // a whiteout with nothing beneath hides nothing: no change
                emit(path, Kind.DELETED, false, null, null, 0);
            }
            return null;
        }
        if (!e.isDirectory()) {
            emitFile(path, kind, e, upper, d.before, e.name);
            return null;
        }
        byte[] redirect = e.xattr(ns + "redirect");
        if (redirect != null && (Arrays.equals(redirect, e.name) || Arrays.equals(redirect, concat(SLASH, path)))) {
            redirect = null; // renamed away and back: the kernel keeps the redirect, to where it is
        }
        boolean wasDir = was.top != null && was.top.isDirectory();
        if (redirect != null || e.isOpaque(ns) || !wasDir) {
            // Renamed here, made opaque, or new: what the lower layers have at this path does not show.
            List<LowerDir> source = redirect != null ? redirected(d.before, redirect)
                    : Collections.<LowerDir>emptyList();
            emit(path, kind, wasDir, e, null, 0);
            return open(path, upper, was.dirs, source, true, null);
        }
        if (!sameMetadata(e, was.top)) {
            emit(path, Kind.MODIFIED, false, e, null, 0);
            return open(path, upper, was.dirs, was.dirs, false, null);
        }
        pending.push(new Object[] {path, e});
        return open(path, upper, was.dirs, was.dirs, false, path);
    }

    /** An entry of a directory walked in full; upper is null for one only a lower layer has. */
    private Dir whole(byte[] parent, byte[] upper, List<LowerDir> before, List<LowerDir> source, byte[] name,
            LayerEntry e) throws IOException, Refusal {
        if (upper != null) {
            checkNamespace(e, upper);
        }
        byte[] path = join(parent, name);
        Lookup was = lookup(before, name, e.isDirectory());
        Kind kind = was.top == null ? Kind.ADDED : Kind.MODIFIED;
        if (!e.isDirectory()) {
            if (upper != null) {
                emitFile(path, kind, e, upper, source, name);
            } else {
                Data data = data(source, name, null);
                emit(path, kind, false, e, data == null ? null : data.path, data == null ? 0 : data.size);
            }
            return null;
        }
        List<LowerDir> below;
        byte[] redirect = upper == null ? null : e.xattr(ns + "redirect");
        if (redirect != null) {
            below = redirected(source, redirect);
        } else if (upper != null && e.isOpaque(ns)) {
            below = Collections.emptyList();
        } else {
            below = lookup(source, name, true).dirs;
        }
        emit(path, kind, false, e, null, 0);
        return open(path, upper, was.dirs, below, true, null);
    }

    /** A non-directory of the upper: its bytes are its own, or a lower file's when it is a metacopy. */
    private void emitFile(byte[] path, Kind kind, LayerEntry e, byte[] upper, List<LowerDir> source, byte[] name)
            throws IOException, Refusal {
        if (!e.isRegular()) {
            emit(path, kind, false, e, null, 0);
        } else if (e.xattr(ns + "metacopy") == null) {
            emit(path, kind, false, e, upper, e.size);
        } else {
            Data d = data(source, name, e.xattr(ns + "redirect"));
            if (d == null) {
                throw Errors.precheck(Errno.ENODATA, "lgetxattr", PathBytes.decode(upper), action, "the metacopy file "
                        + PathBytes.decode(upper) + " has no data in any lower layer (its lower file is gone)");
            }
            emit(path, kind, false, e, d.path, d.size); // ADDED when renamed to a path no lower layer has
        }
    }

    private void emit(byte[] path, Kind kind, boolean opaque, LayerEntry e, byte[] data, long size)
            throws IOException, Refusal {
        // The unchanged directories above, outermost first.
        List<Object[]> above = new ArrayList<>(pending);
        pending.clear();
        for (int i = above.size() - 1; i >= 0; i--) {
            sink.change((byte[]) above.get(i)[0], Kind.MODIFIED, false, (LayerEntry) above.get(i)[1], null, 0, false);
        }
        sink.change(path, kind, opaque, e, data, size, true);
    }

    /** The lower directories a directory renamed from redirect (absolute from the root, or a sibling's name) merges. */
    private List<LowerDir> redirected(List<LowerDir> siblings, byte[] redirect) throws IOException, Refusal {
        return isAbsolute(redirect) ? fromRoot(redirect, 0) : lookup(siblings, redirect, true).dirs;
    }

    /** The lower directories at the absolute path, merged from the layer of index first down. */
    private List<LowerDir> fromRoot(byte[] path, int first) throws IOException, Refusal {
        List<LowerDir> dirs = lowers.subList(Math.min(first, lowers.size()), lowers.size());
        for (byte[] component : components(path)) {
            dirs = lookup(dirs, component, true).dirs;
        }
        return dirs;
    }

    /**
     * The file whose bytes a regular file shows: the first regular file the lower directories have
     * under name (or under the metacopy's redirect), following metacopy files down; null when none.
     */
    private Data data(List<LowerDir> dirs, byte[] name, byte[] redirect) throws IOException, Refusal {
        if (redirect != null && isAbsolute(redirect)) {
            return absoluteData(redirect, 0);
        }
        byte[] n = redirect != null ? redirect : name;
        for (LowerDir d : dirs) {
            byte[] p = join(d.path, n);
            LayerEntry e = describe(p);
            if (e == null) {
                continue;
            }
            if (e.isWhiteout(ns) || !e.isRegular()) {
                return null;
            }
            if (e.xattr(ns + "metacopy") == null) {
                return new Data(p, e.size);
            }
            byte[] next = e.xattr(ns + "redirect");
            if (next != null && isAbsolute(next)) {
                return absoluteData(next, d.layer + 1);
            }
            if (next != null) { // renamed in a lower layer that was an upper
                n = next;
            }
        }
        return null;
    }

    /** An absolute metacopy redirect, looked up in the layers from index first down (data-only layers last). */
    private Data absoluteData(byte[] redirect, int first) throws IOException, Refusal {
        List<LowerDir> all = new ArrayList<>(lowers);
        all.addAll(dataLayers);
        byte[] r = redirect;
        for (LowerDir d : all.subList(Math.min(first, all.size()), all.size())) {
            byte[] p = concat(d.path, r);
            LayerEntry e = describe(p);
            if (e == null) {
                continue;
            }
            if (e.isWhiteout(ns) || !e.isRegular()) {
                return null;
            }
            byte[] next = e.xattr(ns + "redirect");
            if (e.xattr(ns + "metacopy") == null) {
                return new Data(p, e.size);
            }
            if (next != null && isAbsolute(next)) {
                return absoluteData(next, d.layer + 1);
            }
            if (next != null) { // a sibling of r
                int slash = r.length - 1;
                while (r[slash] != '/') {
                    slash--;
                }
                r = concat(Arrays.copyOf(r, slash + 1), next);
            }
        }
        return null;
    }

    /**
     * What the lower directories show under name, as overlayfs looks it up: the first layer that
     * has it decides (a whiteout: nothing); for a directory, the directories of that and the
     * following layers merged with it, up to an opaque one or one that has no directory there;
     * a directory's redirect decides the path looked up in the layers below it.
     */
    private Lookup lookup(List<LowerDir> dirs, byte[] name, boolean wantDirs) throws IOException, Refusal {
        Lookup l = new Lookup();
        byte[] n = name;
        for (LowerDir d : dirs) {
            byte[] p = join(d.path, n);
            LayerEntry e = describe(p);
            if (e == null) {
                continue;
            }
            if (e.isWhiteout(ns) || l.top != null && !e.isDirectory()) {
                return l;
            }
            if (l.top == null) {
                l.top = e;
                if (!e.isDirectory() || !wantDirs) {
                    return l;
                }
            }
            l.dirs.add(new LowerDir(d.layer, p));
            if (e.isOpaque(ns)) {
                return l;
            }
            // A lower layer that was an upper renamed this directory: the layers below merge its old path.
            byte[] redirect = e.xattr(ns + "redirect");
            if (redirect != null && isAbsolute(redirect)) {
                l.dirs.addAll(fromRoot(redirect, d.layer + 1));
                return l;
            }
            if (redirect != null) {
                n = redirect;
            }
        }
        return l;
    }

    /**
     * A directory's own metadata, as docker compares it: mode, owner and the xattrs that are not
     * overlayfs's; not its size or times, which change whenever something in it does.
     */
    private boolean sameMetadata(LayerEntry upper, LayerEntry lower) {
        return upper.mode == lower.mode && upper.uid == lower.uid && upper.gid == lower.gid
                && ownXattrs(upper).equals(ownXattrs(lower));
    }

    private TreeMap<String, String> ownXattrs(LayerEntry e) {
        TreeMap<String, String> m = new TreeMap<>();
        for (String n : e.xattrNames()) {
            if (LayerEntry.shownXattr(n, ns) != null) {
                m.put(n, PathBytes.key(e.xattr(n)));
            }
        }
        return m;
    }

    /**
     * Refuses an upper written by an overlay of the other xattr namespace: read with the wrong
     * one, its whiteouts, opaque directories and renames would go unseen.
     */
    private void checkNamespace(LayerEntry e, byte[] path) throws IOException, Refusal {
        for (String key : new String[] {"opaque", "redirect", "metacopy", "whiteout", "origin"}) {
            if (e.xattr(otherNs + key) != null) {
                boolean user = otherNs.startsWith("user");
                throw Errors.precheck(Errno.EINVAL, "lgetxattr", PathBytes.decode(path), action, PathBytes.decode(path)
                        + " has " + otherNs + key + ": the upper was written by an overlay " + (user ? "with"
                        : "without") + " the userxattr option; describe the overlay " + (user ? "with"
                        : "without") + " it (Builder.userxattr(" + user + "))");
            }
        }
    }

    private List<LayerEntry> read(byte[] dir) throws IOException, Refusal {
        try {
            List<LayerEntry> entries = LayerEntry.parse(kernel.readDirectory(dir));
            entries.sort(BY_NAME);
            return entries;
        } catch (SyscallException e) {
            throw Errors.fromSyscall(e, action, PathBytes.decode(dir), null);
        }
    }

    private LayerEntry describe(byte[] path) throws IOException, Refusal {
        try {
            byte[] blob = kernel.describe(path);
            return blob == null ? null : LayerEntry.parse(blob).get(0);
        } catch (SyscallException e) {
            throw Errors.fromSyscall(e, action, PathBytes.decode(path), null);
        }
    }

    private static boolean isAbsolute(byte[] redirect) {
        return redirect.length > 0 && redirect[0] == '/';
    }

    private static List<byte[]> components(byte[] path) {
        List<byte[]> parts = new ArrayList<>();
        for (int start = 0, end; start < path.length; start = end + 1) {
            for (end = start; end < path.length && path[end] != '/'; end++) {
                // to the next separator
            }
            if (end > start) {
                parts.add(Arrays.copyOfRange(path, start, end));
            }
        }
        return parts;
    }

    /** parent/name; just name when parent is the empty (root) path. */
    static byte[] join(byte[] parent, byte[] name) {
        if (parent.length == 0) {
            return name;
        }
        byte[] p = Arrays.copyOf(parent, parent.length + 1 + name.length);
        p[parent.length] = '/';
        System.arraycopy(name, 0, p, parent.length + 1, name.length);
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] p = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, p, a.length, b.length);
        return p;
    }

    /** Unsigned byte order, as Path.compareTo and sort(1) under LC_ALL=C order names. */
    static int compare(byte[] a, byte[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return (a[i] & 0xff) - (b[i] & 0xff);
            }
        }
        return a.length - b.length;
    }

    /** A lower layer's directory: its layer's index (top 0; data-only layers last) and its path. */
    private static final class LowerDir {
        final int layer;
        final byte[] path;

        LowerDir(int layer, byte[] path) {
            this.layer = layer;
            this.path = path;
        }
    }

    private static final class Lookup {
        LayerEntry top;
        final List<LowerDir> dirs = new ArrayList<>();
    }

    private static final class Data {
        final byte[] path;
        final long size;

        Data(byte[] path, long size) {
            this.path = path;
            this.size = size;
        }
    }
}
