package io.overlay4j.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Which C library the JVM runs on, as sqlite-jdbc tells: the process's own mappings, then os-release. */
final class Libc {
    private Libc() {
    }

    static boolean isMusl() {
        String maps = read("/proc/self/maps");
        if (maps.contains("/ld-musl") || maps.contains("-musl-")) {
            return true;
        }
        if (maps.contains("/libc.so.6") || maps.contains("/libc-2.")) {
            return false;
        }
        String osRelease = read("/etc/os-release");
        return osRelease.contains("\nID=alpine") || osRelease.startsWith("ID=alpine")
                || osRelease.contains("ID=\"alpine\"");
    }

    /**
     * The file's text, or "" when it cannot be read (then the next clue decides).
     * FileInputStream, not Files: the JVM has loaded it already, NIO's channels not.
     */
    private static String read(String file) {
        try {
            return new String(NativeLibrary.readAll(new FileInputStream(file)), StandardCharsets.ISO_8859_1);
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
