package io.overlay4j;

import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Names;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Names the locale cannot spell, next to their lossy twins, in a child JVM per locale
 * (this JVM's own locale is whatever the build runs with): the API through
 * {@link NamesProbe}, the CLI through sh with the names' bytes on its command line.
 */
@ExtendWith(MountGuard.class)
class NamesIT {
    private static final String LATIN1 = "en_US.ISO-8859-1";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"C", "POSIX", "C.UTF-8", LATIN1})
    void theApiMountsExactlyTheNamedDirectories(String locale) throws Exception {
        Root.assume();
        Path base = Files.createDirectory(tmp.resolve("base"));
        NamesProbe.create(base);
        ProcessBuilder pb = new ProcessBuilder(Processes.java(), "-Xcheck:jni", "-cp",
                JarAloneIT.jar() + ":" + Paths.get("target", "test-classes"), NamesProbe.class.getName(),
                base.toString());
        Result r = run(locale(pb, locale));
        assertEquals(0, r.exit, r.text);
        assertTrue(r.text.contains("sun.jnu.encoding=" + charset(locale)), "the child runs in " + locale + ": "
                + r.text);
        for (MountStrategy s : MountStrategy.supported()) {
            assertTrue(r.text.contains("OK " + s), r.text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"C", "C.UTF-8", LATIN1})
    void theCliTakesAndPrintsTheNamesBytes(String locale) throws Exception {
        Root.assume();
        Path base = Files.createDirectory(tmp.resolve("base"));
        NamesProbe.create(base);
        // printf turns the octal escapes into the names' bytes: no Java String carries them.
        String script = String.join("\n",
                "set -e",
                "l1=$(printf '%s/L1/lower-\\303\\274' \"$B\"); l2=$(printf '%s/L2/l\\377' \"$B\")",
                "u=$(printf '%s/U/upper-\\320\\242\\320\\225\\320\\241\\320\\242' \"$B\"); w=$(printf '%s/W/w\\376' \"$B\")",
                "t=$(printf '%s/T/m\\377' \"$B\")",
                "\"$J\" -jar \"$JAR\" mount --lowerdir \"$l1\" --lowerdir \"$l2\" --upperdir \"$u\" --workdir \"$w\" \"$t\"",
                "cat \"$t/only1\" \"$t/only2\"; echo",
                "\"$J\" -jar \"$JAR\" list -v",
                "\"$J\" -jar \"$JAR\" umount \"$t\"",
                "\"$J\" -jar \"$JAR\" mount -o \"lowerdir=$l1:$l2,upperdir=$u,workdir=$w\" \"$t\"",
                "cat \"$t/f\"; echo",
                "\"$J\" -jar \"$JAR\" umount \"$t\"");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
        pb.environment().put("B", base.toString());
        pb.environment().put("J", Processes.java());
        pb.environment().put("JAR", JarAloneIT.jar().toString());
        Result r = run(locale(pb, locale));
        assertEquals(0, r.exit, r.text);
        assertTrue(r.text.contains("real1real2\n"), "the named layers are mounted: " + r.text);
        assertTrue(r.text.contains("L1\n"), r.text);
        // list prints the names' bytes: the target, each layer and the upper as they are.
        for (int role : new int[] {0, 1, 2, 3, 4}) {
            String bytes = new String(Names.bytes(NamesProbe.real(base, role)), StandardCharsets.ISO_8859_1);
            assertTrue(r.text.contains(bytes), "list shows " + bytes + " byte for byte: " + r.text);
        }
        assertFalse(Mounts.isMountPoint(NamesProbe.real(base, 4)), "umount unmounted it");
    }

    private static String charset(String locale) {
        return locale.equals(LATIN1) ? "ISO-8859-1" : locale.equals("C.UTF-8") ? "UTF-8" : "ANSI_X3.4-1968";
    }

    /** Sets the locale; a Latin-1 one is compiled into the test's directory (Debian ships no such locale). */
    private ProcessBuilder locale(ProcessBuilder pb, String locale) throws Exception {
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        env.put("LC_ALL", locale);
        if (locale.equals(LATIN1)) {
            Path locales = tmp.resolve("locales");
            Files.createDirectories(locales);
            assumeTrue(Files.isDirectory(Paths.get("/usr/share/i18n/locales")), "SKIPPED: the Latin-1 case needs "
                    + "the locale sources (apt-get install locales); .ci/run installs them");
            Processes.succeed("localedef", "-i", "en_US", "-f", "ISO-8859-1", locales.resolve(LATIN1).toString());
            env.put("LOCPATH", locales.toString());
        }
        return pb;
    }

    /** Exit code and output as bytes, one char per byte (the names are not text in any one charset). */
    private static final class Result {
        final int exit;
        final String text;

        Result(int exit, String text) {
            this.exit = exit;
            this.text = text;
        }
    }

    private static Result run(ProcessBuilder pb) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = Processes.readAll(p.getInputStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    }
}
