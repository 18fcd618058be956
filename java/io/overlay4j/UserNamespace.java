package io.overlay4j;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.StringTokenizer;

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

    /**
     * java.io and a tokenizer, not Files and a regular expression: these would load the JDK's
     * channel, regex and lambda machinery, a fifth of a fresh JVM's first mount.
     */
    private static boolean readNested() {
        byte[] buf = new byte[256]; // the initial map is one short line; anything longer is another
        int n;
        try (FileInputStream in = new FileInputStream("/proc/self/uid_map")) {
            n = in.read(buf);
        } catch (IOException | RuntimeException e) {
            return false; // no /proc: nothing to go by, and the kernel will say what is wrong
        }
        StringTokenizer words = new StringTokenizer(new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII));
        StringBuilder map = new StringBuilder();
        while (words.hasMoreTokens()) {
            map.append(map.length() == 0 ? "" : " ").append(words.nextToken());
        }
        return !map.toString().equals(INITIAL_MAP);
    }
}
