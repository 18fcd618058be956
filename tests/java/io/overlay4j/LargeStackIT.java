package io.overlay4j;

import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.overlay4j.testing.Layout.read;
import static io.overlay4j.testing.Layout.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** 500 layers with paths over 200 bytes: more than 100 KB of options, in one mount call. */
@ExtendWith(MountGuard.class)
class LargeStackIT {
    @TempDir
    Path tmp;
    List<Path> layers = new ArrayList<>();
    Path upper;
    Path work;
    Path merged;

    @BeforeEach
    void setUp() throws IOException {
        Root.assume();
        StringBuilder longName = new StringBuilder();
        while (longName.length() < 200) {
            longName.append("long-layer-directory-name-");
        }
        Path base = Files.createDirectory(tmp.resolve(longName.toString()));
        for (int i = 0; i < 500; i++) {
            Path layer = Files.createDirectory(base.resolve(String.format("layer%03d", i)));
            write(layer.resolve("f"), Integer.toString(i));
            write(layer.resolve("only" + i), "");
            layers.add(layer);
        }
        upper = Files.createDirectory(tmp.resolve("upper"));
        work = Files.createDirectory(tmp.resolve("work"));
        merged = Files.createDirectory(tmp.resolve("merged"));
    }

    private Overlay overlay(int n, MountStrategy strategy) throws IOException {
        return Overlay.builder().lowerdirs(layers.subList(0, n)).upperdir(upper).workdir(work).strategy(strategy)
                .build();
    }

    private void assertMountsAndWorks(Overlay ov, int n) throws IOException {
        assertTrue(layers.get(0).toString().getBytes("UTF-8").length > 200);
        try (OverlayMount m = ov.mount(merged)) {
            assertEquals("0", read(merged.resolve("f")), "the top layer wins");
            assertTrue(Files.exists(merged.resolve("only" + (n - 1))), "the bottom layer is there");
            write(merged.resolve("written"), "w");
            assertEquals("w", read(upper.resolve("written")));
            MountInfo info = Mounts.overlays().stream().filter(i -> i.target().equals(m.target())).findFirst()
                    .orElseThrow(AssertionError::new);
            assertEquals(n, info.lowerdirs().size());
        }
    }

    @Test
    void defaultStrategyMounts500Layers() throws IOException {
        Overlay ov = Overlay.builder().lowerdirs(layers).upperdir(upper).workdir(work).build();
        assertTrue(ov.options().length() > 100_000, "options are " + ov.options().length() + " bytes");
        assertMountsAndWorks(ov, 500);
    }

    @Test
    void fdStrategyMounts500Layers() throws IOException {
        assumeTrue(MountStrategy.supported().contains(MountStrategy.FD), "SKIPPED: kernel lacks the fd strategy (6.13+)");
        assertMountsAndWorks(overlay(500, MountStrategy.FD), 500);
    }

    @Test
    void stringStrategyMounts500Layers() throws IOException {
        assumeTrue(MountStrategy.supported().contains(MountStrategy.STRING), "SKIPPED: kernel lacks lowerdir+ (6.8+)");
        assertMountsAndWorks(overlay(500, MountStrategy.STRING), 500);
    }

    @Test
    void legacyStrategyShortensWhatFitsAPage() throws IOException {
        Overlay ov = overlay(200, MountStrategy.LEGACY);
        assertTrue(ov.options().length() > 40_000);
        assertMountsAndWorks(ov, 200);
    }

    @Test
    void legacyStrategyNamesItsLimitPastThat() throws IOException {
        Overlay ov = overlay(500, MountStrategy.LEGACY);
        FileSystemException e = assertThrows(FileSystemException.class, () -> ov.mount(merged));
        assertEquals("E2BIG", ((ErrnoException) e).errnoName());
        assertTrue(e.getMessage().contains("even with /proc/self/fd names; mount(2) takes at most"), e.getMessage());
        assertTrue(e.getMessage().contains("use the fd strategy"), e.getMessage());
    }
}
