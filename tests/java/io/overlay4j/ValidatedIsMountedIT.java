package io.overlay4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;

import static io.overlay4j.testing.Layout.read;
import static io.overlay4j.testing.Layout.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What build() validated is what mount() mounts: swaps, and directories of another mount namespace. */
class ValidatedIsMountedIT extends MountTestBase {
    @ParameterizedTest
    @MethodSource("strategies")
    void aDirectoryRenamedIntoALayersPlaceIsRefused(MountStrategy strategy) throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .strategy(strategy).build();
        for (Path layer : new Path[] {l.lower2, l.upper, l.work}) {
            Path aside = layer.resolveSibling(layer.getFileName() + ".validated");
            Path impostor = Files.createDirectory(tmp.resolve("impostor"));
            write(impostor.resolve("only2.txt"), "impostor");
            Files.move(layer, aside);
            Files.move(impostor, layer);
            try {
                FileSystemException e = assertThrows(FileSystemException.class, () -> ov.mount(l.merged));
                ErrnoException errno = (ErrnoException) e;
                assertEquals("ESTALE", errno.errnoName(), e.getMessage());
                String role = layer == l.lower2 ? "lowerdir 2" : layer == l.upper ? "upperdir" : "workdir";
                assertTrue(e.getMessage().contains(role + " is no longer the directory that was validated"),
                        e.getMessage());
                assertEquals(layer.toString(), e.getFile());
                assertFalse(Mounts.isMountPoint(l.merged), "nothing mounted");
                try (Stream<Path> s = Files.list(layer)) {
                    assertEquals(1, s.count(), "nothing created in the impostor");
                }
            } finally {
                Files.move(layer, tmp.resolve("impostor"));
                Files.move(aside, layer);
                deleteTree(tmp.resolve("impostor"));
            }
        }
        try (OverlayMount m = ov.mount(l.merged)) {
            assertEquals("two", read(l.merged.resolve("only2.txt")), "the validated layers mount again");
        }
    }

    @Test
    void aDirectoryOfAnotherMountNamespaceIsRefusedNotReplaced() throws Exception {
        // In this namespace, ns/inner is a decoy; in the child's, a tmpfs covers ns and has its own inner.
        Path ns = Files.createDirectory(tmp.resolve("ns"));
        Path decoy = Files.createDirectory(ns.resolve("inner"));
        write(decoy.resolve("f"), "decoy");
        Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs ns \"$0\" && mkdir \"$0/inner\" && printf theirs > \"$0/inner/f\" && echo $$ && exec sleep 60",
                ns.toString()).redirectErrorStream(true).start();
        try {
            String pid = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Path theirs = Paths.get("/proc/" + pid + "/root" + ns + "/inner");
            assertEquals("theirs", read(theirs.resolve("f")), "the child's namespace is set up: " + pid);
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> Overlay.builder().lowerdirs(theirs, l.lower2).build());
            assertEquals("EXDEV", ((ErrnoException) e).errnoName(), e.getMessage());
            assertTrue(e.getMessage().contains("lowerdir 1 " + theirs + " is not reachable here by its own name"),
                    e.getMessage());
            Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).build();
            e = assertThrows(FileSystemException.class, () -> ov.mount(theirs));
            assertEquals("EXDEV", ((ErrnoException) e).errnoName(), e.getMessage());
            assertFalse(Mounts.isMountPoint(decoy), "the decoy of the same name was not mounted on");
        } finally {
            child.destroy();
            child.waitFor();
        }
        // The same namespace through /proc/self/root is the directory itself.
        Overlay ov = Overlay.builder().lowerdirs(Paths.get("/proc/self/root" + l.lower1), l.lower2).build();
        assertEquals(l.lower1.toRealPath(), ov.lowerdirs().get(0));
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : (Iterable<Path>) s::iterator) {
                    deleteTree(c);
                }
            }
        }
        Files.deleteIfExists(p);
    }
}
