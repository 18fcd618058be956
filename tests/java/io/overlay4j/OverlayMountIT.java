package io.overlay4j;

import io.overlay4j.testing.Layout;
import io.overlay4j.testing.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static io.overlay4j.testing.Layout.read;
import static io.overlay4j.testing.Layout.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed walkthrough and its neighbours, with real mounts, on every strategy the kernel supports. */
class OverlayMountIT extends MountTestBase {
    @ParameterizedTest
    @MethodSource("strategies")
    void seedScenario(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .strategy(strategy).build();
        try (OverlayMount m = ov.mount(l.merged)) {
            assertEquals(l.merged.toRealPath(), m.target());
            assertEquals("lower1", read(l.merged.resolve("same.txt")), "the earlier lowerdir wins");
            assertEquals("two", read(l.merged.resolve("only2.txt")));

            write(l.merged.resolve("new.txt"), "fresh");
            assertEquals("fresh", read(l.upper.resolve("new.txt")), "new files land in upper");

            write(l.merged.resolve("only2.txt"), "changed");
            assertEquals("changed", read(l.upper.resolve("only2.txt")), "modified lower file is copied up");
            assertEquals("two", read(l.lower2.resolve("only2.txt")), "the lower layer is untouched");

            Files.delete(l.merged.resolve("doomed.txt"));
            assertFalse(Files.exists(l.merged.resolve("doomed.txt")));
            assertTrue(Files.exists(l.lower1.resolve("doomed.txt")));
            assertWhiteout(l.upper.resolve("doomed.txt"));
        }
        assertFalse(Files.exists(l.merged.resolve("same.txt")), "close() unmounted");
    }

    static void assertWhiteout(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        assertTrue(Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).isOther(), "whiteout is a device node");
        assertEquals(0020000, (Integer) a.get("mode") & 0170000, "whiteout is a character device");
        assertEquals(0L, a.get("rdev"), "whiteout is device 0/0");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void relativeAndSymlinkedPathsAreCanonicalized(MountStrategy strategy) throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link-to-lower1"), l.lower1);
        Path cwd = Paths.get("").toAbsolutePath();
        Path relativeLower2 = cwd.relativize(l.lower2);
        Overlay ov = Overlay.builder().lowerdirs(link, relativeLower2).upperdir(l.upper).workdir(l.work)
                .strategy(strategy).build();
        assertEquals(l.lower1.toRealPath(), ov.lowerdirs().get(0));
        assertEquals(l.lower2.toRealPath(), ov.lowerdirs().get(1));
        assertTrue(ov.lowerdirs().get(1).isAbsolute());
        try (OverlayMount m = ov.mount(cwd.relativize(l.merged))) {
            assertEquals("lower1", read(m.target().resolve("same.txt")));
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void readOnlyOverlayOfTwoLowers(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).strategy(strategy).build();
        try (OverlayMount m = ov.mount(l.merged)) {
            assertEquals("lower1", read(l.merged.resolve("same.txt")));
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> write(l.merged.resolve("x.txt"), "no"));
            assertTrue(e.getMessage().contains("Read-only"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void readOnlyFlagWithUpperWritesNothing(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .readOnly().strategy(strategy).build();
        try (OverlayMount m = ov.mount(l.merged)) {
            assertThrows(FileSystemException.class, () -> write(l.merged.resolve("x.txt"), "no"));
        }
        try (java.util.stream.Stream<Path> s = Files.list(l.upper)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void closeAfterAnUnmountByPathRemovesNothingElse() throws IOException {
        OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        Mounts.unmount(l.merged);
        assertFalse(Files.exists(l.merged.resolve("same.txt")));
        assertTrue(m.isMounted(), "the OverlayMount object was not told");
        m.close(); // nothing of ours is left there, and nothing else is touched
        assertFalse(m.isMounted());
        // The target is free for a new overlay4j mount.
        Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged).close();
    }

    /** A prepared overlay remembers its target; what the name leads to now is what it mounts on. */
    @Test
    void aRememberedTargetReplacedOrCoveredSinceIsResolvedAfresh() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).build();
        Path target = l.merged.toRealPath();
        ov.mount(target).close();
        Files.delete(target);
        Files.createDirectory(target); // another inode under the same name
        try (OverlayMount m = ov.mount(target)) {
            assertEquals("lower1", read(target.resolve("same.txt")));
            assertEquals(m.mountId(), Mounts.overlays().stream().filter(i -> i.target().equals(target))
                    .findFirst().orElseThrow(AssertionError::new).mountId());
        }
        Processes.succeed("mount", "-t", "tmpfs", "covering", target.toString()); // another mount there
        try {
            try (OverlayMount m = ov.mount(target)) {
                assertEquals("lower1", read(target.resolve("same.txt")), "on top of the tmpfs");
            }
        } finally {
            Processes.succeed("umount", target.toString());
        }
        Files.delete(target);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ov.mount(target));
        assertTrue(e.getMessage().contains("target " + target + " does not exist"), e.getMessage());
    }

    @Test
    void aSecondOverlay4jMountOnOneTargetIsRefused() throws IOException {
        try (OverlayMount first = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged)) {
            Overlay other = Overlay.builder().lowerdirs(l.lower2, l.lower1).build();
            FileSystemException e = assertThrows(FileSystemException.class, () -> other.mount(l.merged));
            assertEquals("EBUSY", ((ErrnoException) e).errnoName());
            assertTrue(e.getMessage().contains("already holds the overlay4j mount of this process on " + first.target()
                    + " (mount ID " + first.mountId() + ")"), e.getMessage());
            assertEquals(1, Mounts.overlays().stream().filter(i -> i.target().equals(first.target())).count());
            assertEquals("lower1", read(l.merged.resolve("same.txt")), "the first mount is still the one there");
        }
    }

    @Test
    void closeLeavesAMountThatCoversItsOwnAlone() throws Exception {
        OverlayMount ours = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        Processes.succeed("mount", "-t", "tmpfs", "covering", l.merged.toString());
        try {
            FileSystemException e = assertThrows(FileSystemException.class, ours::close);
            assertEquals("EBUSY", ((ErrnoException) e).errnoName());
            assertTrue(e.getMessage().contains("now covers this overlay (ID " + ours.mountId() + ")"), e.getMessage());
            assertTrue(ours.isMounted());
        } finally {
            Processes.succeed("umount", l.merged.toString());
        }
        ours.close();
        assertFalse(Mounts.isMountPoint(l.merged));
    }

    @Test
    void closeIsIdempotent() throws IOException {
        OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        m.close();
        m.close();
        m.unmount(UnmountOption.DETACH);
        assertFalse(m.isMounted());
    }

    @Test
    void missingLowerdirIsNamed() throws IOException {
        Path missing = tmp.resolve("no-such-layer");
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> Overlay.builder().lowerdirs(l.lower1, missing).upperdir(l.upper).workdir(l.work).build());
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertEquals(missing.toString(), e.getFile());
        assertEquals("ENOENT", ((ErrnoException) e).errnoName());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void layerRemovedAfterBuildIsReportedByTheKernel(MountStrategy strategy) throws IOException {
        Path gone = Files.createDirectory(tmp.resolve("gone"));
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, gone).upperdir(l.upper).workdir(l.work)
                .strategy(strategy).build();
        Files.delete(gone);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> ov.mount(l.merged));
        ErrnoException errno = (ErrnoException) e;
        assertEquals("ENOENT", errno.errnoName());
        assertTrue(e.getMessage().contains("(ENOENT, errno "), e.getMessage());
        assertTrue(e.getMessage().startsWith("mount overlay on " + l.merged.toRealPath() + " failed"),
                e.getMessage());
    }

    @Test
    void unmountOfNonMountPointIsEinval() {
        FileSystemException e = assertThrows(FileSystemException.class, () -> Mounts.unmount(l.lower1));
        ErrnoException errno = (ErrnoException) e;
        assertEquals("EINVAL", errno.errnoName());
        assertEquals("umount2", errno.operation());
        assertTrue(e.getMessage().contains("not a mount point"), e.getMessage());
        assertTrue(e.getMessage().contains(l.lower1.toString()), e.getMessage());
    }

    @Test
    void busyUnmountThenDetach() throws IOException {
        OverlayMount m = Overlay.builder().lowerdirs(l.lower1, l.lower2).build().mount(l.merged);
        try (java.nio.channels.FileChannel open = java.nio.channels.FileChannel.open(l.merged.resolve("same.txt"))) {
            FileSystemException e = assertThrows(FileSystemException.class, m::close);
            assertEquals("EBUSY", ((ErrnoException) e).errnoName());
            assertTrue(e.getMessage().contains("UnmountOption.DETACH"), e.getMessage());
            assertTrue(m.isMounted(), "a failed unmount can be retried");
            m.unmount(UnmountOption.DETACH);
        }
        assertFalse(m.isMounted());
    }
}
