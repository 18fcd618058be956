package io.overlay4j;

import io.overlay4j.testing.Layout;
import org.junit.jupiter.api.Test;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One superblock held detached and attached where it is needed. */
class DetachedIT extends MountTestBase {
    Overlay withUpper(MountStrategy s) throws Exception {
        return Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work).strategy(s).build();
    }

    @Test
    void oneUpperdirAttachedAtTwoTargetsIsOneOverlay() throws Exception {
        for (MountStrategy s : MountStrategy.supported()) {
            if (s == MountStrategy.LEGACY) {
                continue;
            }
            Path second = Files.createDirectories(tmp.resolve("second-" + s));
            Overlay ov = withUpper(s);
            try (DetachedOverlay detached = ov.detached();
                    OverlayMount a = detached.attach(l.merged);
                    OverlayMount b = detached.attach(second)) {
                Layout.write(a.target().resolve("written-" + s), "through a");
                assertEquals("through a", Layout.read(b.target().resolve("written-" + s)), s.toString());
                assertEquals("lower1", Layout.read(b.target().resolve("same.txt")));
                assertTrue(Files.exists(l.upper.resolve("written-" + s)));
                // The detached overlay holds its upperdir: no other overlay may use it meanwhile.
                Path third = Files.createDirectories(tmp.resolve("third-" + s));
                FileSystemException e = assertThrows(FileSystemException.class, () -> withUpper(s).mount(third));
                assertEquals("EBUSY", ((ErrnoException) e).errnoName());
                assertTrue(e.getMessage().contains("a detached overlay of this process"), e.getMessage());
                // Closing one attachment leaves the other.
                a.close();
                assertFalse(Mounts.isMountPoint(l.merged));
                assertEquals("through a", Layout.read(second.resolve("written-" + s)));
            }
            assertFalse(Mounts.isMountPoint(second));
            // All closed: the upperdir is free again.
            withUpper(s).mount(l.merged).close();
        }
    }

    @Test
    void attachmentsOutliveTheDetachedOverlayUntilTheyAreClosed() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work).build();
        DetachedOverlay detached = ov.detached();
        OverlayMount m = detached.attach(l.merged);
        detached.close();
        detached.close();
        assertThrows(IllegalStateException.class, () -> detached.attach(tmp.resolve("elsewhere")));
        assertEquals("lower1", Layout.read(l.merged.resolve("same.txt")));
        Path other = Files.createDirectories(tmp.resolve("other"));
        assertThrows(FileSystemException.class, () -> ov.mount(other), "still held by the attachment");
        m.close();
        ov.mount(other).close();
    }

    @Test
    void theLegacyStrategyCannotHoldAnOverlayDetached() throws Exception {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).strategy(MountStrategy.LEGACY).build();
        FileSystemException e = assertThrows(FileSystemException.class, ov::detached);
        assertTrue(e.getMessage().contains("the LEGACY strategy (mount(2)) cannot hold an overlay detached"),
                e.getMessage());
        ov.mount(l.merged).close(); // and nothing was left claimed
    }

    /**
     * An attachment dropped without close() and then unmounted behind its back (as the leak
     * warning advises) no longer holds its detached overlay's layers once that is closed.
     */
    @Test
    void aLeakedAttachmentUnmountedElsewhereFreesTheLayersWhenTheDetachedOverlayCloses() throws Exception {
        MountStrategy s = MountStrategy.supported().get(0);
        org.junit.jupiter.api.Assumptions.assumeTrue(s != MountStrategy.LEGACY, "SKIPPED: no new mount API here");
        DetachedOverlay detached = withUpper(s).detached();
        attachAndDrop(detached, l.merged);
        Mounts.unmount(l.merged);
        detached.close();
        Path other = Files.createDirectory(tmp.resolve("other"));
        boolean freed = false;
        for (int i = 0; i < 50 && !freed; i++) {
            System.gc();
            Thread.sleep(20);
            try {
                withUpper(s).mount(other).close(); // the registry notices the collected attachment first
                freed = true;
            } catch (FileSystemException e) {
                assertTrue(e.getMessage().contains("in use by a detached overlay"), e.getMessage());
            }
        }
        assertTrue(freed, "the layers stayed claimed: " + detached);
    }

    private static void attachAndDrop(DetachedOverlay detached, Path target) throws Exception {
        detached.attach(target);
    }
}
