package io.overlay4j;

import io.overlay4j.testing.Architectures;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar on its own: `java -jar` with nothing else on the class path. */
@ExtendWith(MountGuard.class)
class JarAloneIT {
    @TempDir
    Path tmp;

    static Path jar() throws IOException {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Paths.get("target"), "overlay4j-*.jar")) {
            s.forEach(jars::add);
        }
        assertEquals(1, jars.size(), "exactly one overlay4j jar in target/: " + jars);
        return jars.get(0);
    }

    @Test
    void everyClassIsJava8BytecodeAndTheShimIsInside() throws IOException {
        // 236 kB with five stripped shims (80 kB of it) and the change set; 200 kB held until the change set
        // (15 kB) and the kernel seam's classes came in. An unstripped shim alone would add 100 kB.
        assertTrue(Files.size(jar()) < 250_000, "the jar is " + Files.size(jar()) + " bytes");
        try (JarFile jar = new JarFile(jar().toFile())) {
            Architectures.x86_64(jar);
            int classes = 0;
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                // The module descriptor is Java 9's, in META-INF/versions/9 where Java 8 does not look.
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/versions/9/")) {
                    try (DataInputStream in = new DataInputStream(jar.getInputStream(entry))) {
                        assertEquals(0xCAFEBABE, in.readInt());
                        in.readUnsignedShort();
                        assertEquals(52, in.readUnsignedShort(), entry.getName() + " is not Java 8 bytecode");
                    }
                    classes++;
                }
            }
            assertTrue(classes > 10, "classes found: " + classes);
        }
    }

    /** Cross-compiled: skipped where the build had no toolchain for it, required in CI and with -Prelease. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.overlay4j.testing.Architectures#cross")
    void eachCrossCompiledShimIsInside(String arch) throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            assertTrue(Architectures.cross(jar, arch).getSize() > 0, Architectures.shim(arch) + " is empty");
        }
    }

    @Test
    void demoRunsFromTheJarAlone() throws Exception {
        Root.assume();
        Processes.Result r = run("demo", tmp.resolve("demo").toString());
        assertEquals(0, r.exit, r.output);
        assertTrue(r.output.contains("merged/common.txt reads \"from lower1\""), r.output);
        assertTrue(r.output.contains("doomed.txt  (a whiteout: character device 0/0)"), r.output);
        assertTrue(r.output.contains("8. Unmounted"), r.output);
    }

    @Test
    void demoRunsAgainInItsDirectoryAndRefusesOthers() throws Exception {
        Root.assume();
        Path dir = tmp.resolve("demo");
        assertEquals(0, run("demo", dir.toString()).exit);
        Processes.Result again = run("demo", dir.toString());
        assertEquals(0, again.exit, again.output);
        assertTrue(again.output.contains("doomed.txt  (a whiteout: character device 0/0)"), again.output);
        Path other = Files.createDirectory(tmp.resolve("other"));
        Files.createFile(other.resolve("precious.txt"));
        Processes.Result refused = run("demo", other.toString());
        assertEquals(2, refused.exit, refused.output);
        assertTrue(refused.output.contains("holds precious.txt; give another DIR"), refused.output);
        assertTrue(Files.exists(other.resolve("precious.txt")));
    }

    @Test
    void demoUnmountsWhenTerminated() throws Exception {
        Root.assume();
        Path dir = tmp.resolve("demo");
        List<String> cmd = new ArrayList<>();
        cmd.add(Processes.java());
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.add("demo");
        cmd.add("--wait");
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null && !line.contains("press Enter to unmount");) {
            seen.append(line).append('\n');
        }
        assertTrue(Mounts.isMountPoint(dir.resolve("merged")), seen.toString());
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertFalse(Mounts.isMountPoint(dir.resolve("merged")), "the shutdown hook unmounted it");
    }

    @Test
    void errorsAreOneLineWithExitCode() throws Exception {
        Processes.Result r = run("umount", tmp.toString());
        assertEquals(Root.isRoot() ? 1 : 4, r.exit, r.output);
        assertEquals(1, r.output.trim().split("\n").length, r.output);
        assertTrue(r.output.startsWith("overlay4j: unmount " + tmp.toRealPath() + " failed"), r.output);
    }

    @Test
    void versionComesFromTheJarsManifest() throws Exception {
        String name = jar().getFileName().toString();
        String version = name.substring("overlay4j-".length(), name.length() - ".jar".length());
        for (String flag : new String[] {"--version", "-V"}) {
            Processes.Result r = run(flag);
            assertEquals(0, r.exit, r.output);
            assertEquals("overlay4j " + version + "\n", r.output);
        }
    }

    static Processes.Result run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Processes.java());
        cmd.add("-jar");
        cmd.add(jar().toString());
        for (String a : args) {
            cmd.add(a);
        }
        return Processes.run(new ProcessBuilder(cmd).redirectInput(new File("/dev/null")));
    }
}
