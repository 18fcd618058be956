package io.overlay4j.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonicalizes an overlay's directories and checks, before any syscall, what
 * the kernel would otherwise refuse with a bare EINVAL and a line in dmesg.
 */
public final class Layers {
    /** The kernel's OVL_MAX_STACK. */
    public static final int MAX_LOWERDIRS = 500;

    private static final String BUILD = "build overlay";
    private static final String OPERATION = "mount";

    public final List<Path> lowerdirs;
    public final Path upperdir;
    public final Path workdir;

    private Layers(List<Path> lowerdirs, Path upperdir, Path workdir) {
        this.lowerdirs = lowerdirs;
        this.upperdir = upperdir;
        this.workdir = workdir;
    }

    public static Layers check(List<Path> lowers, Path upper, Path work) throws IOException {
        if (lowers.isEmpty()) {
            throw invalid(null, "no lowerdir given; an overlay needs at least one lower directory");
        }
        if (lowers.size() > MAX_LOWERDIRS) {
            throw invalid(null, lowers.size() + " lowerdirs given; the kernel stacks at most " + MAX_LOWERDIRS);
        }
        if (upper != null && work == null) {
            throw invalid(upper.toString(), "upperdir " + upper + " given without workdir; overlayfs needs an empty "
                    + "workdir on the same filesystem as upperdir");
        }
        if (work != null && upper == null) {
            throw invalid(work.toString(), "workdir " + work + " given without upperdir; set upperdir too, or "
                    + "neither for a read-only overlay");
        }
        if (upper == null && lowers.size() < 2) {
            throw invalid(lowers.get(0).toString(), "a single lowerdir without upperdir; a read-only overlay needs "
                    + "at least 2 lowerdirs (or add upperdir and workdir)");
        }
        List<Path> canonicalLowers = new ArrayList<>(lowers.size());
        Map<Path, String> seen = new HashMap<>();
        for (int i = 0; i < lowers.size(); i++) {
            String role = "lowerdir " + (i + 1);
            Path dir = directory(lowers.get(i), role);
            unique(seen, dir, role);
            canonicalLowers.add(dir);
        }
        Path canonicalUpper = null;
        Path canonicalWork = null;
        if (upper != null) {
            canonicalUpper = directory(upper, "upperdir");
            unique(seen, canonicalUpper, "upperdir");
            canonicalWork = directory(work, "workdir");
            unique(seen, canonicalWork, "workdir");
            checkUpperAndWork(canonicalLowers, canonicalUpper, canonicalWork);
        }
        return new Layers(canonicalLowers, canonicalUpper, canonicalWork);
    }

    private static void checkUpperAndWork(List<Path> lowers, Path upper, Path work) throws IOException {
        if (work.startsWith(upper) || upper.startsWith(work)) {
            throw invalid(work.toString(), "workdir " + work + " and upperdir " + upper + " are nested; they must be "
                    + "separate directories, neither inside the other (e.g. siblings)");
        }
        for (Path lower : lowers) {
            if (upper.startsWith(lower) || lower.startsWith(upper) || lower.startsWith(work)) {
                throw Errors.precheck("ELOOP", OPERATION, upper.toString(), BUILD, "lowerdir " + lower
                        + " overlaps upperdir " + upper + " or workdir " + work
                        + "; the kernel refuses layers nested inside each other");
            }
        }
        Object upperDev = Files.getAttribute(upper, "unix:dev");
        Object workDev = Files.getAttribute(work, "unix:dev");
        if (!upperDev.equals(workDev)) {
            throw Errors.precheck("EINVAL", OPERATION, work.toString(), BUILD, "upperdir " + upper + " and workdir "
                    + work + " are on different filesystems; overlayfs needs both on the same one");
        }
    }

    private static void unique(Map<Path, String> seen, Path dir, String role) throws IOException {
        String other = seen.putIfAbsent(dir, role);
        if (other != null) {
            throw invalid(dir.toString(), other + " and " + role + " are the same directory " + dir
                    + "; each layer must be a different directory");
        }
    }

    private static FileSystemException invalid(String file, String why) {
        return Errors.precheck("EINVAL", OPERATION, file, BUILD, why);
    }

    /** The canonical form of an existing directory: absolute, symbolic links resolved. */
    private static Path directory(Path p, String role) throws IOException {
        Path dir = canonical(p, role, BUILD);
        requireDirectory(dir, role, BUILD);
        return dir;
    }

    /** p made absolute with symbolic links resolved; a typed exception naming role when that fails. */
    public static Path canonical(Path p, String role, String action) throws IOException {
        try {
            return p.toRealPath();
        } catch (NoSuchFileException e) {
            throw Errors.precheck("ENOENT", OPERATION, p.toString(), action, role + " " + p.toAbsolutePath()
                    + " does not exist; create it or fix the path");
        } catch (AccessDeniedException e) {
            throw Errors.precheck("EACCES", OPERATION, p.toString(), action, role + " " + p.toAbsolutePath()
                    + " cannot be resolved: permission denied on it or a parent directory");
        } catch (FileSystemLoopException e) {
            throw Errors.precheck("ELOOP", OPERATION, p.toString(), action, role + " " + p.toAbsolutePath()
                    + " cannot be resolved: too many levels of symbolic links");
        }
    }

    public static void requireDirectory(Path dir, String role, String action) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw Errors.precheck("ENOTDIR", OPERATION, dir.toString(), action, role + " " + dir
                    + " is not a directory");
        }
    }
}
