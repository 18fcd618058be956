package io.overlay4j.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the overlay mounts of /proc/self/mountinfo; the C core decodes each line. */
public final class MountTable {
    private static final byte[] OVERLAY_FIELD = " - overlay ".getBytes(StandardCharsets.US_ASCII);

    /** One overlay mount, decoded; paths as the kernel's bytes. */
    public static final class Entry {
        public long mountId;
        public byte[] target;
        public String mountOptions;
        public byte[] source;
        /** The super options as the kernel shows them, octal escapes undone (what mount(8) lists). */
        public byte[] superOptions;
        public final List<byte[]> lowerdirs = new ArrayList<>();
        public final List<byte[]> datadirs = new ArrayList<>();
        public byte[] upperdir;
        public byte[] workdir;
        public final Map<String, String> options = new LinkedHashMap<>();
    }

    private MountTable() {
    }

    public static List<Entry> overlays(Kernel kernel) throws IOException {
        byte[] table = Files.readAllBytes(Paths.get("/proc/self/mountinfo"));
        List<Entry> entries = new ArrayList<>();
        for (int start = 0, end; start < table.length; start = end + 1) {
            end = indexOf(table, (byte) '\n', start);
            if (contains(table, start, end, OVERLAY_FIELD)) {
                byte[] decoded = kernel.decodeMountinfo(Arrays.copyOfRange(table, start, end));
                if (decoded != null) {
                    entries.add(parse(decoded));
                }
            }
        }
        return entries;
    }

    /**
     * The overlay with this mount ID, or null. The kernel reuses the IDs of mounts that are
     * gone, so an ID alone does not say it is the same mount: compare more of the entry.
     */
    public static Entry byId(Kernel kernel, long mountId) throws IOException {
        for (Entry e : overlays(kernel)) {
            if (e.mountId == mountId) {
                return e;
            }
        }
        return null;
    }

    /** Whether the overlay with this mount ID is mounted on target (its bytes). */
    public static boolean isAt(Kernel kernel, long mountId, byte[] target) throws IOException {
        Entry e = byId(kernel, mountId);
        return e != null && Arrays.equals(e.target, target);
    }

    /**
     * Whether the mount table's upperdir or workdir shown is dir (canonical bytes). The kernel shows
     * the string it was given: the name itself after mount(2) or a descriptor, but after fsconfig
     * strings the name with overlay's backslash escapes, which it dropped when it parsed them (the
     * C core doubles each backslash there). The two look alike, so both readings count.
     */
    public static boolean names(byte[] shown, byte[] dir) {
        if (shown == null || dir == null) {
            return false;
        }
        if (Arrays.equals(shown, dir)) {
            return true;
        }
        if (indexOf(shown, (byte) '\\', 0) == shown.length) {
            return false; // nothing escaped: the one reading differs (and nothing is allocated per look)
        }
        byte[] unescaped = new byte[shown.length];
        int n = 0;
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] == '\\' && i + 1 < shown.length) {
                i++;
            }
            unescaped[n++] = shown[i];
        }
        return Arrays.equals(Arrays.copyOf(unescaped, n), dir);
    }

    /** Reads the entries of o4j_decode_mountinfo: tag ({@link EntryTag}), 4-byte big-endian length, bytes. */
    static Entry parse(byte[] blob) {
        Entry e = new Entry();
        String key = null;
        for (int at = 0; at + EntryTag.HEADER <= blob.length;) {
            int length = (blob[at + 1] & 0xff) << 24 | (blob[at + 2] & 0xff) << 16 | (blob[at + 3] & 0xff) << 8
                    | blob[at + 4] & 0xff;
            byte[] value = Arrays.copyOfRange(blob, at + EntryTag.HEADER, at + EntryTag.HEADER + length);
            switch (blob[at]) {
                case EntryTag.MOUNT_ID:
                    e.mountId = Long.parseLong(text(value));
                    break;
                case EntryTag.TARGET:
                    e.target = value;
                    break;
                case EntryTag.MOUNT_OPTIONS:
                    e.mountOptions = text(value);
                    break;
                case EntryTag.SOURCE:
                    e.source = value;
                    break;
                case EntryTag.SUPER_OPTIONS:
                    e.superOptions = value;
                    break;
                case EntryTag.LOWERDIR:
                    e.lowerdirs.add(value);
                    break;
                case EntryTag.DATADIR:
                    e.datadirs.add(value);
                    break;
                case EntryTag.UPPERDIR:
                    e.upperdir = value;
                    break;
                case EntryTag.WORKDIR:
                    e.workdir = value;
                    break;
                case EntryTag.OPTION:
                    key = text(value);
                    e.options.put(key, null);
                    break;
                default: // EntryTag.VALUE, the value of the option before it
                    e.options.put(key, text(value));
            }
            at += EntryTag.HEADER + length;
        }
        return e;
    }

    private static String text(byte[] b) {
        return PathBytes.decode(b);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return a.length;
    }

    private static boolean contains(byte[] a, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= to; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
