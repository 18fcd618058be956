package io.overlay4j.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes every real-mount test leave /proc/self/mountinfo as it found it: after
 * each test, mounts that appeared under its @TempDir during it are detached (so a
 * failing test cannot leak one into the next) and the test fails if there were
 * any. Mounts elsewhere belong to other processes (another build on the machine).
 */
public final class MountGuard implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private List<String> beforeAll;
    private List<String> beforeEach;
    private final List<String> roots = new ArrayList<>();

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        beforeAll = mountPoints();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        beforeEach = mountPoints();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Class<?> c = instance.getClass(); c != Object.class; c = c.getSuperclass()) {
                for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                    if (f.isAnnotationPresent(org.junit.jupiter.api.io.TempDir.class) && f.getType() == Path.class) {
                        f.setAccessible(true);
                        Object dir = f.get(instance);
                        if (dir != null) {
                            roots.add(dir.toString());
                        }
                    }
                }
            }
        }
        List<String> leaked = detachNew(beforeEach);
        if (!leaked.isEmpty() && !context.getExecutionException().isPresent()) {
            throw new AssertionError("test left mounts behind (now detached): " + leaked);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> leaked = detachNew(beforeAll);
        if (!leaked.isEmpty()) {
            throw new AssertionError("test class left mounts behind (now detached): " + leaked);
        }
    }

    private List<String> detachNew(List<String> before) throws Exception {
        List<String> added = new ArrayList<>();
        for (String p : mountPoints()) {
            if (roots.stream().anyMatch(r -> p.equals(r) || p.startsWith(r + "/"))) {
                added.add(p);
            }
        }
        for (String p : before) {
            added.remove(p);
        }
        for (int i = added.size() - 1; i >= 0; i--) {
            Process p = new ProcessBuilder("umount", "-l", added.get(i)).inheritIO().start();
            p.waitFor();
        }
        return added;
    }

    /** Mount points in mountinfo order, octal escapes decoded. */
    public static List<String> mountPoints() throws IOException {
        List<String> points = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1)) {
            points.add(unescape(line.split(" ")[4]));
        }
        return points;
    }

    /** The mount points under root, for before/after comparisons. */
    public static List<String> mountPointsUnder(Path root) throws IOException {
        List<String> under = new ArrayList<>();
        for (String p : mountPoints()) {
            if (p.startsWith(root.toString())) {
                under.add(p);
            }
        }
        return under;
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return new String(out.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
