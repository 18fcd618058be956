package io.overlay4j;

import io.overlay4j.internal.MountFlag;
import io.overlay4j.internal.Log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the kernel changed, without saying so, in a mount that succeeded: one WARN for
 * each thing the caller asked for and did not get. The flags come from statfs of the new
 * mount (the C core, one syscall); the overlay's options are read from the mount table
 * only when the caller set one whose value the kernel may replace.
 */
final class Downgrades {
    private static final Log LOG = Log.get(Downgrades.class);
    /** Options the kernel may quietly turn to another value (redirect_dir=nofollow, uuid=null ...). */
    private static final List<String> ADJUSTABLE = Arrays.asList("redirect_dir", "index", "metacopy", "nfs_export",
            "xino", "uuid", "verity");

    private Downgrades() {
    }

    /**
     * What the kernel uses for an option it does not show: the overlay module's default
     * (/sys/module/overlay/parameters); null when that cannot be told.
     */
    static String moduleDefault(String key) {
        switch (key) {
            case "index":
            case "metacopy":
            case "nfs_export":
                return yes(key) ? "on" : "off";
            case "redirect_dir":
                return yes("redirect_dir") ? "on" : yes("redirect_always_follow") ? "follow" : "nofollow";
            case "xino":
                return yes("xino_auto") ? "auto" : "off";
            default:
                return null;
        }
    }

    private static boolean yes(String parameter) {
        try {
            byte[] b = Files.readAllBytes(Paths.get("/sys/module/overlay/parameters", parameter));
            return b.length > 0 && b[0] == 'Y';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static void report(Overlay ov, OverlayMount m, int seen) {
        int asked = ov.flags();
        if (seen != MountFlag.UNKNOWN) {
            // Without an upperdir an overlay is read-only by nature.
            if (!MountFlag.RDONLY.in(asked) && ov.upperdir().isPresent() && MountFlag.RDONLY.in(seen)) {
                LOG.warn("the overlay on {} (mount ID {}) was asked read-write, and the kernel mounted it read-only "
                        + "without an error: it gave the reason only in its log (dmesg), e.g. an upper filesystem "
                        + "without d_type or xattr support, or a workdir it could not set up", m.target(), m.mountId());
            }
            for (MountFlag f : MountFlag.values()) {
                // Read-only has its own words above; relatime is the kernel's default atime mode, what a
                // mount has unless another one is set.
                if (f != MountFlag.RDONLY && f != MountFlag.RELATIME && f.in(asked) && !f.in(seen)) {
                    LOG.warn("the overlay on {} (mount ID {}) was asked {} and mounted without it", m.target(),
                            m.mountId(), f.word);
                }
            }
        }
        boolean adjustable = false;
        for (String key : ov.extraOptions().keySet()) {
            adjustable |= ADJUSTABLE.contains(key);
        }
        if (!adjustable) {
            return;
        }
        Map<String, String> got;
        try {
            got = m.info().options();
        } catch (IOException e) {
            LOG.debug("could not read back the options of the overlay on {}: {}", m.target(), e.getMessage());
            return;
        }
        for (Map.Entry<String, String> wanted : ov.extraOptions().entrySet()) {
            String key = wanted.getKey();
            // The kernel shows an option only when it differs from the overlay module's default.
            String value = got.containsKey(key) ? got.get(key) : moduleDefault(key);
            if (ADJUSTABLE.contains(key) && value != null && !value.equals(wanted.getValue())) {
                LOG.warn("the overlay on {} (mount ID {}) was asked {}={} and the kernel uses {}={} (its log, "
                        + "dmesg, may say why)", m.target(), m.mountId(), key, wanted.getValue(), key, value);
            }
        }
    }
}
