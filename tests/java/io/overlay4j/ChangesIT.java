package io.overlay4j;

import io.overlay4j.Change.Kind;
import io.overlay4j.testing.Layout;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an upper directory changed: real mounts make each change, changes() and the export must say so. */
class ChangesIT extends MountTestBase {
    private Overlay overlay(String... options) throws IOException {
        Overlay.Builder b = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work);
        for (String o : options) {
            String[] kv = o.split("=", 2);
            if (kv.length == 2) {
                b.option(kv[0], kv[1]);
            } else {
                b.option(kv[0]);
            }
        }
        return b.build();
    }

    private static List<String> lines(Overlay ov) throws IOException {
        return ov.changes().stream().map(Change::toString).collect(Collectors.toList());
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", command));
    }

    @Test
    void addModifyDeleteAndTheDirectoryAboveACopyUpIsNoChange() throws Exception {
        Files.createDirectories(l.lower2.resolve("d/e"));
        Layout.write(l.lower2.resolve("d/e/x"), "x");
        Overlay ov = overlay();
        try (OverlayMount m = ov.mount(l.merged)) {
            Path t = m.target();
            Layout.write(t.resolve("new.txt"), "new");
            Files.write(t.resolve("same.txt"), "+".getBytes(StandardCharsets.UTF_8),
                    java.nio.file.StandardOpenOption.APPEND);
            Files.delete(t.resolve("doomed.txt"));
            Files.createDirectories(t.resolve("newdir/sub"));
            Layout.write(t.resolve("newdir/sub/f"), "f");
            Layout.write(t.resolve("d/e/x"), "copied up");
            Files.createSymbolicLink(t.resolve("link"), Paths.get("same.txt"));
            Files.createLink(t.resolve("hard"), t.resolve("new.txt"));
            sh("mknod", t.resolve("null").toString(), "c", "1", "3");
            sh("mkfifo", t.resolve("fifo").toString());
        }
        assertEquals(Arrays.asList("C d/e/x", "D doomed.txt", "A fifo", "A hard", "A link", "A new.txt", "A newdir",
                "A newdir/sub", "A newdir/sub/f", "A null", "C same.txt"), lines(ov));
        // Reading only: the same answer again, unmounted, and nothing written.
        assertEquals(lines(ov), lines(ov));
    }

    @Test
    void aDirectoryRemovedAndMadeAgainIsOpaqueAndItsOwnMetadataIsAChange() throws Exception {
        Files.createDirectories(l.lower1.resolve("dir/old"));
        Layout.write(l.lower1.resolve("dir/a"), "a");
        Files.createDirectories(l.lower2.resolve("perm"));
        Overlay ov = overlay();
        try (OverlayMount m = ov.mount(l.merged)) {
            sh("rm", "-r", m.target().resolve("dir").toString());
            Files.createDirectory(m.target().resolve("dir"));
            Layout.write(m.target().resolve("dir/a"), "again");
            sh("chmod", "700", m.target().resolve("perm").toString());
        }
        List<Change> changes = ov.changes();
        assertEquals(Arrays.asList(new Change(Paths.get("dir"), Kind.MODIFIED, true),
                new Change(Paths.get("dir/a"), Kind.MODIFIED, false),
                new Change(Paths.get("perm"), Kind.MODIFIED, false)), changes);
        List<String> names = tarNames(ov);
        assertTrue(names.contains("dir/.wh..wh..opq"), names.toString());
        assertTrue(!names.contains("dir/.wh.old"), names.toString());
    }

    @Test
    void aRenamedDirectoryIsDeletedAtItsOldPathAndAddedWithAllItHoldsAtTheNew() throws Exception {
        Files.createDirectories(l.lower2.resolve("old/sub"));
        Layout.write(l.lower2.resolve("old/f"), "f");
        Layout.write(l.lower2.resolve("old/sub/g"), "g");
        Overlay ov = overlay("redirect_dir=on");
        try (OverlayMount m = ov.mount(l.merged)) {
            Files.move(m.target().resolve("old"), m.target().resolve("new"));
            Files.move(m.target().resolve("new/sub"), m.target().resolve("new/sub2"));
        }
        assertTrue(new String(xattr(l.upper.resolve("new"), "trusted.overlay.redirect"), StandardCharsets.UTF_8)
                .endsWith("old"), "the kernel renamed with a redirect");
        assertEquals(Arrays.asList("A new", "A new/f", "A new/sub2", "A new/sub2/g", "D old"), lines(ov));
    }

    @Test
    void aMetacopyFileIsModifiedAndExportedWithItsLowerData() throws Exception {
        Overlay ov = overlay("metacopy=on", "redirect_dir=on");
        try (OverlayMount m = ov.mount(l.merged)) {
            sh("chmod", "600", m.target().resolve("only2.txt").toString());
        }
        assertTrue(xattr(l.upper.resolve("only2.txt"), "trusted.overlay.metacopy") != null, "a metacopy copy-up");
        assertEquals(Collections.singletonList("C only2.txt"), lines(ov));
        Path unpacked = unpack(ov);
        assertEquals("two", Layout.read(unpacked.resolve("only2.txt")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(unpacked.resolve("only2.txt"))));
    }

    @Test
    void aMetacopyFileRenamedToANewPathIsAdded() throws Exception {
        Overlay ov = overlay("metacopy=on", "redirect_dir=on");
        try (OverlayMount m = ov.mount(l.merged)) {
            sh("chmod", "600", m.target().resolve("only2.txt").toString());
            Files.move(m.target().resolve("only2.txt"), m.target().resolve("moved.txt"));
        }
        assertTrue(xattr(l.upper.resolve("moved.txt"), "trusted.overlay.metacopy") != null, "a metacopy copy-up");
        assertEquals(Arrays.asList("A moved.txt", "D only2.txt"), lines(ov));
        assertEquals("two", Layout.read(unpack(ov).resolve("moved.txt")));
    }

    /**
     * A lower layer that was an upper, with its renames: a directory renamed there merges the
     * directory of its old path below, and a metacopy file renamed there has its data at its old path.
     */
    @Test
    void aLowerThatWasAnUpperIsReadWithItsRedirects() throws Exception {
        Files.createDirectories(l.lower2.resolve("dir"));
        Layout.write(l.lower2.resolve("dir/g"), "data of g");
        Layout.write(l.lower2.resolve("dir/h"), "h");
        Layout.write(l.lower2.resolve("f"), "data of f");
        Overlay stage = Overlay.builder().lowerdirs(l.lower2).upperdir(l.lower1)
                .workdir(Files.createDirectory(tmp.resolve("stagework"))).option("metacopy", "on")
                .option("redirect_dir", "on").build();
        try (OverlayMount m = stage.mount(l.merged)) {
            sh("chmod", "600", m.target().resolve("f").toString());
            Files.move(m.target().resolve("f"), m.target().resolve("f1"));
            sh("chmod", "640", m.target().resolve("dir/g").toString());
            Files.move(m.target().resolve("dir"), m.target().resolve("dir1"));
        }
        Overlay ov = overlay("metacopy=on", "redirect_dir=on");
        try (OverlayMount m = ov.mount(l.merged)) {
            Layout.write(m.target().resolve("dir1/h"), "changed");
            sh("chmod", "604", m.target().resolve("dir1/g").toString());
            sh("chmod", "606", m.target().resolve("f1").toString());
            Files.move(m.target().resolve("f1"), m.target().resolve("f2"));
        }
        assertEquals(Arrays.asList("C dir1/g", "C dir1/h", "D f1", "A f2"), lines(ov));
        Path unpacked = unpack(ov);
        assertEquals("data of g", Layout.read(unpacked.resolve("dir1/g")));
        assertEquals("data of f", Layout.read(unpacked.resolve("f2")));
    }

    @Test
    void aDirectoryRenamedAwayAndBackIsNoChange() throws Exception {
        Files.createDirectories(l.lower2.resolve("old"));
        Layout.write(l.lower2.resolve("old/f"), "f");
        Overlay ov = overlay("redirect_dir=on");
        try (OverlayMount m = ov.mount(l.merged)) {
            Files.move(m.target().resolve("old"), m.target().resolve("new"));
            Files.move(m.target().resolve("new"), m.target().resolve("old"));
        }
        assertTrue(xattr(l.upper.resolve("old"), "trusted.overlay.redirect") != null, "the kernel kept a redirect");
        assertEquals(Collections.emptyList(), lines(ov));
    }

    /** Linux 6.7+ keeps an overlay file's own xattr of overlayfs's namespace escaped in the upper. */
    @Test
    void anEscapedXattrIsExportedUnderTheNameTheOverlayShows() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .userxattr(true).build();
        try (OverlayMount m = ov.mount(l.merged)) {
            Layout.write(m.target().resolve("new"), "n");
            try {
                setXattr(m.target().resolve("new"), "user.overlay.nested", "v");
            } catch (FileSystemException e) {
                org.junit.jupiter.api.Assumptions.assumeTrue(false, "SKIPPED: no xattr escaping before Linux 6.7");
            }
        }
        assertTrue(xattr(l.upper.resolve("new"), "user.overlay.overlay.nested") != null, "stored escaped");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ov.exportChanges(out);
        String tar = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        assertTrue(tar.contains(" SCHILY.xattr.user.overlay.nested=v\n"), "exported as the overlay shows it");
        assertTrue(!tar.contains("user.overlay.overlay."), "not under the escaped name");
    }

    /** As deep as PATH_MAX lets the C core's paths be: 2000 levels, more than a default stack holds. */
    @Test
    void aTreeAsDeepAsPathMaxIsWalked() throws Exception {
        int levels = (4095 - l.upper.toString().length() - 1) / 2;
        // Made and removed by the shell, one level at a time: Java's recursive file walks are slow this deep.
        sh("sh", "-c", "cd \"$0\" && for i in $(seq " + levels + "); do mkdir d && cd d || exit 1; done", l.upper.toString());
        try {
            List<Change> changes = overlay().changes();
            assertEquals(levels, changes.size());
            assertEquals(levels * 2 - 1, io.overlay4j.internal.PathBytes.of(changes.get(levels - 1).path()).length);
            // Walked on the caller's thread: the stream sees no other writer.
            Thread caller = Thread.currentThread();
            overlay().exportChanges(new ByteArrayOutputStream() {
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    assertEquals(caller, Thread.currentThread());
                    super.write(b, off, len);
                }
            });
        } finally {
            sh("rm", "-rf", l.upper.resolve("d").toString());
        }
    }

    @Test
    void aWhiteoutWithNothingBeneathIsNoChange() throws Exception {
        sh("mknod", l.upper.resolve("ghost").toString(), "c", "0", "0");
        sh("mknod", l.upper.resolve("doomed.txt").toString(), "c", "0", "0");
        assertEquals(Collections.singletonList("D doomed.txt"), lines(overlay()));
    }

    /**
     * userxattr: overlayfs's marks in user.overlay.*, here written by hand, among them xattr
     * whiteouts in a lower layer, which the kernel looks up as whiteouts.
     */
    @Test
    void userxattrOverlaysAreReadInTheUserNamespaceWithXattrWhiteouts() throws Exception {
        Files.createDirectories(l.lower2.resolve("d"));
        Layout.write(l.lower2.resolve("d/hidden"), "h");
        Files.createDirectories(l.lower1.resolve("d"));
        Files.createFile(l.lower1.resolve("d/hidden"));
        setXattr(l.lower1.resolve("d/hidden"), "user.overlay.whiteout", "");
        setXattr(l.lower1.resolve("d"), "user.overlay.opaque", "x");
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .userxattr(true).build();
        try (OverlayMount m = ov.mount(l.merged)) {
            assertTrue(!Files.exists(m.target().resolve("d/hidden"), LinkOption.NOFOLLOW_LINKS),
                    "the kernel takes the xattr whiteout for one");
            Layout.write(m.target().resolve("d/hidden"), "new");
            Files.delete(m.target().resolve("same.txt"));
        }
        assertTrue(xattr(l.upper.resolve("d/hidden"), "trusted.overlay.origin") == null);
        assertEquals(Arrays.asList("A d/hidden", "D same.txt"), lines(ov));
        // Read as a trusted.overlay.* overlay, the upper is refused rather than misread.
        Files.createDirectories(l.upper.resolve("o"));
        setXattr(l.upper.resolve("o"), "user.overlay.opaque", "y");
        FileSystemException e = assertThrows(FileSystemException.class, () -> overlay().changes());
        assertEquals("EINVAL", ((ErrnoException) e).errnoName());
        assertTrue(e.getMessage().contains("written by an overlay with the userxattr option"), e.getMessage());
    }

    @Test
    void anOverlayWithoutUpperdirOrWithAnUnreadableUpperIsRefused() throws Exception {
        Overlay readOnly = Overlay.builder().lowerdirs(l.lower1, l.lower2).build();
        FileSystemException e = assertThrows(FileSystemException.class, readOnly::changes);
        assertEquals("EINVAL", ((ErrnoException) e).errnoName());
        Overlay ov = overlay();
        Files.delete(l.upper);
        assertThrows(java.nio.file.NoSuchFileException.class, ov::changes);
        Files.createDirectory(l.upper);
        Files.createDirectories(l.upper.resolve("locked/in"));
        Files.setPosixFilePermissions(l.upper.resolve("locked"), Collections.emptySet());
        // As nobody: the directory cannot be opened (root would read it whatever its mode).
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"),
                UnreadableProbe.class.getName(), l.lower1.toString(), l.lower2.toString(), l.upper.toString())
                .redirectErrorStream(true).start();
        String out = new String(readAll(p.getInputStream()), StandardCharsets.UTF_8);
        p.waitFor();
        org.junit.jupiter.api.Assumptions.assumeFalse(out.contains("cannot run: "),
                "SKIPPED: the probe cannot run as nobody here: " + out);
        assertTrue(out.startsWith("AccessDeniedException") && out.contains("EACCES") && out.contains("locked"), out);
    }

    /** Runs changes() of a userxattr overlay and prints the exception's class and message. */
    public static final class UnreadableProbe {
        public static void main(String[] args) {
            try {
                Overlay ov = Overlay.builder().lowerdirs(Paths.get(args[0]), Paths.get(args[1]))
                        .upperdir(Paths.get(args[2])).userxattr(true).build();
                System.out.println(ov.changes());
            } catch (AccessDeniedException e) {
                System.out.println("AccessDeniedException " + e.getMessage());
            } catch (Throwable e) {
                System.out.println("cannot run: " + e);
            }
        }
    }

    /**
     * The differential check: the export applied with its whiteouts (GNU tar, the OCI rules done
     * here) onto a copy of the lowers is the tree the mounted overlay showed, byte for byte.
     */
    @Test
    void theExportAppliedToTheLowersIsTheMountedTree() throws Exception {
        Files.createDirectories(l.lower2.resolve("old/sub"));
        Layout.write(l.lower2.resolve("old/f"), "f");
        Layout.write(l.lower2.resolve("old/sub/g"), "g");
        Files.createDirectories(l.lower1.resolve("gone/deep"));
        Layout.write(l.lower1.resolve("gone/deep/x"), "x");
        Files.createDirectories(l.lower1.resolve("remade/inner"));
        Layout.write(l.lower1.resolve("remade/inner/y"), "y");
        Layout.write(l.lower2.resolve("meta"), "lower data of meta");
        Layout.write(l.lower2.resolve("owned"), "owned");
        Overlay ov = overlay("redirect_dir=on", "metacopy=on");
        Map<String, String> mounted;
        try (OverlayMount m = ov.mount(l.merged)) {
            Path t = m.target();
            Files.move(t.resolve("old"), t.resolve("new"));
            Layout.write(t.resolve("new/added-in-renamed"), "a");
            sh("rm", "-r", t.resolve("gone").toString(), t.resolve("remade").toString());
            Files.createDirectories(t.resolve("remade/fresh"));
            Layout.write(t.resolve("remade/fresh/z"), "z");
            sh("chmod", "640", t.resolve("meta").toString());
            sh("chown", "1234:5678", t.resolve("owned").toString());
            Layout.write(t.resolve("same.txt"), "rewritten");
            setXattr(t.resolve("same.txt"), "user.foo", "bar\u0000baz");
            Layout.write(t.resolve("with-xattr"), "w");
            setXattr(t.resolve("with-xattr"), "user.k", "v");
            Files.createLink(t.resolve("hard2"), t.resolve("with-xattr"));
            Files.createSymbolicLink(t.resolve("sym"), Paths.get("../elsewhere/" + repeat("n", 150)));
            sh("mknod", t.resolve("blk").toString(), "b", "7", "200");
            sh("mknod", t.resolve("chr").toString(), "c", "1", "3");
            Path longDir = t.resolve(repeat("long", 30));
            Files.createDirectories(longDir);
            Layout.write(longDir.resolve(repeat("name", 30)), "long");
            Files.setLastModifiedTime(t.resolve("with-xattr"), FileTime.from(java.time.Instant.ofEpochSecond(
                    1_600_000_000L, 123_456_789)));
            mounted = tree(t);
        }
        Path base = Files.createDirectories(tmp.resolve("applied"));
        sh("cp", "-a", l.lower2 + "/.", base.toString());
        sh("cp", "-a", l.lower1 + "/.", base.toString());
        Path layer = tmp.resolve("layer.tar");
        try (java.io.OutputStream out = Files.newOutputStream(layer)) {
            ov.exportChanges(out);
        }
        apply(layer, base);
        Map<String, String> applied = tree(base);
        assertEquals(mounted.keySet(), applied.keySet());
        for (String path : mounted.keySet()) {
            assertEquals(mounted.get(path), applied.get(path), path);
        }
    }

    /** OCI's rules for one layer: whiteouts and opaque markers first, then the rest extracted by GNU tar. */
    private static void apply(Path layer, Path base) throws Exception {
        Process list = new ProcessBuilder("tar", "-tf", layer.toString()).start();
        List<String> names = new ArrayList<>(Arrays.asList(new String(readAll(list.getInputStream()),
                StandardCharsets.ISO_8859_1).split("\n")));
        assertEquals(0, list.waitFor());
        for (String name : names) {
            Path p = Paths.get(name);
            String last = p.getFileName().toString();
            Path dir = p.getParent() == null ? base : base.resolve(p.getParent().toString());
            if (last.equals(".wh..wh..opq")) {
                try (Stream<Path> children = Files.list(dir)) {
                    for (Path c : children.collect(Collectors.toList())) {
                        sh("rm", "-rf", c.toString());
                    }
                }
            } else if (last.startsWith(".wh.")) {
                sh("rm", "-rf", dir.resolve(last.substring(4)).toString());
            }
        }
        sh("tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "--same-permissions", "--same-owner",
                "--exclude=.wh.*", "-xf", layer.toString(), "-C", base.toString());
    }

    /** Every path under root: type, mode, owner, content, link target, device, user.* xattrs; mtime of non-directories; hard links. */
    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        Map<String, String> inodes = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.collect(Collectors.toList())) {
                if (p.equals(root)) {
                    continue;
                }
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                StringBuilder s = new StringBuilder();
                int mode = (Integer) a.get("mode");
                s.append(Integer.toOctalString(mode)).append(' ').append(a.get("uid")).append(':')
                        .append(a.get("gid"));
                if (Files.isSymbolicLink(p)) {
                    s.append(" -> ").append(Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    s.append(" [").append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)).append(']');
                } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    s.append(" rdev ").append(a.get("rdev"));
                }
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
                    s.append(" mtime ").append(((FileTime) a.get("lastModifiedTime")).toInstant());
                }
                if (!Files.isSymbolicLink(p)) {
                    UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS);
                    for (String n : new java.util.TreeSet<>(v.list())) {
                        ByteBuffer b = ByteBuffer.allocate(v.size(n));
                        v.read(n, b);
                        s.append(" user.").append(n).append('=')
                                .append(new String(b.array(), StandardCharsets.ISO_8859_1));
                    }
                }
                String rel = root.relativize(p).toString();
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && (Integer) a.get("nlink") > 1) {
                    String key = a.get("dev") + ":" + a.get("ino");
                    inodes.merge(key, rel, (x, y) -> x + "," + y);
                }
                tree.put(rel, s.toString());
            }
        }
        for (String group : inodes.values()) {
            for (String member : group.split(",")) {
                tree.put(member, tree.get(member) + " links " + group);
            }
        }
        return tree;
    }

    private List<String> tarNames(Overlay ov) throws Exception {
        Path layer = tmp.resolve("names.tar");
        try (java.io.OutputStream out = Files.newOutputStream(layer)) {
            ov.exportChanges(out);
        }
        Process list = new ProcessBuilder("tar", "-tf", layer.toString()).start();
        List<String> names = Arrays.asList(new String(readAll(list.getInputStream()), StandardCharsets.UTF_8)
                .split("\n"));
        assertEquals(0, list.waitFor());
        return names;
    }

    private Path unpack(Overlay ov) throws Exception {
        Path layer = tmp.resolve("unpack.tar");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ov.exportChanges(out);
        Files.write(layer, out.toByteArray());
        Path dir = Files.createDirectories(tmp.resolve("unpacked"));
        sh("tar", "-xpf", layer.toString(), "-C", dir.toString());
        return dir;
    }

    private static byte[] xattr(Path p, String name) throws Exception {
        return io.overlay4j.internal.Xattrs.get(p, name);
    }

    private static void setXattr(Path p, String name, String value) throws IOException {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .write(name.substring("user.".length()), ByteBuffer.wrap(value.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static byte[] readAll(java.io.InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int n; (n = in.read(b)) > 0;) {
            out.write(b, 0, n);
        }
        return out.toByteArray();
    }

    private static String repeat(String s, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(s);
        }
        return b.toString();
    }
}
