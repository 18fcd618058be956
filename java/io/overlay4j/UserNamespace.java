package io.overlay4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Whether this process runs in a user namespace other than the initial one. */
final class UserNamespace {
    /** The initial namespace maps every ID onto itself; any other map is a nested namespace's. */
    private static final String INITIAL_MAP = "0 0 4294967295";
    private static volatile Boolean nested;

    private UserNamespace() {
    }

    static boolean isNested() {
        Boolean n = nested;
        if (n == null) {
            n = readNested();
            nested = n;
        }
        return n;
    }

    private static boolean readNested() {
        try {
            String map = new String(Files.readAllBytes(Paths.get("/proc/self/uid_map")), StandardCharsets.US_ASCII);
            return !map.trim().replaceAll("\\s+", " ").equals(INITIAL_MAP);
        } catch (IOException | RuntimeException e) {
            return false; // no /proc: nothing to go by, and the kernel will say what is wrong
        }
    }
}
