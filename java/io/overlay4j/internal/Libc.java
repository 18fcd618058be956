package io.overlay4j.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Which C library the JVM runs on, as sqlite-jdbc tells: the process's own mappings, then os-release. */
final class Libc {
    private Libc() {
    }

    static boolean isMusl() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/maps"), StandardCharsets.ISO_8859_1)) {
                if (line.contains("-musl-") || line.contains("/ld-musl")) {
                    return true;
                }
                if (line.contains("/libc.so.6") || line.contains("/libc-2.")) {
                    return false;
                }
            }
        } catch (IOException | SecurityException e) {
            // fall through to os-release
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/etc/os-release"), StandardCharsets.UTF_8)) {
                if (line.equals("ID=alpine") || line.equals("ID=\"alpine\"")) {
                    return true;
                }
            }
        } catch (IOException | SecurityException e) {
            // unknown: assume glibc, the common case; loading will tell
        }
        return false;
    }
}
