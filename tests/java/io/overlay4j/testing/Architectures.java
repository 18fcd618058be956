package io.overlay4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Which shims the jar must carry. The host's (x86-64) always; each cross-compiled one of
 * cmake/architectures where the build found its cross toolchain (pom.xml's check-toolchains lists those
 * it did not in {@code overlay4j.skippedShims}), and always with {@code overlay4j.allArchitectures}
 * (CI, {@code -Prelease}).
 */
public final class Architectures {
    public static final String X86_64_SHIM = shim("x86_64");

    private Architectures() {
    }

    /** The cross-compiled architectures: the first column of cmake/architectures. */
    public static List<String> cross() {
        List<String> names = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Paths.get("cmake/architectures"))) {
                if (!line.trim().isEmpty() && !line.trim().startsWith("#")) {
                    names.add(line.trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    public static String shim(String arch) {
        return "io/overlay4j/native/linux-" + arch + "/liboverlay4j.so";
    }

    /** True in CI and with -Prelease: a missing architecture fails. */
    public static boolean allRequired() {
        return Boolean.getBoolean("overlay4j.allArchitectures");
    }

    /** True when the build left arch's shim out because this machine has no cross toolchain for it. */
    public static boolean skipped(String arch) {
        return Arrays.asList(System.getProperty("overlay4j.skippedShims", "").split(" ")).contains("linux-" + arch);
    }

    /** The x86-64 shim: always in the jar. */
    public static JarEntry x86_64(JarFile jar) {
        JarEntry entry = jar.getJarEntry(X86_64_SHIM);
        assertNotNull(entry, jar.getName() + " lacks " + X86_64_SHIM);
        return entry;
    }

    /**
     * A cross-compiled shim. Missing, it fails the test where every architecture is required or where the
     * toolchain was found (then the build lost it), and skips it, saying why, where it was not built.
     */
    public static JarEntry cross(JarFile jar, String arch) {
        JarEntry entry = jar.getJarEntry(shim(arch));
        if (entry != null) {
            return entry;
        }
        if (allRequired()) {
            fail(jar.getName() + " lacks " + shim(arch) + ", and every architecture is required here"
                    + " (overlay4j.allArchitectures: CI, -Prelease)");
        }
        if (skipped(arch)) {
            String why = "SKIPPED: the " + arch + " shim was not built, because its cross toolchain is missing here"
                    + " (cmake/architectures; the build's warning names the packages); CI (and -Prelease) requires it";
            // Also on the console, where the test run's summary only counts the skipped tests.
            System.out.println(why);
            Assumptions.abort(why);
        }
        fail(jar.getName() + " lacks " + shim(arch) + " although the build found the " + arch + " cross toolchain");
        return null;
    }
}
