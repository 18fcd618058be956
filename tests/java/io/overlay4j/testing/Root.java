package io.overlay4j.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Real mounts need root; without it a test is skipped, saying so. */
public final class Root {
    private Root() {
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    public static void assume() {
        Assumptions.assumeTrue(isRoot(), "SKIPPED: real overlay mounts need root (CAP_SYS_ADMIN); run as root");
    }
}
