package io.overlay4j.bench;

import io.overlay4j.Overlay;

import java.nio.file.Paths;

/** Child JVM of bench/run: "none" exits at once; "mount" makes one mount+unmount cycle, loader included. */
public final class ColdStart {
    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("mount")) {
            Overlay.builder().lowerdirs(Paths.get(args[2]), Paths.get(args[3])).build().mount(Paths.get(args[1]))
                    .close();
        }
    }
}
