package io.overlay4j;

import io.overlay4j.cli.Main;
import io.overlay4j.testing.Layout;
import io.overlay4j.testing.Processes;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An unprivileged user mounts with userxattr inside its own user and mount
 * namespace (unshare -Urm), as rootless container tools do.
 */
class RootlessIT {
    @Test
    void userxattrInAUserNamespace() throws Exception {
        Root.assume(); // to create a user to drop to; the mount itself runs unprivileged
        Path dir = Files.createTempDirectory("overlay4j-rootless-");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Layout l = new Layout(dir);
            Path jar = Files.copy(JarAloneIT.jar(), dir.resolve("overlay4j.jar"));
            Processes.succeed("chown", "-R", "65534:65534", dir.toString());
            String java = Processes.java();
            String script = String.join(" && ",
                    java + " -jar " + jar + " mount -v -o lowerdir=" + l.lower1 + ":" + l.lower2 + ",upperdir=" + l.upper
                            + ",workdir=" + l.work + ",userxattr " + l.merged,
                    "echo \"same.txt: $(cat " + l.merged + "/same.txt)\"",
                    "echo written > " + l.merged + "/new.txt",
                    "rm " + l.merged + "/doomed.txt",
                    "echo list:",
                    java + " -jar " + jar + " list",
                    java + " -jar " + jar + " umount " + l.merged);
            Processes.Result r = Processes.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "unshare", "-Urm", "sh", "-c", script);
            String out = r.output;
            assertEquals(Main.OK, r.exit, out);
            assertTrue(out.contains("mount: overlay mounted on " + l.merged + "."), out);
            // Each line from its own step: the mount line names every path too.
            assertTrue(out.contains("\nsame.txt: lower1\n"), "lower1 wins: " + out);
            String list = out.substring(out.indexOf("\nlist:\n"));
            assertTrue(Pattern.compile("(?m)^\\d+ +" + Pattern.quote(l.merged.toString()) + " +2 +"
                    + Pattern.quote(l.upper.toString()) + "$").matcher(list).find(), "list shows the mount: " + out);
            assertEquals("written\n", Layout.read(l.upper.resolve("new.txt")));
            assertTrue(Files.exists(l.upper.resolve("doomed.txt"), LinkOption.NOFOLLOW_LINKS),
                    "a whiteout for the deleted lower file");
        } finally {
            Processes.succeed("rm", "-rf", dir.toString());
        }
    }

    /** Without userxattr in a user namespace, whiteouts would fail with EIO: overlay4j adds it (and says so). */
    @Test
    void userxattrIsAddedInAUserNamespace() throws Exception {
        Root.assume();
        Path dir = Files.createTempDirectory("overlay4j-rootless-");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Layout l = new Layout(dir);
            Files.createDirectories(l.lower1.resolve("sub/deeper"));
            Path jar = Files.copy(JarAloneIT.jar(), dir.resolve("overlay4j.jar"));
            Processes.succeed("chown", "-R", "65534:65534", dir.toString());
            String java = Processes.java();
            String script = String.join(" && ",
                    java + " -jar " + jar + " mount -o lowerdir=" + l.lower1 + ":" + l.lower2 + ",upperdir=" + l.upper
                            + ",workdir=" + l.work + " " + l.merged,
                    "grep ' " + l.merged + " ' /proc/self/mountinfo",
                    // Remove a lower directory and make it again: a whiteout, then an opaque directory.
                    "rm -r " + l.merged + "/sub",
                    "mkdir " + l.merged + "/sub",
                    "echo again > " + l.merged + "/sub/file",
                    "ls " + l.merged + "/sub",
                    java + " -jar " + jar + " umount " + l.merged);
            Processes.Result r = Processes.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "unshare", "-Urm", "sh", "-c", script);
            assertEquals(Main.OK, r.exit, r.output);
            // The mount table's line for it: its super options, after " - overlay SOURCE ".
            assertTrue(Pattern.compile("(?m)^.* " + Pattern.quote(l.merged.toString())
                    + " .* - overlay \\S+ \\S*,userxattr(,|$)").matcher(r.output).find(), "userxattr was added: " + r.output);
            assertEquals("again\n", Layout.read(l.upper.resolve("sub/file")));
        } finally {
            Processes.succeed("rm", "-rf", dir.toString());
        }
    }
}
