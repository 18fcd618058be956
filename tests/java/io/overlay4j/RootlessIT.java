package io.overlay4j;

import io.overlay4j.cli.Main;
import io.overlay4j.testing.Layout;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;

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
            FailureIT.run("chown", "-R", "65534:65534", dir.toString());
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            String script = String.join(" && ",
                    java + " -jar " + jar + " mount -o lowerdir=" + l.lower1 + ":" + l.lower2 + ",upperdir=" + l.upper
                            + ",workdir=" + l.work + ",userxattr " + l.merged,
                    "cat " + l.merged + "/same.txt",
                    "echo written > " + l.merged + "/new.txt",
                    "rm " + l.merged + "/doomed.txt",
                    java + " -jar " + jar + " list",
                    java + " -jar " + jar + " umount " + l.merged);
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "unshare", "-Urm", "sh", "-c", script).redirectErrorStream(true).start();
            String out = new String(readAll(p), StandardCharsets.UTF_8);
            assertEquals(Main.OK, p.waitFor(), out);
            assertTrue(out.contains("mounted overlay on " + l.merged), out);
            assertTrue(out.contains("lower1"), out);
            assertTrue(out.contains(l.merged.toString()), "list shows the mount: " + out);
            assertEquals("written\n", Layout.read(l.upper.resolve("new.txt")));
            assertTrue(Files.exists(l.upper.resolve("doomed.txt"), LinkOption.NOFOLLOW_LINKS),
                    "a whiteout for the deleted lower file");
        } finally {
            FailureIT.run("rm", "-rf", dir.toString());
        }
    }

    private static byte[] readAll(Process p) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = p.getInputStream().read(buf)) > 0;) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
