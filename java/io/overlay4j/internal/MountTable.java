package io.overlay4j.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the overlay mounts of /proc/self/mountinfo; the C core decodes each line. */
public final class MountTable {
    private static final byte[] OVERLAY_FIELD = " - overlay ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** One overlay mount, decoded. */
    public static final class Entry {
        public long mountId;
        public String target;
        public String mountOptions;
        public final List<String> lowerdirs = new ArrayList<>();
        public final List<String> datadirs = new ArrayList<>();
        public String upperdir;
        public String workdir;
        public final Map<String, String> options = new LinkedHashMap<>();
    }

    private MountTable() {
    }

    public static List<Entry> overlays() throws IOException {
        byte[] table = Files.readAllBytes(Paths.get("/proc/self/mountinfo"));
        List<Entry> entries = new ArrayList<>();
        for (int start = 0, end; start < table.length; start = end + 1) {
            end = indexOf(table, (byte) '\n', start);
            if (contains(table, start, end, OVERLAY_FIELD)) {
                byte[] decoded = Jni.decodeMountinfo(java.util.Arrays.copyOfRange(table, start, end));
                if (decoded != null) {
                    entries.add(parse(decoded));
                }
            }
        }
        return entries;
    }

    /** Whether a mount with this ID is still in this process's mount namespace. */
    public static boolean contains(long mountId) throws IOException {
        for (Entry e : overlays()) {
            if (e.mountId == mountId) {
                return true;
            }
        }
        return false;
    }

    static Entry parse(byte[] blob) {
        Entry e = new Entry();
        for (int start = 0, end; start < blob.length; start = end + 1) {
            end = indexOf(blob, (byte) 0, start);
            String value = PathBytes.decode(java.util.Arrays.copyOfRange(blob, start + 1, end));
            switch (blob[start]) {
                case 'I':
                    e.mountId = Long.parseLong(value);
                    break;
                case 'T':
                    e.target = value;
                    break;
                case 'M':
                    e.mountOptions = value;
                    break;
                case 'L':
                    e.lowerdirs.add(value);
                    break;
                case 'D':
                    e.datadirs.add(value);
                    break;
                case 'U':
                    e.upperdir = value;
                    break;
                case 'W':
                    e.workdir = value;
                    break;
                default:
                    int eq = value.indexOf('=');
                    e.options.put(eq < 0 ? value : value.substring(0, eq), eq < 0 ? null : value.substring(eq + 1));
            }
        }
        return e;
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
