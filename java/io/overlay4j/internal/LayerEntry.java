package io.overlay4j.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One file of a layer as the C core describes it (o4j_read_dir, o4j_describe): its name's
 * bytes, its lstat facts, a symbolic link's target and its extended attributes.
 */
public final class LayerEntry {
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFCHR = 0020000;

    public final byte[] name;
    /** st_mode: type and permission bits. */
    public final int mode;
    public final long uid;
    public final long gid;
    public final long size;
    public final long nlink;
    public final long ino;
    public final long dev;
    public final int rdevMajor;
    public final int rdevMinor;
    public final long mtimeSeconds;
    public final int mtimeNanos;
    /** A symbolic link's target; null for any other file. */
    public final byte[] link;
    /** Extended attribute names (ASCII, as the kernel has them) and values, in the order listed. */
    private final List<String> xattrNames;
    private final List<byte[]> xattrValues;

    private LayerEntry(byte[] name, long[] st, byte[] link, List<String> xattrNames, List<byte[]> xattrValues) {
        this.name = name;
        this.mode = (int) st[0];
        this.uid = st[1];
        this.gid = st[2];
        this.size = st[3];
        this.nlink = st[4];
        this.ino = st[5];
        this.dev = st[6];
        this.rdevMajor = (int) st[7];
        this.rdevMinor = (int) st[8];
        this.mtimeSeconds = st[9];
        this.mtimeNanos = (int) st[10];
        this.link = link;
        this.xattrNames = xattrNames;
        this.xattrValues = xattrValues;
    }

    /** Reads the entries of a blob, in order. */
    static List<LayerEntry> parse(byte[] blob) {
        List<LayerEntry> entries = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(blob);
        byte[] name = null;
        long[] st = null;
        byte[] link = null;
        List<String> names = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        while (b.hasRemaining()) {
            byte tag = b.get();
            byte[] payload = new byte[b.getInt()];
            b.get(payload);
            switch (tag) {
                case 'N':
                    if (name != null) {
                        entries.add(new LayerEntry(name, st, link, names, values));
                        names = new ArrayList<>();
                        values = new ArrayList<>();
                        link = null;
                    }
                    name = payload;
                    break;
                case 'S':
                    ByteBuffer f = ByteBuffer.wrap(payload);
                    st = new long[payload.length / 8];
                    for (int i = 0; i < st.length; i++) {
                        st[i] = f.getLong();
                    }
                    break;
                case 'K':
                    link = payload;
                    break;
                case 'X':
                    names.add(new String(payload, StandardCharsets.ISO_8859_1));
                    break;
                case 'V':
                    values.add(payload);
                    break;
                default:
                    throw new IllegalStateException("unknown entry tag " + tag + " from the C core (a bug)");
            }
        }
        if (name != null) {
            entries.add(new LayerEntry(name, st, link, names, values));
        }
        return entries;
    }

    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    public boolean isRegular() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** The value of the extended attribute name, or null. */
    public byte[] xattr(String name) {
        int i = xattrNames.indexOf(name);
        return i < 0 ? null : xattrValues.get(i);
    }

    public List<String> xattrNames() {
        return Collections.unmodifiableList(xattrNames);
    }

    /**
     * The name under which the overlay shows the xattr name of a layer's file; null for overlayfs's
     * own ones, of namespace ns ("trusted.overlay."). Linux 6.7+ stores an overlay's file's own
     * xattr of that namespace escaped, "trusted.overlay.x" as "trusted.overlay.overlay.x".
     */
    public static String shownXattr(String name, String ns) {
        if (!name.startsWith(ns)) {
            return name;
        }
        return name.startsWith(ns + "overlay.") ? ns + name.substring(ns.length() + "overlay.".length()) : null;
    }

    /**
     * Whether overlayfs takes this entry for a whiteout: a 0/0 character device, or a zero-size
     * regular file with the whiteout xattr of namespace ns ("trusted.overlay."), which Linux
     * 6.7+ looks up as a whiteout in any layer.
     */
    public boolean isWhiteout(String ns) {
        return (mode & S_IFMT) == S_IFCHR && rdevMajor == 0 && rdevMinor == 0
                || isRegular() && size == 0 && xattr(ns + "whiteout") != null;
    }

    /** Whether the overlay xattr ns + "opaque" is "y": the lower layers' directories at this path are hidden. */
    public boolean isOpaque(String ns) {
        return Arrays.equals(xattr(ns + "opaque"), new byte[] {'y'});
    }
}
