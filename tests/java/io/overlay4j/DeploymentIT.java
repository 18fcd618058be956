package io.overlay4j;

import io.overlay4j.testing.Processes;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jar as applications deploy it beyond the class path: a module on the module path, a
 * jlink image, and Java 22+'s restricted native access, configured as README says.
 */
class DeploymentIT {
    /** The JDK that builds (17): it has javac and jlink even when the tests run on a Java 8 JRE. */
    static final Path JDK = Paths.get(System.getProperty("build.java.home", System.getProperty("java.home")));
    /** The newest JDK on the machine, where restricted methods warn (Java 22+). */
    static final Path JDK25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");

    @TempDir
    Path tmp;

    /** A module app that requires io.overlay4j and loads the shim; returns the directory of its classes. */
    private Path moduleApp() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/app"));
        Files.write(src.getParent().resolve("module-info.java"),
                "module app { requires io.overlay4j; }\n".getBytes(StandardCharsets.UTF_8));
        Files.write(src.resolve("Main.java"), ("package app;\n"
                + "public class Main { public static void main(String[] a) throws Exception {\n"
                + "  System.out.println(\"mount point / \" + io.overlay4j.Mounts.isMountPoint(java.nio.file.Paths.get(\"/\"))\n"
                + "      + \" in module \" + io.overlay4j.Mounts.class.getModule().getName()); } }\n")
                .getBytes(StandardCharsets.UTF_8));
        Path out = tmp.resolve("out");
        Processes.succeed(JDK.resolve("bin/javac").toString(), "-d", out.toString(), "--module-path",
                JarAloneIT.jar().toString(), src.getParent().resolve("module-info.java").toString(),
                src.resolve("Main.java").toString());
        return out;
    }

    private static final String WORKS = "mount point / true in module io.overlay4j";

    @Test
    void aModularAppRequiresIoOverlay4j() throws Exception {
        Path app = moduleApp();
        Processes.Result r = Processes.run(JDK.resolve("bin/java").toString(), "--module-path",
                JarAloneIT.jar() + ":" + app, "-m", "app/app.Main");
        assertEquals(0, r.exit, r.output);
        assertEquals(WORKS + "\n", r.output);
    }

    @Test
    void jlinkTakesTheModule() throws Exception {
        Path jmods = JDK.resolve("jmods");
        Assumptions.assumeTrue(Files.isDirectory(jmods), "SKIPPED: " + JDK + " has no jmods (apt-get install "
                + "openjdk-17-jmods); .ci/run installs it");
        Path app = moduleApp();
        Path image = tmp.resolve("image");
        Processes.succeed(JDK.resolve("bin/jlink").toString(), "--module-path", jmods + ":" + JarAloneIT.jar() + ":"
                + app, "--add-modules", "app", "--output", image.toString());
        Processes.Result r = Processes.run(image.resolve("bin/java").toString(), "-m", "app/app.Main");
        assertEquals(0, r.exit, r.output);
        assertEquals(WORKS + "\n", r.output);
    }

    /** On Java 22+, as README says: nothing for the CLI, one flag for an application. */
    @Test
    void noRestrictedMethodWarningWhenConfiguredAsDocumented() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(JDK25), "SKIPPED: no JDK 25 at " + JDK25);
        String java = JDK25.resolve("bin/java").toString();
        String jar = JarAloneIT.jar().toString();
        // The CLI, loading the shim (list reads the mount table through it).
        assertQuiet(Processes.run(java, "-jar", jar, "umount", tmp.resolve("not-mounted").toString()));
        // A class-path application.
        Path src = Files.createDirectories(tmp.resolve("cp"));
        Files.write(src.resolve("App.java"), ("public class App { public static void main(String[] a) throws Exception {\n"
                + "  System.out.println(io.overlay4j.Mounts.isMountPoint(java.nio.file.Paths.get(\"/\"))); } }\n")
                .getBytes(StandardCharsets.UTF_8));
        Processes.succeed(JDK.resolve("bin/javac").toString(), "-cp", jar, "-d", src.toString(),
                src.resolve("App.java").toString());
        Processes.Result cp = Processes.run(java, "--enable-native-access=ALL-UNNAMED", "-cp", jar + ":" + src, "App");
        assertEquals(0, cp.exit, cp.output);
        assertEquals("true\n", cp.output);
        // Without the flag the JDK warns: the check above is not vacuous.
        Processes.Result warned = Processes.run(java, "-cp", jar + ":" + src, "App");
        assertTrue(warned.output.contains("WARNING: A restricted method"), warned.output);
        // A modular application.
        Processes.Result mod = Processes.run(java, "--enable-native-access=io.overlay4j", "--module-path",
                jar + ":" + moduleApp(), "-m", "app/app.Main");
        assertEquals(0, mod.exit, mod.output);
        assertEquals(WORKS + "\n", mod.output);
    }

    private static void assertQuiet(Processes.Result r) {
        for (String line : r.output.split("\n")) {
            assertFalse(line.startsWith("WARNING"), r.output);
        }
        assertTrue(Arrays.asList(1, 3).contains(r.exit), r.output);
    }
}
