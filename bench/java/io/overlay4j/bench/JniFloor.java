package io.overlay4j.bench;

import java.nio.file.Path;

/** Floor (c): bench/floor_jni.c, floor (a)'s C loop run inside this JVM through one JNI call. */
final class JniFloor {
    private JniFloor() {
    }

    static void load(Path library) {
        System.load(library.toAbsolutePath().toString());
    }

    /** bench_floor's arguments after its name; each cycle's nanoseconds, null past one page. */
    static native long[] run(String[] args);
}
