package io.overlay4j;

import io.overlay4j.internal.Kernel;

/** Test scope only: a builder whose overlays use the given kernel, for code outside this package (the bench). */
public final class KernelSeam {
    private KernelSeam() {
    }

    public static Overlay.Builder builder(Kernel kernel) {
        return Overlay.builder().kernel(kernel);
    }
}
