package io.overlay4j;

import io.overlay4j.testing.Architectures;
import io.overlay4j.testing.Layout;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each claim of docs/SECURITY.md, checked. */
@ExtendWith(MountGuard.class)
class ThreatModelIT {
    @TempDir
    Path tmp;
    Layout l;

    @BeforeEach
    void setUp() throws Exception {
        l = new Layout(tmp);
    }

    /** Claim: on the fd strategy, a symbolic link swapped in after build() is not followed. */
    @Test
    void symlinkSwappedInAfterValidationIsNotFollowed() throws Exception {
        Root.assume();
        assumeTrue(MountStrategy.supported().contains(MountStrategy.FD), "SKIPPED: kernel lacks the fd strategy");
        Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
        Layout.write(elsewhere.resolve("same.txt"), "attacker");
        Overlay ov = Overlay.builder().lowerdirs(l.lower1, l.lower2).upperdir(l.upper).workdir(l.work)
                .strategy(MountStrategy.FD).build();
        Files.move(l.lower1, tmp.resolve("lower1-moved"));
        Files.createSymbolicLink(l.lower1, elsewhere);
        FileSystemLoopException e = org.junit.jupiter.api.Assertions.assertThrows(FileSystemLoopException.class,
                () -> ov.mount(l.merged));
        assertEquals("ELOOP", ((ErrnoException) e).errnoName());
        assertTrue(e.getMessage().contains("does not follow links swapped in after validation"), e.getMessage());
        assertFalse(Mounts.isMountPoint(l.merged));
    }

    /** Claims: no shell, no chdir of the process, no change of credentials; only the syscalls it needs. */
    @Test
    void theShimCallsNoShellNoChdirNoSetuid() throws Exception {
        try (JarFile jar = new JarFile(JarAloneIT.jar().toFile())) {
            assertImportsNothingForbidden(jar, Architectures.x86_64(jar), "x86_64");
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                if (entry.getName().endsWith(".class")) {
                    String constants = new String(Processes.readAll(jar.getInputStream(entry)),
                            StandardCharsets.ISO_8859_1);
                    assertFalse(constants.contains("java/lang/ProcessBuilder"), entry + " starts processes");
                    // Runtime for a shutdown hook is fine; its exec, whose name is the constant "exec" (a
                    // 2-byte length, then the bytes), is not.
                    assertFalse(constants.matches("(?s).*java/lang/Runtime(?![A-Za-z$]).*")
                            && constants.contains("\u0000\u0004exec"), entry + " uses Runtime.exec");
                }
            }
        }
    }

    /** The same claims for each cross-compiled shim (skipped where the build had no toolchain for it). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.overlay4j.testing.Architectures#cross")
    void eachCrossCompiledShimCallsNoShellNoChdirNoSetuid(String arch) throws Exception {
        try (JarFile jar = new JarFile(JarAloneIT.jar().toFile())) {
            assertImportsNothingForbidden(jar, Architectures.cross(jar, arch), arch);
        }
    }

    private void assertImportsNothingForbidden(JarFile jar, JarEntry entry, String arch) throws Exception {
        List<String> forbidden = Arrays.asList("system", "popen", "execve", "execv", "execvp", "execl", "fork",
                "vfork", "posix_spawn", "chdir", "fchdir", "chroot", "setuid", "seteuid", "setgid", "setegid",
                "setresuid", "setresgid", "unshare", "setns", "dlopen");
        Path so = tmp.resolve("shim-" + arch + ".so");
        try (InputStream in = jar.getInputStream(entry)) {
            Files.copy(in, so);
        }
        Processes.Result nm = Processes.run("nm", "-D", "--undefined-only", so.toString());
        String symbols = nm.output;
        assertEquals(0, nm.exit, symbols);
        assertTrue(symbols.contains("umount2"), symbols);
        for (String line : symbols.split("\n")) {
            String name = line.trim().replaceAll(".* U ", "").replaceAll("@.*", "");
            assertFalse(forbidden.contains(name), arch + " shim imports " + name);
        }
    }

    /** Claim: mounting, even a legacy mount shortened past one page, never changes the process's directory. */
    @Test
    void theWorkingDirectoryNeverChanges() throws Exception {
        Root.assume();
        Path cwd = Paths.get("/proc/self/cwd").toRealPath();
        List<Path> many = new ArrayList<>();
        StringBuilder longName = new StringBuilder();
        while (longName.length() < 200) {
            longName.append("layer-");
        }
        for (int i = 0; i < 20; i++) {
            many.add(Files.createDirectories(tmp.resolve(longName + "/" + i)));
        }
        Overlay ov = Overlay.builder().lowerdirs(many).strategy(MountStrategy.LEGACY).build();
        assertTrue(ov.options().length() > 4096);
        try (OverlayMount m = ov.mount(l.merged)) {
            assertEquals(cwd, Paths.get("/proc/self/cwd").toRealPath());
        }
        assertEquals(cwd, Paths.get("/proc/self/cwd").toRealPath());
    }

    /** Claim: the shim is extracted into a fresh owner-only directory, never a shared or guessable file. */
    @Test
    void extractionIsOwnerOnly() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("extract"));
        Processes.Result r = Processes.run(Processes.java(), "-Doverlay4j.native.keep=true",
                "-Djava.io.tmpdir=" + dir, "-jar", JarAloneIT.jar().toString(), "umount",
                "/nonexistent/overlay4j-threat-model");
        assertEquals(3, r.exit, r.output);
        List<Path> made = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(made::add);
        }
        assertEquals(1, made.size(), made.toString());
        Path extracted = made.get(0);
        assertTrue(extracted.getFileName().toString().matches("overlay4j-[0-9]+-[0-9a-z]+"), extracted.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(extracted)));
        String filePerms = PosixFilePermissions.toString(Files.getPosixFilePermissions(
                extracted.resolve("liboverlay4j-io.overlay4j.internal.so")));
        assertFalse(filePerms.charAt(4) == 'w' || filePerms.charAt(7) == 'w', filePerms);
    }
}
