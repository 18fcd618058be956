package io.overlay4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Which shims the jar must carry. The host's (x86-64) always; the cross-compiled aarch64 one where the
 * build found the cross toolchain (pom.xml's check-toolchains sets {@code overlay4j.aarch64.skip} when
 * it did not), and always with {@code overlay4j.allArchitectures} (CI, {@code -Prelease}).
 */
public final class Architectures {
    public static final String X86_64_SHIM = "io/overlay4j/native/linux-x86_64/liboverlay4j.so";
    public static final String AARCH64_SHIM = "io/overlay4j/native/linux-aarch64/liboverlay4j.so";

    private Architectures() {
    }

    /** True in CI and with -Prelease: a missing architecture fails. */
    public static boolean allRequired() {
        return Boolean.getBoolean("overlay4j.allArchitectures");
    }

    /** True when the build left the aarch64 shim out because this machine has no cross toolchain. */
    public static boolean aarch64Skipped() {
        return Boolean.getBoolean("overlay4j.aarch64.skip");
    }

    /** The x86-64 shim: always in the jar. */
    public static JarEntry x86_64(JarFile jar) {
        JarEntry entry = jar.getJarEntry(X86_64_SHIM);
        assertNotNull(entry, jar.getName() + " lacks " + X86_64_SHIM);
        return entry;
    }

    /**
     * The aarch64 shim. Missing, it fails the test where every architecture is required or where the
     * toolchain was found (then the build lost it), and skips it, saying why, where it was not built.
     */
    public static JarEntry aarch64(JarFile jar) {
        JarEntry entry = jar.getJarEntry(AARCH64_SHIM);
        if (entry != null) {
            return entry;
        }
        if (allRequired()) {
            fail(jar.getName() + " lacks " + AARCH64_SHIM + ", and every architecture is required here"
                    + " (overlay4j.allArchitectures: CI, -Prelease)");
        }
        if (aarch64Skipped()) {
            String why = "SKIPPED: the aarch64 shim was not built, because the aarch64 cross toolchain is missing"
                    + " here (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross); CI (and -Prelease) requires it";
            // Also on the console, where the test run's summary only counts the skipped tests.
            System.out.println(why);
            Assumptions.abort(why);
        }
        fail(jar.getName() + " lacks " + AARCH64_SHIM + " although the build found the aarch64 cross toolchain");
        return null;
    }
}
