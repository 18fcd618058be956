package io.overlay4j.internal;

import io.overlay4j.testing.Names;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Bytes to Path and back, in whatever locale the build runs (NamesIT forks the others). */
class PathBytesTest {
    private static byte[] b(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void everyNameRoundTripsByteForByte() {
        String[] names = {"/l\u00ff", "/lower-\u00c3\u00bc", "/a/\u00ef\u00bf\u00bd/b", "/sp ace/%41/new\nline",
                "l\u00ff", "../l\u00ff", "./x\u00c3\u00bc/../y", "plain/relative", "/"};
        for (String n : names) {
            Path p = PathBytes.toPath(b(n));
            assertEquals(n.startsWith("/"), p.isAbsolute(), n);
            assertArrayEquals(b(n), PathBytes.of(p), n);
        }
    }

    @Test
    void theLossyTwinIsAnotherPath() {
        Path real = PathBytes.toPath(b("/t/m\u00ff"));
        Path twin = PathBytes.toPath("/t/m\ufffd".getBytes(StandardCharsets.UTF_8));
        assertFalse(real.equals(twin));
        assertArrayEquals(b("/t/m\u00ff"), Names.bytes(real), "the Path holds the bytes themselves");
    }

    @Test
    void keysDifferExactlyWhenBytesDo() {
        assertFalse(PathBytes.key(b("/m\u00ff")).equals(PathBytes.key(b("/m\u00fe"))));
    }

    @Test
    void emptyPathsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PathBytes.of(Paths.get("")));
    }
}
