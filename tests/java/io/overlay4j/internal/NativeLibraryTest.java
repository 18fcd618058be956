package io.overlay4j.internal;

import io.overlay4j.testing.Architectures;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shim's directory for each JVM's os.name and os.arch. */
class NativeLibraryTest {
    @Test
    void eachJvmsArchitectureFindsItsShim() {
        assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "amd64"));
        assertEquals("linux-x86_64", NativeLibrary.platform("Linux", "x86_64"));
        assertEquals("linux-aarch64", NativeLibrary.platform("Linux", "aarch64"));
        assertEquals("linux-aarch64", NativeLibrary.platform("Linux", "arm64"));
        assertEquals("linux-riscv64", NativeLibrary.platform("Linux", "riscv64"));
        assertEquals("linux-ppc64le", NativeLibrary.platform("Linux", "ppc64le"));
        assertEquals("linux-s390x", NativeLibrary.platform("Linux", "s390x"));
        assertEquals("mac_os_x-aarch64", NativeLibrary.platform("Mac OS X", "aarch64"));
    }

    /** A HotSpot JVM's os.arch is the architecture's name in cmake/architectures: its shim is found. */
    @Test
    void everyCrossCompiledShimIsWhereItsJvmLooks() {
        for (String arch : Architectures.cross()) {
            assertEquals("linux-" + arch, NativeLibrary.platform("Linux", arch));
        }
    }
}
