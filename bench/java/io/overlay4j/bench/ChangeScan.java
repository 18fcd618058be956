package io.overlay4j.bench;

import io.overlay4j.Overlay;
import io.overlay4j.OverlayMount;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * bench/run changes: an upper with 100 000 entries (new files, copy-ups, whiteouts) made through a
 * real mount, scanned by Overlay.changes() and exportChanges() in a JVM with a 64 MB heap, next
 * to find(1) listing the same upper with -printf; time (best of 5) and peak RSS of each.
 */
final class ChangeScan {
    private static final int DIRS = 100;
    private static final int LOWER_FILES = 100;
    private static final int NEW_FILES = 980;
    private static final int RUNS = 5;

    private ChangeScan() {
    }

    static void run() throws Exception {
        Path root = Files.createTempDirectory("overlay4j-changes-");
        Path lower = Files.createDirectories(root.resolve("lower"));
        Path upper = Files.createDirectories(root.resolve("upper"));
        Path work = Files.createDirectories(root.resolve("work"));
        Path merged = Files.createDirectories(root.resolve("merged"));
        try {
            byte[] content = "content\n".getBytes(StandardCharsets.US_ASCII);
            for (int d = 0; d < DIRS; d++) {
                Path dir = Files.createDirectories(lower.resolve("d" + d));
                for (int f = 0; f < LOWER_FILES; f++) {
                    Files.write(dir.resolve("lower" + f), content);
                }
            }
            Overlay ov = Overlay.builder().lowerdirs(lower).upperdir(upper).workdir(work).build();
            try (OverlayMount m = ov.mount(merged)) {
                for (int d = 0; d < DIRS; d++) {
                    Path dir = m.target().resolve("d" + d);
                    for (int f = 0; f < NEW_FILES; f++) {
                        Files.write(dir.resolve("new" + f), content);
                    }
                    for (int f = 0; f < 10; f++) {
                        Files.write(dir.resolve("lower" + f), content); // copied up
                        Files.delete(dir.resolve("lower" + (LOWER_FILES - 1 - f))); // a whiteout
                    }
                }
            }
            long entries;
            try (java.util.stream.Stream<Path> s = Files.walk(upper)) {
                entries = s.count() - 1;
            }
            System.out.printf("changes: an upper of %d entries (%d directories), %d changes%n", entries, DIRS,
                    ov.changes().size());
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            List<String[]> rows = new ArrayList<>();
            rows.add(measure("find upper -printf '%p %y %m %U %G %s %T@'",
                    "find", upper.toString(), "-printf", "%p %y %m %U %G %s %T@\\n"));
            rows.add(measure("Overlay.changes() (-Xmx64m)", java, "-Xmx64m", "-cp", cp, Child.class.getName(),
                    "changes", lower.toString(), upper.toString()));
            rows.add(measure("Overlay.exportChanges() (-Xmx64m)", java, "-Xmx64m", "-cp", cp,
                    Child.class.getName(), "export", lower.toString(), upper.toString()));
            double floor = Double.parseDouble(rows.get(0)[1]);
            System.out.printf("%-40s %10s %8s %12s%n", "contender", "best ms", "x find", "peak RSS MB");
            for (String[] r : rows) {
                System.out.printf("%-40s %10s %8.1f %12s%n", r[0], r[1], Double.parseDouble(r[1]) / floor, r[2]);
            }
            System.out.println("(JVM rows include the JVM's start, about 40-80 ms; the child prints its own scan time"
                    + " in ms: " + rows.get(1)[3] + " and " + rows.get(2)[3] + ")");
        } finally {
            Contenders.exec(Arrays.asList("rm", "-rf", root.toString()), false);
        }
    }

    /** Best wall time (ms) and the peak RSS (MB) of that run, by /usr/bin/time; the child's own last line. */
    private static String[] measure(String name, String... command) throws Exception {
        long best = Long.MAX_VALUE;
        String rss = "?";
        String own = "";
        for (int i = 0; i < RUNS; i++) {
            List<String> c = new ArrayList<>(Arrays.asList("/usr/bin/time", "-f", "RSS %M"));
            c.addAll(Arrays.asList(command));
            Process p = new ProcessBuilder(c).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            long start = System.nanoTime();
            byte[] out = readAll(p.getInputStream());
            String err = new String(readAll(p.getErrorStream()), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(name + " failed: " + err);
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            if (ms < best) {
                best = ms;
                for (String line : err.split("\n")) {
                    if (line.startsWith("RSS ")) {
                        rss = String.format("%.1f", Long.parseLong(line.substring(4).trim()) / 1024.0);
                    }
                }
                String text = new String(out, StandardCharsets.ISO_8859_1).trim();
                own = text.startsWith("scan ms ") ? text.substring(8) : "";
            }
        }
        return new String[] {name, Long.toString(best), rss, own};
    }

    private static byte[] readAll(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[65536];
        for (int n; (n = in.read(b)) > 0;) {
            out.write(b, 0, n);
        }
        return out.toByteArray();
    }

    /** The scan in a JVM of its own: "changes" or "export" (to nowhere) LOWER UPPER; prints "scan ms N". */
    static final class Child {
        public static void main(String[] args) throws Exception {
            Overlay ov = Overlay.builder().lowerdirs(Paths.get(args[1])).upperdir(Paths.get(args[2])).build();
            long start = System.nanoTime();
            if (args[0].equals("changes")) {
                ov.changes();
            } else {
                ov.exportChanges(new OutputStream() {
                    @Override
                    public void write(int b) {
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                    }
                });
            }
            System.out.println("scan ms " + (System.nanoTime() - start) / 1_000_000);
        }
    }
}
