package io.overlay4j;

import io.overlay4j.internal.Jni;
import io.overlay4j.internal.Kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * How an overlay is handed to the kernel. By default overlay4j probes the kernel
 * once and uses the first of these it supports; the system property
 * {@code overlay4j.strategy} ({@code fd}, {@code string}, {@code legacy}) or
 * {@link Overlay.Builder#strategy(MountStrategy)} forces one.
 */
public enum MountStrategy {
    /** New mount API, each layer passed as an open directory descriptor (Linux 6.13+). Nothing is parsed. */
    FD(Jni.STRATEGY_FD),
    /** New mount API, each layer passed as a "lowerdir+" string (Linux 6.8+); paths under 256 bytes. */
    STRING(Jni.STRATEGY_STRING),
    /** mount(2) with one escaped option string of at most one page. */
    LEGACY(Jni.STRATEGY_LEGACY);

    final int code;

    MountStrategy(int code) {
        this.code = code;
    }

    /**
     * The strategies the running kernel supports, best first (probed once, without mounting).
     *
     * @return the supported strategies, best first
     */
    public static List<MountStrategy> supported() {
        MountStrategy best = ofCode(Kernel.system().bestStrategy());
        List<MountStrategy> list = new ArrayList<>();
        for (MountStrategy s : values()) {
            if (s.ordinal() >= best.ordinal()) {
                list.add(s);
            }
        }
        return list;
    }

    static MountStrategy ofCode(int code) {
        for (MountStrategy s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy code " + code);
    }
}
