package io.overlay4j.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A POSIX tar writer (pax interchange format): ustar headers, with a pax extended header
 * before an entry whose name or link is too long, whose numbers do not fit (uid, gid, size),
 * whose mtime has nanoseconds, or that has xattrs ({@code SCHILY.xattr.NAME}, as GNU tar and
 * libarchive read them). Names and values are written as the bytes they are; a long name or link
 * that is not UTF-8 comes with {@code hdrcharset=BINARY}, as GNU tar writes it.
 */
public final class TarWriter {
    public static final byte REGULAR = '0';
    public static final byte HARDLINK = '1';
    public static final byte SYMLINK = '2';
    public static final byte CHAR = '3';
    public static final byte BLOCK = '4';
    public static final byte DIRECTORY = '5';
    public static final byte FIFO = '6';

    private static final int BLOCK_SIZE = 512;
    private static final long MAX_ID = 07777777L;
    private static final long MAX_SIZE = 077777777777L;

    private final OutputStream out;
    private final byte[] buffer = new byte[64 * 1024];

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** One entry's header; xattr names and values in pairs. */
    public static final class Header {
        public byte[] name;
        public byte type = REGULAR;
        public int mode;
        public long uid;
        public long gid;
        public long size;
        public long mtimeSeconds;
        public int mtimeNanos;
        public byte[] link = new byte[0];
        public int devMajor;
        public int devMinor;
        public final java.util.List<String> xattrNames = new java.util.ArrayList<>();
        public final java.util.List<byte[]> xattrValues = new java.util.ArrayList<>();
    }

    /** Writes h; for a regular file the caller then writes exactly h.size bytes with {@link #content}. */
    public void header(Header h) throws IOException {
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        // pax path values are UTF-8 unless hdrcharset says BINARY (POSIX); file names are any bytes.
        if (h.name.length > 100 && !isUtf8(h.name) || h.link.length > 100 && !isUtf8(h.link)) {
            record(pax, "hdrcharset", ascii("BINARY"));
        }
        if (h.name.length > 100) {
            record(pax, "path", h.name);
        }
        if (h.link.length > 100) {
            record(pax, "linkpath", h.link);
        }
        if (h.uid > MAX_ID) {
            record(pax, "uid", ascii(Long.toString(h.uid)));
        }
        if (h.gid > MAX_ID) {
            record(pax, "gid", ascii(Long.toString(h.gid)));
        }
        if (h.size > MAX_SIZE) {
            record(pax, "size", ascii(Long.toString(h.size)));
        }
        if (h.mtimeNanos != 0 || h.mtimeSeconds < 0 || h.mtimeSeconds > MAX_SIZE) {
            record(pax, "mtime", ascii(mtime(h.mtimeSeconds, h.mtimeNanos)));
        }
        for (int i = 0; i < h.xattrNames.size(); i++) {
            record(pax, "SCHILY.xattr." + xattrKeyword(h.xattrNames.get(i)), h.xattrValues.get(i));
        }
        if (pax.size() > 0) {
            byte[] records = pax.toByteArray();
            Header x = new Header();
            x.name = ascii("PaxHeaders/" + new String(lastName(h.name), StandardCharsets.ISO_8859_1));
            x.type = 'x';
            x.mode = 0644;
            x.size = records.length;
            x.mtimeSeconds = Math.max(0, Math.min(h.mtimeSeconds, MAX_SIZE));
            block(x);
            content(new java.io.ByteArrayInputStream(records), records.length, null);
        }
        block(h);
    }

    /** Copies exactly size bytes of in, then pads to a block; fails naming what when in ends early. */
    public void content(InputStream in, long size, String what) throws IOException {
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException(what + " shrank while it was exported: " + (size - left) + " of " + size
                        + " bytes read");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        pad(size);
    }

    /** The end of the archive: two zero blocks. */
    public void finish() throws IOException {
        out.write(new byte[2 * BLOCK_SIZE]);
        out.flush();
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK_SIZE);
        if (rest != 0) {
            out.write(new byte[BLOCK_SIZE - rest]);
        }
    }

    private void block(Header h) throws IOException {
        byte[] b = new byte[BLOCK_SIZE];
        put(b, 0, 100, Arrays.copyOf(h.name, Math.min(h.name.length, 100)));
        octal(b, 100, 8, h.mode & 07777);
        octal(b, 108, 8, h.uid > MAX_ID ? 0 : h.uid);
        octal(b, 116, 8, h.gid > MAX_ID ? 0 : h.gid);
        octal(b, 124, 12, h.size > MAX_SIZE ? 0 : h.size);
        octal(b, 136, 12, Math.max(0, Math.min(h.mtimeSeconds, MAX_SIZE)));
        b[156] = h.type;
        put(b, 157, 100, Arrays.copyOf(h.link, Math.min(h.link.length, 100)));
        put(b, 257, 8, ascii("ustar\u000000"));
        if (h.type == CHAR || h.type == BLOCK) {
            octal(b, 329, 8, h.devMajor);
            octal(b, 337, 8, h.devMinor);
        }
        Arrays.fill(b, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte x : b) {
            sum += x & 0xff;
        }
        octal(b, 148, 7, sum); // six digits, NUL, and the space already there
        out.write(b);
    }

    /** "LEN key=value\n", LEN counting the whole record, its own digits included. */
    /**
     * An xattr's name as GNU tar writes it into a pax keyword: '%' and '=' percent-encoded, since
     * the record's first '=' ends its keyword ("user.a=b" would read back as "user.a").
     */
    static String xattrKeyword(String name) {
        return name.replace("%", "%25").replace("=", "%3D");
    }

    private static void record(ByteArrayOutputStream pax, String key, byte[] value) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        int body = 1 + k.length + 1 + value.length + 1;
        int len = body + Integer.toString(body).length();
        if (Integer.toString(len).length() != Integer.toString(body).length()) {
            len++;
        }
        pax.write(ascii(Integer.toString(len)));
        pax.write(' ');
        pax.write(k);
        pax.write('=');
        pax.write(value);
        pax.write('\n');
    }

    /** seconds + nanos/1e9 as a decimal: before 1970, -1 s + 500000000 ns is "-0.500000000" (not "-1.500000000"). */
    static String mtime(long seconds, int nanos) {
        if (nanos == 0) {
            return Long.toString(seconds);
        }
        boolean negative = seconds < 0;
        long whole = negative ? -(seconds + 1) : seconds;
        int fraction = negative ? 1_000_000_000 - nanos : nanos;
        return (negative ? "-" : "") + whole + "." + Integer.toString(1_000_000_000 + fraction).substring(1);
    }

    private static byte[] lastName(byte[] path) {
        int end = path.length;
        while (end > 1 && path[end - 1] == '/') {
            end--;
        }
        int start = end;
        while (start > 0 && path[start - 1] != '/') {
            start--;
        }
        return Arrays.copyOfRange(path, start, Math.min(end, start + 80));
    }

    private static boolean isUtf8(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static void octal(byte[] b, int at, int width, long value) {
        String s = Long.toOctalString(value);
        byte[] digits = ascii(s);
        int pad = width - 1 - digits.length;
        for (int i = 0; i < pad; i++) {
            b[at + i] = '0';
        }
        System.arraycopy(digits, 0, b, at + pad, digits.length);
        b[at + width - 1] = 0;
    }

    private static void put(byte[] b, int at, int width, byte[] value) {
        System.arraycopy(value, 0, b, at, Math.min(width, value.length));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
