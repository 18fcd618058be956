package io.overlay4j.cli;

import io.overlay4j.Overlay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's parsing, messages and exit codes; nothing here reaches a mount. */
class MainTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        Main main = new Main(new PrintStream(out, true), new PrintStream(err, true));
        return main.run(args);
    }

    String err() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void splitsLikeTheKernelAndUnescapes() {
        assertEquals(Arrays.asList("lowerdir=/a\\,b:/c", "upperdir=/u"),
                MountOptions.split("lowerdir=/a\\,b:/c,upperdir=/u", ','));
        assertEquals(Arrays.asList("/a\\,b", "/c\\:d"), MountOptions.split("/a\\,b:/c\\:d", ':'));
        assertEquals("/a,b", MountOptions.unescape("/a\\,b"));
        assertEquals("/x\\y", MountOptions.unescape("/x\\\\y"));
    }

    @Test
    void optionStringRoundTripsThroughTheBuilder() throws Exception {
        Path odd = Files.createDirectory(tmp.resolve("a,b:c\\d"));
        Path other = Files.createDirectory(tmp.resolve("other"));
        Overlay ov = Overlay.builder().lowerdirs(odd, other).option("index", "off").build();
        Overlay.Builder again = Overlay.builder();
        new MountOptions().add(ov.options(), again);
        Overlay parsed = again.build();
        assertEquals(ov.lowerdirs(), parsed.lowerdirs());
        assertEquals(ov.options(), parsed.options());
    }

    @Test
    void usageErrorsExitWith2AndOneLine() {
        assertEquals(Main.USAGE, run("frobnicate"));
        assertEquals("overlay4j: unknown command 'frobnicate'; try --help\n", err());
        assertEquals(Main.USAGE, run("mount"));
        assertEquals(Main.USAGE, run("mount", "--strategy", "teleport", "/x"));
        assertEquals(Main.USAGE, run("umount", "--bogus", "/x"));
        assertEquals(Main.USAGE, run());
    }

    @Test
    void helpExitsZero() {
        assertEquals(Main.OK, run("--help"));
        assertEquals(Main.OK, run("mount", "--help"));
        assertEquals(Main.OK, run("umount", "--help"));
        assertEquals(Main.OK, run("demo", "--help"));
        assertTrue(new String(out.toByteArray(), StandardCharsets.UTF_8).contains("lowerdir=A:B"));
    }

    @Test
    void missingLayerExitsWith3WithoutStackTrace() {
        assertEquals(Main.NOT_FOUND, run("mount", "-o", "lowerdir=" + tmp.resolve("x") + ":" + tmp, tmp.toString()));
        assertTrue(err().startsWith("overlay4j: build overlay failed: lowerdir 1 " + tmp.resolve("x")), err());
        assertEquals(1, err().trim().split("\n").length, err());
    }

    @Test
    void debugShowsTheStackTrace() {
        assertEquals(Main.NOT_FOUND, run("--debug", "mount", "--lowerdir", tmp.resolve("x").toString(),
                "--lowerdir", tmp.toString(), tmp.toString()));
        assertTrue(err().contains("\tat io.overlay4j."), err());
    }

    @Test
    void exitCodesFollowTheExceptionType() {
        assertEquals(Main.NOT_FOUND, Main.exitCode(new java.nio.file.NoSuchFileException("x")));
        assertEquals(Main.PERMISSION, Main.exitCode(new java.nio.file.AccessDeniedException("x")));
        assertEquals(Main.FAILED, Main.exitCode(new IOException("x")));
    }

    @Test
    void givingBothLowerdirAndImageLayerIsAUsageError() {
        assertEquals(Main.USAGE, run("mount", "--lowerdir", "/a", "--image-layer", "/b", "/t"));
        assertTrue(err().contains("not both"), err());
    }
}
