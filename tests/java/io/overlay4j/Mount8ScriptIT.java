package io.overlay4j;

import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * tests/mount8/layers.sh, a script written for mount(8) and umount(8), run unchanged twice:
 * with the system's programs, and with overlay4j's CLI behind the names `mount` and `umount`.
 * Both runs must print the same.
 */
@ExtendWith(MountGuard.class)
class Mount8ScriptIT {
    static final Path SCRIPT = Paths.get("tests/mount8/layers.sh").toAbsolutePath();

    @TempDir
    Path tmp;

    @Test
    void aMount8ScriptRunsWithOnlyTheProgramReplaced() throws Exception {
        Root.assume();
        Processes.Result system = script(Files.createDirectory(tmp.resolve("system")), null);
        assertEquals(0, system.exit, "the script under mount(8): " + system.output);
        assertTrue(system.output.contains("whiteout: character special file 0:0"), system.output);
        assertTrue(system.output.contains("layers on DIR/view type overlay (ro ...)"), system.output);
        assertTrue(system.output.contains("umount: DIR/view (layers) unmounted"), system.output);

        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path log = tmp.resolve("calls.log");
        for (String program : Arrays.asList("mount", "umount")) {
            Path wrapper = bin.resolve(program);
            Files.write(wrapper, ("#!/bin/sh\necho " + program + " >> '" + log + "'\nexec '" + Processes.java()
                    + "' -jar '" + JarAloneIT.jar().toAbsolutePath() + "' " + program + " \"$@\"\n")
                    .getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Processes.Result ours = script(Files.createDirectory(tmp.resolve("overlay4j")), bin);
        assertEquals(0, ours.exit, "the script under overlay4j: " + ours.output);
        assertEquals(system.output.replace(tmp.resolve("system").toString(), "DIR"),
                ours.output.replace(tmp.resolve("overlay4j").toString(), "DIR"));
        List<String> calls = Files.readAllLines(log);
        assertEquals(Arrays.asList("mount", "umount", "mount", "mount", "mount", "mount", "umount"), calls,
                "overlay4j ran every mount and umount of the script");
    }

    /** Runs the script in dir, with bin (if any) first on PATH. */
    private static Processes.Result script(Path dir, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toString(), dir.toString()).redirectInput(new File("/dev/null"));
        if (bin != null) {
            pb.environment().put("PATH", bin + File.pathSeparator + pb.environment().get("PATH"));
        }
        return Processes.run(pb);
    }
}
