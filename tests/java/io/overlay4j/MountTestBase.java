package io.overlay4j;

import io.overlay4j.testing.Layout;
import io.overlay4j.testing.MountGuard;
import io.overlay4j.testing.Root;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Real-mount tests over the seed layout in a temporary directory, guarded against leaked mounts. */
@ExtendWith(MountGuard.class)
abstract class MountTestBase {
    @TempDir
    Path tmp;
    Layout l;

    /** For @MethodSource: every strategy this kernel supports. */
    static List<MountStrategy> strategies() {
        return MountStrategy.supported();
    }

    @BeforeEach
    void setUpLayout() throws IOException {
        Root.assume();
        l = new Layout(tmp);
    }
}
