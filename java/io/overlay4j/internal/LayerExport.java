package io.overlay4j.internal;

import io.overlay4j.Change.Kind;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the changes {@link ChangeWalk} finds as an OCI image layer: a tar in which a deleted
 * path is an empty file {@code .wh.NAME} and an opaque directory holds {@code .wh..wh..opq}.
 * A file whose inode was written already is a hard link to that first name. Sockets are left
 * out, as tar leaves them out. Memory holds one copy buffer and the first name of each inode
 * that has several links, never a file's content.
 */
public final class LayerExport implements ChangeWalk.Sink {
    private static final byte[] WHITEOUT = ".wh.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPAQUE = ".wh..wh..opq".getBytes(StandardCharsets.US_ASCII);
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFIFO = 0010000;

    private final TarWriter tar;
    private final String overlayXattrs;
    /** "dev:ino" of each file with several links written so far, to its name in the archive. */
    private final Map<String, byte[]> linked = new HashMap<>();

    /**
     * @param overlayXattrs the prefix of overlayfs's own xattrs, never exported ("trusted.overlay."); an
     *        escaped one is exported under the name the overlay shows
     */
    public LayerExport(OutputStream out, String overlayXattrs) {
        this.tar = new TarWriter(out);
        this.overlayXattrs = overlayXattrs;
    }

    @Override
    public void change(byte[] path, Kind kind, boolean opaque, LayerEntry e, byte[] data, long size, boolean changed)
            throws IOException {
        if (kind == Kind.DELETED) {
            tar.header(marker(whiteout(path)));
            return;
        }
        TarWriter.Header h = new TarWriter.Header();
        h.name = path;
        h.mode = e.mode;
        h.uid = e.uid;
        h.gid = e.gid;
        h.mtimeSeconds = e.mtimeSeconds;
        h.mtimeNanos = e.mtimeNanos;
        for (String n : e.xattrNames()) {
            String shown = LayerEntry.shownXattr(n, overlayXattrs);
            if (shown != null) {
                h.xattrNames.add(shown);
                h.xattrValues.add(e.xattr(n));
            }
        }
        switch (e.mode & S_IFMT) {
            case S_IFDIR:
                h.type = TarWriter.DIRECTORY;
                h.name = ChangeWalk.join(path, new byte[0]); // "dir/", as tar names directories
                tar.header(h);
                if (opaque) {
                    tar.header(marker(ChangeWalk.join(path, OPAQUE)));
                }
                return;
            case S_IFLNK:
                h.type = TarWriter.SYMLINK;
                h.link = e.link;
                break;
            case S_IFCHR:
            case S_IFBLK:
                h.type = (e.mode & S_IFMT) == S_IFCHR ? TarWriter.CHAR : TarWriter.BLOCK;
                h.devMajor = e.rdevMajor;
                h.devMinor = e.rdevMinor;
                break;
            case S_IFIFO:
                h.type = TarWriter.FIFO;
                break;
            case S_IFREG:
                h.size = size;
                break;
            default:
                return; // a socket: tar has no type for it
        }
        if (e.nlink > 1) {
            byte[] first = linked.putIfAbsent(e.dev + ":" + e.ino, path);
            if (first != null) {
                h.type = TarWriter.HARDLINK;
                h.link = first;
                h.size = 0;
                tar.header(h);
                return;
            }
        }
        tar.header(h);
        if (h.type == TarWriter.REGULAR) {
            try (InputStream in = Files.newInputStream(PathBytes.toPath(data), LinkOption.NOFOLLOW_LINKS)) {
                tar.content(in, size, PathBytes.decode(data));
            }
        }
    }

    /** Ends the archive. */
    public void finish() throws IOException {
        tar.finish();
    }

    /** An empty regular file, mode 0: a whiteout or the opaque marker. */
    private static TarWriter.Header marker(byte[] name) {
        TarWriter.Header h = new TarWriter.Header();
        h.name = name;
        return h;
    }

    /** dir/.wh.name for dir/name. */
    private static byte[] whiteout(byte[] path) {
        int slash = path.length - 1;
        while (slash >= 0 && path[slash] != '/') {
            slash--;
        }
        byte[] p = new byte[path.length + WHITEOUT.length];
        System.arraycopy(path, 0, p, 0, slash + 1);
        System.arraycopy(WHITEOUT, 0, p, slash + 1, WHITEOUT.length);
        System.arraycopy(path, slash + 1, p, slash + 1 + WHITEOUT.length, path.length - slash - 1);
        return p;
    }
}
