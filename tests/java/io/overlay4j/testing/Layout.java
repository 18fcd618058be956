package io.overlay4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The seed walkthrough's directories: lower1 lower2 upper work merged, with files in the lowers. */
public final class Layout {
    public final Path root;
    public final Path lower1;
    public final Path lower2;
    public final Path upper;
    public final Path work;
    public final Path merged;

    public Layout(Path root) throws IOException {
        this.root = root;
        lower1 = Files.createDirectories(root.resolve("lower1"));
        lower2 = Files.createDirectories(root.resolve("lower2"));
        upper = Files.createDirectories(root.resolve("upper"));
        work = Files.createDirectories(root.resolve("work"));
        merged = Files.createDirectories(root.resolve("merged"));
        write(lower1.resolve("same.txt"), "lower1");
        write(lower2.resolve("same.txt"), "lower2");
        write(lower2.resolve("only2.txt"), "two");
        write(lower1.resolve("doomed.txt"), "bye");
    }

    public static void write(Path p, String text) throws IOException {
        Files.write(p, text.getBytes(StandardCharsets.UTF_8));
    }

    public static String read(Path p) throws IOException {
        return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    }
}
