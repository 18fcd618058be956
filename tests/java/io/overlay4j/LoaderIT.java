package io.overlay4j;

import io.overlay4j.testing.Architectures;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loader on hostile hosts: each case loads the shim, or fails saying what to do. */
@ExtendWith(MountGuard.class)
class LoaderIT {
    static final String SHIM = "io/overlay4j/native/linux-x86_64/liboverlay4j.so";
    /** Needs the shim: umount2 on a missing path comes back as ENOENT, exit code 3. */
    static final String[] PROBE = {"umount", "/nonexistent/overlay4j-loader-probe"};

    @TempDir
    Path tmp;
    Path jar;
    final List<Path> mounted = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        jar = JarAloneIT.jar().toAbsolutePath();
    }

    @AfterEach
    void unmountTmpfs() throws Exception {
        for (Path dir : mounted) {
            Processes.succeed("umount", dir.toString());
        }
    }

    static final class Run {
        final int exit;
        final String output;

        Run(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }

        void assertLoaded() {
            assertEquals(3, exit, output);
            assertTrue(output.contains("(ENOENT, errno 2)"), output);
        }

        void assertRefused(String... parts) {
            assertEquals(1, exit, output);
            assertEquals(1, output.trim().split("\n").length, "one line: " + output);
            for (String p : parts) {
                assertTrue(output.contains(p), "lacks '" + p + "': " + output);
            }
        }
    }

    private Process start(Path jarFile, List<String> jvmArgs, boolean noXdg) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Processes.java());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jarFile.toString());
        cmd.addAll(Arrays.asList(PROBE));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (noXdg) {
            pb.environment().remove("XDG_RUNTIME_DIR");
        }
        return pb.start();
    }

    private static Run finish(Process p) throws Exception {
        Processes.Result r = Processes.finish(p);
        return new Run(r.exit, r.output);
    }

    private Run run(String... jvmArgs) throws Exception {
        return finish(start(jar, Arrays.asList(jvmArgs), false));
    }

    private Path tmpfs(String name, String options) throws Exception {
        Root.assume();
        Path dir = Files.createDirectory(tmp.resolve(name));
        Processes.succeed("mount", "-t", "tmpfs", "-o", options, "o4j-loader-test", dir.toString());
        mounted.add(dir);
        return dir;
    }

    private static List<Path> leftovers(Path dir) throws IOException {
        List<Path> left = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith("overlay4j-")).forEach(left::add);
        }
        return left;
    }

    @Test
    void noexecTmpdirFallsBackToTheNextDirectory() throws Exception {
        Path noexec = tmpfs("noexec", "noexec");
        run("-Djava.io.tmpdir=" + noexec).assertLoaded();
        assertEquals(new ArrayList<Path>(), leftovers(noexec));
    }

    @Test
    void nothingExecutableSaysWhatToSet() throws Exception {
        Path noexec = tmpfs("noexec", "noexec");
        Path jarThere = Files.copy(jar, noexec.resolve("overlay4j.jar"));
        Run r = finish(start(jarThere, Arrays.asList("-Doverlay4j.tmpdir=" + noexec, "-Djava.io.tmpdir=" + noexec,
                "-Duser.home=" + noexec.resolve("home")), true));
        r.assertRefused("could not load", "mounted noexec", "-Doverlay4j.tmpdir=DIR");
        for (Path p : Arrays.asList(noexec, noexec.resolve("home/.cache/overlay4j"))) {
            assertEquals(new ArrayList<Path>(), leftovers(p), "left behind in " + p);
        }
    }

    @Test
    void readOnlyTmpdirFallsBack() throws Exception {
        Path readOnly = tmpfs("ro", "ro");
        run("-Djava.io.tmpdir=" + readOnly).assertLoaded();
    }

    @Test
    void sixJvmsLoadAtOnce() throws Exception {
        Path shared = Files.createDirectory(tmp.resolve("shared"));
        List<Process> jvms = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jvms.add(start(jar, Arrays.asList("-Djava.io.tmpdir=" + shared), false));
        }
        for (Process p : jvms) {
            finish(p).assertLoaded();
        }
        assertEquals(new ArrayList<Path>(), leftovers(shared));
    }

    @Test
    void twoClassLoadersEachLoadTheirOwnCopy() throws Exception {
        for (int i = 0; i < 2; i++) {
            try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
                Class<?> mounts = loader.loadClass("io.overlay4j.Mounts");
                Method isMountPoint = mounts.getMethod("isMountPoint", Path.class);
                assertEquals(Boolean.TRUE, isMountPoint.invoke(null, Paths.get("/")));
            }
        }
    }

    /**
     * An app server redeploying: each deployment a fresh class loader that loads the shim and
     * has it throw; once undeployed, every loader must be collected (the shim pins none).
     */
    @Test
    void redeploysLeaveNoClassLoaderBehind() throws Exception {
        assertEquals(0, redeployThrice(), "class loaders still reachable after 3 redeploys");
    }

    /** The same with -Doverlay4j.native.path, which each class loader loads a copy of. */
    @Test
    void nativePathServesEveryClassLoader() throws Exception {
        Path lib = tmp.resolve("liboverlay4j.so");
        try (ZipFile in = new ZipFile(jar.toFile())) {
            Files.write(lib, Processes.readAll(in.getInputStream(in.getEntry(SHIM))));
        }
        System.setProperty("overlay4j.native.path", lib.toString());
        try {
            assertEquals(0, redeployThrice(), "class loaders still reachable after 3 redeploys");
        } finally {
            System.clearProperty("overlay4j.native.path");
        }
    }

    /** Three deploy/undeploy rounds; returns how many of their class loaders could not be collected. */
    private int redeployThrice() throws Exception {
        List<java.lang.ref.WeakReference<ClassLoader>> loaders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            loaders.add(deployOnce());
        }
        for (int i = 0; i < 100 && loaders.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
            Thread.sleep(20);
        }
        return (int) loaders.stream().filter(r -> r.get() != null).count();
    }

    private java.lang.ref.WeakReference<ClassLoader> deployOnce() throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        Method isMountPoint = loader.loadClass("io.overlay4j.Mounts").getMethod("isMountPoint", Path.class);
        assertEquals(Boolean.TRUE, isMountPoint.invoke(null, Paths.get("/")));
        try {
            isMountPoint.invoke(null, tmp.resolve("missing"));
        } catch (java.lang.reflect.InvocationTargetException e) {
            assertTrue(e.getCause() instanceof java.nio.file.NoSuchFileException, String.valueOf(e.getCause()));
        }
        loader.close();
        return new java.lang.ref.WeakReference<>(loader);
    }

    /**
     * A jar corrupted on disk, the shim's compressed bytes changed in place: where its deflate stream no
     * longer inflates, and where it inflates to other bytes (ZipFile checks no CRC; the loader does).
     */
    @Test
    void corruptedJarIsRefused() throws Exception {
        byte[] good = Files.readAllBytes(jar);
        int offset;
        try (ZipFile in = new ZipFile(jar.toFile())) {
            offset = (int) dataOffset(good, in.getEntry(SHIM));
        }
        byte[] header = good.clone();
        header[offset] |= 0x06; // the first block's type: 3, which deflate does not have
        byte[] middle = good.clone();
        for (int i = 0; i < 16; i++) {
            middle[offset + 4000 + i] ^= 0x5a;
        }
        for (byte[] bytes : Arrays.asList(header, middle)) {
            Path bad = Files.write(tmp.resolve("corrupted.jar"), bytes);
            finish(start(bad, new ArrayList<String>(), false)).assertRefused(SHIM + " is corrupted", "replace the jar");
        }
    }

    /** Where entry's data starts: after its local header, whose name and extra field lengths are its own. */
    private static long dataOffset(byte[] zip, ZipEntry entry) {
        byte[] name = entry.getName().getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 30 + name.length < zip.length; at++) {
            if (zip[at] == 'P' && zip[at + 1] == 'K' && zip[at + 2] == 3 && zip[at + 3] == 4
                    && (zip[at + 26] & 0xff | (zip[at + 27] & 0xff) << 8) == name.length
                    && Arrays.equals(name, Arrays.copyOfRange(zip, at + 30, at + 30 + name.length))) {
                return at + 30 + name.length + (zip[at + 28] & 0xff | (zip[at + 29] & 0xff) << 8);
            }
        }
        throw new AssertionError("no local header for " + entry.getName());
    }

    /** A well-formed jar whose shim is not the one the build recorded (another build's, say). */
    @Test
    void shimOfAnotherBuildIsRefused() throws Exception {
        Path bad = tmp.resolve("mixed.jar");
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                byte[] data = Processes.readAll(in.getInputStream(entry));
                if (entry.getName().equals(SHIM)) {
                    data[data.length / 2] ^= 0x5a;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(data);
                out.closeEntry();
            }
        }
        finish(start(bad, new ArrayList<String>(), false)).assertRefused(SHIM + " is corrupted", "replace the jar");
    }

    @Test
    void unknownArchitectureListsWhatIsSupported() throws Exception {
        // The shims this jar carries: a cross-compiled one only where the build had its toolchain.
        List<String> carried = new ArrayList<>(Collections.singletonList("linux-x86_64"));
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
            for (String arch : Architectures.cross()) {
                if (j.getJarEntry(Architectures.shim(arch)) != null) {
                    carried.add("linux-" + arch);
                }
            }
        }
        Collections.sort(carried); // cmake/shims.sh lists them so
        run("-Dos.arch=sparcv9").assertRefused("no shim for linux-sparcv9",
                "the jar carries shims for " + String.join(", ", carried) + ";", "-Doverlay4j.native.path=");
    }

    @Test
    void nativePathOverride() throws Exception {
        Path lib = tmp.resolve("liboverlay4j.so");
        try (ZipFile in = new ZipFile(jar.toFile())) {
            Files.write(lib, Processes.readAll(in.getInputStream(in.getEntry(SHIM))));
        }
        run("-Doverlay4j.native.path=" + lib).assertLoaded();
        run("-Doverlay4j.native.path=" + tmp.resolve("missing.so"))
                .assertRefused("cannot load " + tmp.resolve("missing.so") + " given by -Doverlay4j.native.path");
    }

    @Test
    void staleDirectoriesOfDeadJvmsAreRemovedLiveOnesKept() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("t"));
        // PIDs never reach 999999999 (pid_max is at most 2^22).
        Path dead = Files.createDirectory(dir.resolve("overlay4j-999999999-dead"));
        Files.write(dead.resolve("liboverlay4j.so"), new byte[] {1});
        String self = Paths.get("/proc/self").toRealPath().getFileName().toString();
        Path live = Files.createDirectory(dir.resolve("overlay4j-" + self + "-live"));
        run("-Djava.io.tmpdir=" + dir).assertLoaded();
        assertFalse(Files.exists(dead), "stale directory of a dead JVM was left");
        assertTrue(Files.exists(live), "a live JVM's directory was removed");
    }

    @Test
    void shimOfAnotherInterfaceVersionIsRefused() throws Exception {
        Path jdk = Paths.get(System.getProperty("build.java.home", System.getProperty("java.home")));
        Path include = Files.createDirectory(tmp.resolve("include"));
        String header = new String(Files.readAllBytes(Paths.get("target/native/include/io_overlay4j_internal_Jni.h")),
                StandardCharsets.UTF_8);
        Files.write(include.resolve("io_overlay4j_internal_Jni.h"), header
                .replaceAll("io_overlay4j_internal_Jni_INTERFACE_VERSION [0-9]+L",
                        "io_overlay4j_internal_Jni_INTERFACE_VERSION 99L")
                .getBytes(StandardCharsets.UTF_8));
        // The shim as the build makes it (CMakeLists.txt's overlay4j_jni), with that header first.
        Path build = tmp.resolve("build");
        Processes.succeed("cmake", "-S", ".", "-B", build.toString(), "-DOVERLAY4J_JNI_INCLUDE=" + include + ";"
                + Paths.get("target/native/include").toAbsolutePath() + ";" + jdk.resolve("include") + ";"
                + jdk.resolve("include/linux"));
        Processes.succeed("cmake", "--build", build.toString(), "--target", "overlay4j_jni");
        Path lib = Files.move(build.resolve("liboverlay4j.so"), tmp.resolve("liboverlay4j-other.so"));
        run("-Doverlay4j.native.path=" + lib).assertRefused("implements native interface version 99, this jar needs "
                + io.overlay4j.internal.Jni.INTERFACE_VERSION);
    }
}
