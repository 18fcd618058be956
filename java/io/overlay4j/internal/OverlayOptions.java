package io.overlay4j.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the builder knows about overlayfs's own options (fs/overlayfs/params.c):
 * their values, and combinations the kernel refuses with only a line in dmesg.
 * Unknown keys pass through for the kernel to judge, so newer options work.
 */
public final class OverlayOptions {
    private static final List<String> ON_OFF = Arrays.asList("on", "off");
    private static final Map<String, List<String>> VALUES = new HashMap<>();
    private static final List<String> FLAGS = Arrays.asList("userxattr", "volatile", "default_permissions");
    /** Keys the builder sets through its own methods. */
    private static final List<String> OWNED = Arrays.asList("lowerdir", "upperdir", "workdir", "lowerdir+",
            "datadir+");

    static {
        VALUES.put("redirect_dir", Arrays.asList("on", "off", "follow", "nofollow"));
        VALUES.put("index", ON_OFF);
        VALUES.put("metacopy", ON_OFF);
        VALUES.put("nfs_export", ON_OFF);
        VALUES.put("xino", Arrays.asList("on", "off", "auto"));
        VALUES.put("uuid", Arrays.asList("on", "off", "null", "auto"));
        VALUES.put("verity", Arrays.asList("on", "off", "require"));
    }

    private OverlayOptions() {
    }

    /** Longer than any option name the kernel has. */
    private static final int MAX_KEY = 64;

    /**
     * Checks one option as the builder receives it; value is null for a flag. Keys are
     * spelled as the kernel's parameter tables spell them (fs/overlayfs/params.c, and the
     * VFS's own such as lazytime): lowercase ASCII letters, digits and '_'. Values are
     * printable ASCII: no NUL or other control byte can reach the kernel.
     */
    public static void checkOne(String key, String value) {
        if (!isName(key)) {
            throw new IllegalArgumentException("option key " + quote(key) + " is not an option name: keys are 1 to "
                    + MAX_KEY + " lowercase ASCII letters, digits and '_', starting with a letter, as the kernel's "
                    + "overlay options (index, redirect_dir, userxattr ...) are");
        }
        if (value != null) {
            checkPrintable(value, "value " + quote(value) + " of option " + key, "option values");
        }
        if (OWNED.contains(key)) {
            String method = key.startsWith("datadir") ? "datadirs" : key.replace("+", "") + (key.startsWith("lower")
                    ? "s" : "");
            throw new IllegalArgumentException("option " + key + " is set with Builder." + method + "(...), not option()");
        }
        List<String> allowed = VALUES.get(key);
        if (allowed != null && (value == null || !allowed.contains(value))) {
            throw new IllegalArgumentException("option " + key + " takes a value, one of " + String.join(", ", allowed)
                    + (value == null ? "" : ", not \"" + value + "\""));
        }
        if (FLAGS.contains(key) && value != null) {
            throw new IllegalArgumentException("option " + key + " is a flag and takes no value");
        }
        if (value != null && value.indexOf(',') >= 0) {
            throw new IllegalArgumentException("option " + key + "'s value must not contain ',': \"" + value + "\"");
        }
    }

    /** The longest source fsconfig(2) takes (a string of at most 256 bytes with its NUL). */
    private static final int MAX_SOURCE = 255;

    /**
     * Checks a mount source (the word mountinfo shows before the options): 1 to 255
     * printable ASCII characters, so every strategy can pass it and it reads back the same.
     */
    public static void checkSource(String source) {
        if (source.isEmpty() || source.length() > MAX_SOURCE) {
            throw new IllegalArgumentException("source " + quote(source) + " has " + source.length()
                    + " characters; a source has 1 to " + MAX_SOURCE);
        }
        checkPrintable(source, "source " + quote(source), "sources");
    }

    private static void checkPrintable(String text, String what, String rule) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException(what + " holds " + (c < 0x20 || c == 0x7f ? "a control character"
                        : "a non-ASCII character") + " at index " + i + "; " + rule + " are printable ASCII");
            }
        }
    }

    private static boolean isName(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY || key.charAt(0) < 'a' || key.charAt(0) > 'z') {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                // '+' only in the keys the builder owns (lowerdir+, datadir+), refused below with a pointer.
                return c == '+' && i == key.length() - 1 && OWNED.contains(key);
            }
        }
        return true;
    }

    /** s in quotes, with control and non-ASCII characters as Java escapes, so a message shows them. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append(s.length() > 78 ? "...\"" : "\"").toString();
    }

    /** Said with a userxattr conflict: the caller may not have asked for it. */
    private static final String USERXATTR_ADDED = " (overlay4j adds userxattr by itself in a user namespace; "
            + "Builder.userxattr(false) keeps it off)";

    /** Combinations the kernel would refuse (or silently ignore) with only a line in dmesg. */
    public static void checkAll(Map<String, String> options, boolean hasUpper) throws Refusal {
        if (options.containsKey("volatile") && !hasUpper) {
            throw invalid("option volatile needs an upperdir: it only skips syncing writes to the upper layer");
        }
        String verity = options.get("verity");
        if (verity != null && !verity.equals("off") && !"on".equals(options.get("metacopy"))) {
            throw invalid("option verity=" + verity + " needs metacopy=on: verity checks metacopy files' data");
        }
        if ("on".equals(options.get("metacopy")) && "on".equals(options.get("nfs_export"))) {
            throw invalid("options metacopy=on and nfs_export=on conflict; the kernel supports only one of them");
        }
        // fs/overlayfs/params.c refuses these with only a line in dmesg.
        if (options.containsKey("userxattr") && "on".equals(options.get("metacopy"))) {
            throw invalid("options userxattr and metacopy=on conflict: an unprivileged overlay cannot trust "
                    + "metacopy xattrs; drop metacopy=on" + USERXATTR_ADDED);
        }
        String redirect = options.get("redirect_dir");
        if (options.containsKey("userxattr") && redirect != null && !redirect.equals("nofollow")) {
            throw invalid("options userxattr and redirect_dir=" + redirect + " conflict: with userxattr the kernel "
                    + "takes only redirect_dir=nofollow; drop redirect_dir or set it to nofollow" + USERXATTR_ADDED);
        }
        if ("on".equals(options.get("nfs_export")) && "off".equals(options.get("index"))) {
            throw invalid("options nfs_export=on and index=off conflict: NFS export needs the index; drop index=off");
        }
        if ("on".equals(options.get("metacopy")) && redirect != null && !redirect.equals("on")) {
            throw invalid("options metacopy=on and redirect_dir=" + redirect + " conflict; metacopy=on needs "
                    + "redirect_dir=on (or leave redirect_dir out)");
        }
    }

    private static Refusal invalid(String why) {
        return Errors.precheck(Errno.EINVAL, "mount", null, "build overlay", why);
    }
}
