package io.overlay4j.internal;

/**
 * Words the failures overlay4j reports: what failed, why, and what to do, with the errno
 * the kernel gave (or would give, for a check made before the syscall).
 */
public final class Errors {
    private static final String OWN_PREFIX = "overlay4j: ";

    private Errors() {
    }

    /**
     * A failed syscall.
     *
     * @param action what the caller asked for, e.g. "mount overlay on /srv/merged"
     * @param file the path to report when the syscall names none
     * @param diagnosis when not null, what overlay4j found that explains an EINVAL the kernel gave no words for
     */
    public static Refusal fromSyscall(SyscallException e, String action, String file, String diagnosis) {
        int errno = e.errno();
        StringBuilder why = new StringBuilder();
        String path = e.path();
        why.append(e.operation());
        if (path != null) {
            why.append(' ').append(path);
        }
        why.append(": ").append(Errno.describe(errno));
        boolean explained = false;
        for (String line : e.kernelMessages()) {
            // The C core's own lines ("overlay4j: ...") speak for themselves.
            boolean ours = line.startsWith(OWN_PREFIX);
            why.append(ours ? "; " : "; the kernel says: ").append(ours ? line.substring(OWN_PREFIX.length()) : line);
            explained = true;
        }
        String hint = diagnosis != null && !explained && errno == Errno.EINVAL ? diagnosis
                : Hints.forFailure(e.operation(), errno, explained);
        if (hint != null) {
            why.append("; ").append(hint);
        }
        return refusal(errno, e.operation(), path != null ? path : file, action + " failed: " + why);
    }

    /**
     * A check made before the syscall, reported with the errno the kernel would give.
     *
     * @param errno e.g. {@link Errno#EINVAL}
     */
    public static Refusal precheck(int errno, String operation, String file, String action, String why) {
        return refusal(errno, operation, file, action + " failed: " + why);
    }

    private static Refusal refusal(int errno, String operation, String file, String text) {
        return new Refusal(errno, operation, file, text + " (" + Errno.name(errno) + ", errno " + errno + ")");
    }
}
