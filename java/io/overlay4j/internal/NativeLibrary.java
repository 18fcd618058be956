package io.overlay4j.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loads the shim from the jar (or from target/classes during the build):
 * extracts it into a fresh owner-only temporary directory, loads it, and
 * deletes it again. {@code -Doverlay4j.native.path=/path/liboverlay4j.so}
 * loads a given file instead.
 */
final class NativeLibrary {
    static final String PATH_PROPERTY = "overlay4j.native.path";
    private static final String LIBRARY = "liboverlay4j.so";

    private NativeLibrary() {
    }

    /** Called once, from Jni's static initializer (the JVM serializes class initialization). */
    static void load() {
        String override = System.getProperty(PATH_PROPERTY);
        if (override != null && !override.isEmpty()) {
            try {
                System.load(override);
            } catch (UnsatisfiedLinkError e) {
                throw failure("cannot load " + override + " given by -D" + PATH_PROPERTY + ": " + e.getMessage(), e);
            }
            return;
        }
        String resource = resource();
        try (InputStream in = NativeLibrary.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw failure("the jar has no " + resource + " for this platform", null);
            }
            loadFromStream(in);
        } catch (IOException e) {
            throw failure("cannot extract " + resource + ": " + e, e);
        }
    }

    private static void loadFromStream(InputStream in) throws IOException {
        Path dir = freshDirectory(Paths.get(System.getProperty("java.io.tmpdir")));
        Path lib = dir.resolve(LIBRARY);
        try {
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            try {
                System.load(lib.toString());
            } catch (UnsatisfiedLinkError e) {
                throw failure("cannot load " + lib + " (is its directory on a noexec filesystem? set "
                        + "-Djava.io.tmpdir to another one): " + e.getMessage(), e);
            }
        } finally {
            // A loaded library stays mapped after its file is gone.
            Files.deleteIfExists(lib);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * A new owner-only directory under parent. mkdir fails on any existing name,
     * symbolic links included, so a planted path is never used; the random name only
     * avoids collisions. Not Files.createTempDirectory: its SecureRandom loads the
     * JDK's security providers, tens of milliseconds in a fresh JVM.
     */
    private static Path freshDirectory(Path parent) throws IOException {
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        for (int attempt = 0;; attempt++) {
            Path dir = parent.resolve("overlay4j-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            try {
                return Files.createDirectory(dir, ownerOnly);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /** The shim's resource path for the running platform, e.g. io/overlay4j/native/linux-x86_64/liboverlay4j.so. */
    static String resource() {
        return "io/overlay4j/native/" + platform() + "/" + LIBRARY;
    }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64") || arch.equals("aarch64")) {
            arch = "aarch64";
        }
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    private static UnsatisfiedLinkError failure(String why, Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("overlay4j: " + why + " (os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch") + ", resource "
                + resource() + "; overlay4j mounts OverlayFS and runs on Linux x86-64 and aarch64; set -D" + PATH_PROPERTY
                + "=/path/to/" + LIBRARY + " to load a shim built for this platform)");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
