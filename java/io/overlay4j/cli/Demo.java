package io.overlay4j.cli;

import io.overlay4j.Overlay;
import io.overlay4j.OverlayMount;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The walkthrough overlay4j grew from, narrated: two lower layers, an upper and
 * a work directory, and what reads, writes and deletes through the merged view do.
 */
final class Demo implements Command {
    static final String HELP = String.join("\n",
            "usage: demo [--keep | --wait] [DIR]",
            "",
            "Creates lower1 lower2 upper work merged in DIR (default: a new temporary directory),",
            "mounts the overlay on merged and shows which layer wins, copy-up and whiteouts. Run again",
            "in the same DIR, it starts from fresh layers. Interrupted (Ctrl-C, SIGTERM), it unmounts.",
            "  --keep  leave the overlay mounted and print how to unmount it",
            "  --wait  wait for Enter before unmounting, to look around in merged",
            "");
    /** Marks a directory the demo made, so that a second run may start it afresh. */
    static final String MARKER = ".overlay4j-demo";
    private static final List<String> LAYOUT = java.util.Arrays.asList("lower1", "lower2", "upper", "work", "merged",
            MARKER);

    /** st_mode's file-type bits for a character device (S_IFMT, S_IFCHR). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private PrintStream out;

    @Override
    public List<String> names() {
        return java.util.Arrays.asList("demo");
    }

    @Override
    public String summary() {
        return "the union-filesystem walkthrough, narrated";
    }

    @Override
    public int run(List<String> args, Console console) throws Exception {
        out = console.out;
        OptionScanner scan = new OptionScanner(args, "", "--keep", "--wait", "--help", "--debug");
        boolean keep = false;
        boolean wait = false;
        Path dir = null;
        while (scan.next()) {
            String option = String.valueOf(scan.option());
            if (option.equals("-h") || option.equals("--help")) {
                out.print(HELP);
                return Main.OK;
            } else if (option.equals("--keep")) {
                keep = true;
            } else if (option.equals("--wait")) {
                wait = true;
            } else if (option.equals("--debug")) {
                console.debug = true;
            } else if (scan.option() != null || dir != null) {
                throw new UsageException("demo takes [--keep | --wait] and at most one DIR; try demo --help");
            } else {
                dir = Arguments.path(scan.value());
            }
        }
        if (keep && wait) {
            throw new UsageException("demo takes --keep or --wait, not both");
        }
        dir = dir == null ? Files.createTempDirectory("overlay4j-demo-") : prepare(dir);
        Files.write(dir.resolve(MARKER), new byte[0]);
        Path lower1 = Files.createDirectories(dir.resolve("lower1"));
        Path lower2 = Files.createDirectories(dir.resolve("lower2"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path merged = Files.createDirectories(dir.resolve("merged"));

        say("1. Layers in " + dir.toAbsolutePath());
        write(lower1.resolve("common.txt"), "from lower1");
        write(lower2.resolve("common.txt"), "from lower2");
        write(lower2.resolve("lower2-only.txt"), "original text in lower2");
        write(lower1.resolve("doomed.txt"), "delete me");
        say("   lower1: common.txt, doomed.txt    lower2: common.txt, lower2-only.txt");

        Overlay overlay = Overlay.builder()
                .lowerdirs(lower1, lower2)
                .upperdir(upper).workdir(work)
                .build();
        say("2. mount -t overlay overlay -o " + overlay.options() + " " + merged);
        OverlayMount mount = overlay.mount(merged);
        // Ctrl-C or SIGTERM while it runs: unmount on the way out rather than leave it behind.
        Thread unmountOnExit = new Thread(() -> {
            try {
                mount.close();
            } catch (IOException e) {
                System.err.println("overlay4j: demo interrupted, and " + e.getMessage());
            }
        });
        if (!keep) {
            Runtime.getRuntime().addShutdownHook(unmountOnExit);
        }
        try {
            say("   merged now lists: " + list(merged));
            say("3. merged/common.txt reads \"" + read(merged.resolve("common.txt"))
                    + "\": the earlier lowerdir (lower1) wins");

            write(merged.resolve("new.txt"), "written through merged");
            say("4. Created merged/new.txt -> it lands in upper: upper/new.txt exists = "
                    + Files.exists(upper.resolve("new.txt")));

            write(merged.resolve("lower2-only.txt"), "changed through merged");
            say("5. Modified merged/lower2-only.txt -> copy-up: upper has \""
                    + read(upper.resolve("lower2-only.txt")) + "\", lower2 still has \""
                    + read(lower2.resolve("lower2-only.txt")) + "\"");

            Files.delete(merged.resolve("doomed.txt"));
            say("6. Deleted merged/doomed.txt -> gone from merged (" + !Files.exists(merged.resolve("doomed.txt"))
                    + "), still in lower1 (" + Files.exists(lower1.resolve("doomed.txt"))
                    + "), and upper/doomed.txt is " + describe(upper.resolve("doomed.txt")));

            say("7. upper/ now holds:");
            try (Stream<Path> entries = Files.list(upper)) {
                for (Path p : entries.sorted().collect(Collectors.toList())) {
                    say("     " + p.getFileName() + "  (" + describe(p) + ")");
                }
            }
            if (wait) {
                say("   Look around in " + merged + "; press Enter to unmount.");
                System.in.read();
            }
        } finally {
            if (keep) {
                say("8. Left mounted on " + mount.target() + "; unmount with:");
                say("     java -jar overlay4j.jar umount " + mount.target());
            } else {
                mount.close();
                Runtime.getRuntime().removeShutdownHook(unmountOnExit);
                say("8. Unmounted " + mount.target() + "; the layers stay in " + dir.toAbsolutePath());
            }
        }
        return Main.OK;
    }

    /**
     * DIR for a new run: created if missing; an earlier demo's layers (its marker present,
     * merged not mounted) removed so that the walkthrough starts from scratch; refused with
     * what to do when it holds anything else, or an earlier demo still mounted.
     */
    private static Path prepare(Path dir) throws IOException, UsageException {
        Files.createDirectories(dir);
        List<String> names = new java.util.ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        if (names.isEmpty()) {
            return dir;
        }
        if (!names.contains(MARKER) || !LAYOUT.containsAll(names)) {
            throw new UsageException("demo needs an empty DIR or one an earlier demo made, and " + dir + " holds "
                    + String.join(", ", names) + "; give another DIR");
        }
        Path merged = dir.resolve("merged");
        if (Files.isDirectory(merged) && io.overlay4j.Mounts.isMountPoint(merged)) {
            throw new UsageException(merged + " is still mounted from an earlier demo (run with --keep, or killed "
                    + "before it could unmount); unmount it first: java -jar overlay4j.jar umount " + merged);
        }
        // Never reach into a mount someone placed in it: look at everything before deleting anything.
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && !p.equals(dir))
                    .collect(Collectors.toList())) {
                if (io.overlay4j.Mounts.isMountPoint(p)) {
                    throw new UsageException(p + " is a mount point inside an earlier demo's directory; unmount it "
                            + "first, or give another DIR");
                }
            }
        }
        for (String name : names) {
            delete(dir.resolve(name));
        }
        return dir;
    }

    private static void delete(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> entries = Files.list(p)) {
                for (Path e : entries.collect(Collectors.toList())) {
                    delete(e);
                }
            }
        }
        Files.delete(p);
    }

    private void say(String line) {
        out.println(line);
    }

    private static void write(Path p, String text) throws IOException {
        Files.write(p, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }

    private static String list(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.joining(", "));
        }
    }

    /** "regular file", "directory", or "whiteout (character device 0/0)". */
    static String describe(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        Map<String, Object> attrs = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) attrs.get("mode");
        long rdev = (Long) attrs.get("rdev");
        if ((mode & S_IFMT) == S_IFCHR) {
            String dev = "character device " + (rdev >>> 8 & 0xfff) + "/" + (rdev & 0xff);
            return rdev == 0 ? "a whiteout: " + dev : dev;
        }
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "directory" : "regular file";
    }
}
