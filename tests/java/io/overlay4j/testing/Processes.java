package io.overlay4j.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Child processes for the tests: the CLI in a fresh JVM, mount(8), setpriv, nm ... */
public final class Processes {
    private Processes() {
    }

    /** Exit code and the merged stdout and stderr of a finished process. */
    public static final class Result {
        public final int exit;
        public final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    /** This JVM's java, for child JVMs (on a Java 8 test run, Java 8's). */
    public static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static Result run(ProcessBuilder pb) throws Exception {
        return finish(pb.redirectErrorStream(true).start());
    }

    public static Result run(String... command) throws Exception {
        return run(new ProcessBuilder(command));
    }

    /** Runs a command that must succeed. */
    public static void succeed(String... command) throws Exception {
        Result r = run(command);
        assertEquals(0, r.exit, String.join(" ", command) + ": " + r.output);
    }

    /** Waits for a process started with its stderr merged into stdout. */
    public static Result finish(Process p) throws Exception {
        p.getOutputStream().close();
        String output = new String(readAll(p.getInputStream()), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "process did not finish");
        p.getErrorStream().close();
        return new Result(p.exitValue(), output);
    }

    public static byte[] readAll(InputStream in) throws IOException {
        try (InputStream i = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] b = new byte[8192];
            for (int n; (n = i.read(b)) > 0;) {
                out.write(b, 0, n);
            }
            return out.toByteArray();
        }
    }
}
