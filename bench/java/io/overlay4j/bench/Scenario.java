package io.overlay4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A set of directories to mount over and over: lowers, optional upper and work, a target. */
final class Scenario {
    final String name;
    final List<Path> lowers = new ArrayList<>();
    final Path upper;
    final Path work;
    final Path target;
    final boolean readOnly;
    /** Cycles per contender per round: fewer for the slow big stacks. */
    final int cycles;

    Scenario(String name, Path root, int layers, boolean readOnly, int cycles) throws IOException {
        this.name = name;
        this.readOnly = readOnly;
        this.cycles = cycles;
        Path dir = Files.createDirectories(root.resolve(name));
        for (int i = 0; i < layers; i++) {
            Path l = Files.createDirectories(dir.resolve(String.format("lower%03d", i)));
            Files.write(l.resolve("f"), Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            lowers.add(l);
        }
        upper = readOnly ? null : Files.createDirectories(dir.resolve("upper"));
        work = readOnly ? null : Files.createDirectories(dir.resolve("work"));
        target = Files.createDirectories(dir.resolve("merged"));
    }
}
