package io.overlay4j.internal;

/** What a person can do about a failure, by syscall and errno. */
final class Hints {
    private Hints() {
    }

    static String forFailure(String operation, int errno, boolean kernelExplained) {
        boolean unmount = "umount2".equals(operation);
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            return unmount
                    ? "unmounting needs CAP_SYS_ADMIN in the mount's namespace (run as root)"
                    : "mounting needs CAP_SYS_ADMIN (run as root, or in a user namespace with its own mount "
                            + "namespace and the userxattr option)";
        }
        if (errno == Errno.ELOOP) {
            return "open".equals(operation)
                    ? "a symbolic link appeared in this path after it was resolved; overlay4j does not follow "
                            + "links swapped in after validation: check who changed it, then build the Overlay again"
                    : null;
        }
        if (errno == Errno.ENODEV) {
            return "the overlay filesystem is not available in this kernel; load it with 'modprobe overlay'";
        }
        if (errno == Errno.ENOSYS) {
            return "this kernel lacks the new mount API; use MountStrategy.LEGACY";
        }
        if (errno == Errno.E2BIG) {
            return kernelExplained ? null : "use MountStrategy.FD or MountStrategy.STRING, which have no such limit";
        }
        if (errno == Errno.EBUSY) {
            return unmount
                    ? "the mount is busy: close files and leave directories under it, or use UnmountOption.DETACH "
                            + "(umount -l on the command line)"
                    : "the upperdir or workdir is in use by another overlay mount; give each mount its own";
        }
        if (errno == Errno.ESTALE) {
            // overlay4j's own ESTALE (a directory changed since build()) comes with its words.
            return unmount || kernelExplained ? null
                    : "with index=on (or nfs_export=on) an upperdir is tied to the lower layers it was first "
                            + "mounted with, and the kernel found others (its log, dmesg, says 'failed to verify "
                            + "upper root origin'): mount it with those lowers, or start from a fresh upperdir "
                            + "and workdir";
        }
        if (errno == Errno.EINVAL) {
            if (unmount) {
                return "the path is not a mount point";
            }
            return kernelExplained ? null
                    : "the kernel gave no reason to the caller; it wrote it to the kernel log: see dmesg (or "
                            + "journalctl -k) for the line starting 'overlayfs:'";
        }
        return null;
    }
}
