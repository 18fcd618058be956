package io.overlay4j.internal;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Loads the shim from the jar (or from target/classes during the build): checks it
 * against the checksum recorded at build time, writes it into a fresh owner-only
 * directory, loads it and deletes it again. Where a directory cannot hold an
 * executable mapping (noexec, read-only, full), the next one is tried:
 * overlay4j.tmpdir, java.io.tmpdir, $XDG_RUNTIME_DIR, ~/.cache/overlay4j, the jar's
 * directory. {@code -Doverlay4j.native.path=/path/liboverlay4j.so} loads a given file.
 */
final class NativeLibrary {
    static final String PATH_PROPERTY = "overlay4j.native.path";
    static final String TMPDIR_PROPERTY = "overlay4j.tmpdir";
    static final String KEEP_PROPERTY = "overlay4j.native.keep";
    private static final String LIBRARY = "liboverlay4j.so";
    /** The build's list of the platforms whose shim the jar carries, one a line (cmake/shims.sh). */
    private static final String PLATFORMS = "io/overlay4j/native/platforms";
    /**
     * The name the shim is loaded under: it carries the package these classes are in, which a
     * shaded jar may have relocated, for the shim's JNI_OnLoad to bind its natives there.
     */
    private static final String LOADED_NAME = "liboverlay4j-"
            + NativeLibrary.class.getName().substring(0, NativeLibrary.class.getName().lastIndexOf('.')) + ".so";
    private static final String DIR_PREFIX = "overlay4j-";

    private NativeLibrary() {
    }

    /** Called once per class loader, from Jni's static initializer (the JVM serializes class initialization). */
    static void load() {
        String override = System.getProperty(PATH_PROPERTY);
        boolean given = override != null && !override.isEmpty();
        String source;
        byte[] shim;
        if (given) {
            // A JVM lets one class loader only load a file: each loader loads its own copy of this one.
            source = override + " given by -D" + PATH_PROPERTY;
            try {
                shim = Files.readAllBytes(Paths.get(override));
            } catch (IOException | RuntimeException e) {
                throw new UnsatisfiedLinkError("overlay4j: cannot load " + source + ": cannot read it (" + e + ")");
            }
        } else {
            String platform = platform();
            source = "io/overlay4j/native/" + platform + "/" + LIBRARY;
            shim = verified(source, platform);
        }
        List<String> attempts = new ArrayList<>();
        List<Path> tried = new ArrayList<>();
        for (int i = 0; i < CANDIDATES; i++) {
            Path parent = candidateDirectory(i);
            if (parent == null || tried.contains(parent)) {
                continue;
            }
            tried.add(parent);
            String loaded = tryLoad(shim, parent, attempts);
            if (loaded != null) {
                checkInterface(given ? override : loaded);
                return;
            }
        }
        String why = "could not load " + source + " from any directory: " + String.join("; ", attempts)
                + ". Set -D" + TMPDIR_PROPERTY + "=DIR to a writable directory on a filesystem mounted without "
                + "noexec";
        throw given ? new UnsatisfiedLinkError("overlay4j: " + why) : failure(why, null);
    }

    /** Extracts and loads the shim under parent; null (and a note in attempts) when that directory cannot serve. */
    private static String tryLoad(byte[] shim, Path parent, List<String> attempts) {
        Path dir;
        try {
            removeStale(parent);
            dir = freshDirectory(parent);
        } catch (IOException | SecurityException e) {
            attempts.add(parent + ": cannot create a directory there (" + e + ")");
            return null;
        }
        Path lib = dir.resolve(LOADED_NAME);
        // java.io rather than Files.write: the JVM has its classes loaded already. Safe here:
        // nobody else can create anything in this fresh 0700 directory.
        try (FileOutputStream out = new FileOutputStream(lib.toFile())) {
            out.write(shim);
        } catch (IOException e) {
            attempts.add(parent + ": cannot write there (" + e + ")");
            deleteQuietly(lib);
            deleteQuietly(dir);
            return null;
        }
        try {
            System.load(lib.toString());
            return lib.toString();
        } catch (UnsatisfiedLinkError e) {
            attempts.add(parent + ": " + (String.valueOf(e.getMessage()).contains("failed to map segment")
                    ? "mounted noexec" : e.getMessage()));
        } finally {
            if (!Boolean.getBoolean(KEEP_PROPERTY)) {
                // A loaded library stays mapped after its file is gone.
                deleteQuietly(lib);
                deleteQuietly(dir);
            }
        }
        return null;
    }

    /** The platform's shim, after comparing it with the CRC-32 the build recorded beside it. */
    private static byte[] verified(String resource, String platform) {
        byte[] shim;
        byte[] recorded;
        String jar = jarFile();
        try {
            if (jar != null) {
                // Straight from our own jar: the class loader's resource lookup first searches the
                // JDK's module image, several milliseconds in a fresh JVM.
                try (ZipFile zip = new ZipFile(jar)) {
                    shim = entry(zip, resource);
                    recorded = entry(zip, resource + ".crc32");
                }
            } else {
                shim = classpathResource(resource);
                recorded = classpathResource(resource + ".crc32");
            }
        } catch (ZipException e) {
            // ZipFile checks no entry's CRC, but a damaged deflate stream fails to inflate.
            throw failure(resource + " is corrupted (" + e.getMessage() + "); replace the jar", e);
        } catch (IOException e) {
            throw failure("cannot read " + resource + ": " + e, e);
        }
        if (shim == null) {
            throw failure("no shim for " + platform, null);
        }
        CRC32 crc = new CRC32();
        crc.update(shim, 0, shim.length);
        String expected = recorded == null ? "(none recorded)" : new String(recorded, StandardCharsets.US_ASCII).trim();
        if (!expected.equals(Long.toString(crc.getValue()))) {
            throw failure(resource + " is corrupted: its CRC-32 is " + crc.getValue() + ", the build recorded "
                    + expected + "; replace the jar", null);
        }
        return shim;
    }

    private static byte[] entry(ZipFile zip, String name) throws IOException {
        ZipEntry e = zip.getEntry(name);
        return e == null ? null : readAll(zip.getInputStream(e));
    }

    private static byte[] classpathResource(String resource) throws IOException {
        InputStream in = NativeLibrary.class.getClassLoader().getResourceAsStream(resource);
        return in == null ? null : readAll(in);
    }

    static byte[] readAll(InputStream stream) throws IOException {
        try (InputStream in = stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 17);
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static final int CANDIDATES = 5;

    /**
     * The i-th place to extract to, in order of preference, or null when it is not
     * set: computed only when the ones before could not serve (most loads stop at
     * java.io.tmpdir and never read the environment or the code source).
     */
    static Path candidateDirectory(int i) {
        switch (i) {
            case 0:
                return directory(System.getProperty(TMPDIR_PROPERTY));
            case 1:
                return directory(System.getProperty("java.io.tmpdir"));
            case 2:
                return directory(System.getenv("XDG_RUNTIME_DIR"));
            case 3:
                String home = System.getProperty("user.home");
                if (home == null || home.isEmpty()) {
                    return null;
                }
                try {
                    return Files.createDirectories(Paths.get(home, ".cache", "overlay4j")).toAbsolutePath();
                } catch (IOException | SecurityException e) {
                    return null;
                }
            default:
                return directory(jarDirectory());
        }
    }

    private static Path directory(String dir) {
        return dir == null || dir.isEmpty() ? null : Paths.get(dir).toAbsolutePath().normalize();
    }

    private static String jarDirectory() {
        String jar = jarFile();
        return jar == null ? null : new File(jar).getParent();
    }

    /** The jar this class was loaded from, or null (a directory such as target/classes, or a nested jar). */
    private static String jarFile() {
        try {
            CodeSource source = NativeLibrary.class.getProtectionDomain().getCodeSource();
            if (source != null && source.getLocation() != null) {
                File jar = new File(source.getLocation().toURI());
                return jar.isFile() ? jar.getPath() : null;
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // not a plain file
        }
        return null;
    }

    /**
     * A new owner-only directory under parent, named overlay4j-PID-RANDOM. mkdir fails
     * on any existing name, symbolic links included, so a planted path is never used;
     * the random part only avoids collisions. Not Files.createTempDirectory: its
     * SecureRandom loads the JDK's security providers, tens of milliseconds in a fresh JVM.
     */
    private static Path freshDirectory(Path parent) throws IOException {
        FileAttribute<Set<PosixFilePermission>> ownerOnly =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        for (int attempt = 0;; attempt++) {
            Path dir = parent.resolve(DIR_PREFIX + pid() + "-"
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            try {
                return Files.createDirectory(dir, ownerOnly);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) {
                    throw e;
                }
            }
        }
    }

    /**
     * Deletes what JVMs killed while loading left behind: our directories whose
     * process is gone. A live JVM's directory (its PID still running) is left alone.
     */
    private static void removeStale(Path parent) {
        // java.io and no glob or regex: cheap in a fresh JVM (a glob bootstraps lambdas).
        String[] names = parent.toFile().list();
        if (names == null) {
            return;
        }
        for (String name : names) {
            int dash = name.indexOf('-', DIR_PREFIX.length());
            if (name.startsWith(DIR_PREFIX) && dash > DIR_PREFIX.length() && digits(name, DIR_PREFIX.length(), dash)
                    && !new File("/proc", name.substring(DIR_PREFIX.length(), dash)).exists()) {
                Path dir = parent.resolve(name);
                String[] files = dir.toFile().list();
                if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && files != null) {
                    for (String file : files) {
                        deleteQuietly(dir.resolve(file));
                    }
                    deleteQuietly(dir);
                }
            }
        }
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String pid() {
        try {
            return new File("/proc/self").getCanonicalFile().getName();
        } catch (IOException e) {
            return "0";
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // left for removeStale in a later JVM
        }
    }

    /** The shim and this jar must agree on the native interface; an old shim lacks the call. */
    private static void checkInterface(String lib) {
        int version;
        try {
            version = Jni.interfaceVersion();
        } catch (UnsatisfiedLinkError e) {
            version = 0;
        }
        if (version != Jni.INTERFACE_VERSION) {
            throw failure("the shim " + lib + " implements native interface version " + version + ", this jar needs "
                    + Jni.INTERFACE_VERSION + "; use the shim built with this jar (unset -D" + PATH_PROPERTY
                    + " or point it at a matching build)", null);
        }
    }

    /** The shim's directory name in the jar for the running platform, e.g. linux-x86_64. */
    static String platform() {
        String platform = platform(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (Libc.isMusl()) {
            throw failure("this is a musl libc system (Alpine?) and the shims in the jar are built for glibc; "
                    + "musl is not supported out of the box: build the shim with musl-gcc from native/ and include/ "
                    + "and pass it with -D" + PATH_PROPERTY, null);
        }
        return platform;
    }

    /**
     * linux-ARCH for os.name and os.arch. ARCH is the os.arch of a HotSpot JVM (riscv64, ppc64le, s390x,
     * ...: cmake/architectures names them so), where JVMs differ the name the JDK's own build uses.
     */
    static String platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        if (arch.equals("amd64")) {
            arch = "x86_64";
        } else if (arch.equals("arm64")) {
            arch = "aarch64";
        }
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_')) + "-" + arch;
    }

    /** The platforms whose shim is in the jar: a build without a cross toolchain leaves some out. */
    private static String carried() {
        try {
            byte[] list = classpathResource(PLATFORMS);
            if (list != null) {
                String found = new String(list, StandardCharsets.US_ASCII).trim().replace('\n', ' ');
                return found.isEmpty() ? "no platform" : String.join(", ", found.split(" "));
            }
        } catch (IOException e) {
            // said below
        }
        return "no platform (no " + PLATFORMS + ")";
    }

    private static UnsatisfiedLinkError failure(String why, Throwable cause) {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("overlay4j: " + why + " (os.name="
                + System.getProperty("os.name") + ", os.arch=" + System.getProperty("os.arch")
                + "; the jar carries shims for " + carried() + "; -D" + PATH_PROPERTY
                + "=/path/to/" + LIBRARY + " loads one built for another platform)");
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
