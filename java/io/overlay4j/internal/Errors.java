package io.overlay4j.internal;

import io.overlay4j.OverlayAccessDeniedException;
import io.overlay4j.OverlayFileSystemException;
import io.overlay4j.OverlayFileSystemLoopException;
import io.overlay4j.OverlayNoSuchFileException;
import io.overlay4j.OverlayNotDirectoryException;

import java.nio.file.FileSystemException;

/**
 * Builds the public exceptions: the java.nio.file type that matches errno, and
 * a message that says what failed, why, and what to do.
 */
public final class Errors {
    private static final String OWN_PREFIX = "overlay4j: ";

    private Errors() {
    }

    /**
     * A failed syscall.
     *
     * @param action what the caller asked for, e.g. "mount overlay on /srv/merged"
     * @param file the path to report by getFile() when the syscall names none
     */
    public static FileSystemException fromSyscall(SyscallException e, String action, String file) {
        return fromSyscall(e, action, file, null);
    }

    /**
     * As {@link #fromSyscall(SyscallException, String, String)}; diagnosis, when not null, is
     * what overlay4j found that explains an EINVAL the kernel gave no words for.
     */
    public static FileSystemException fromSyscall(SyscallException e, String action, String file, String diagnosis) {
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
        return create(errno, e.operation(), path != null ? path : file, action + " failed: " + why);
    }

    /**
     * A check made before the syscall, reported with the errno the kernel would give.
     *
     * @param errno e.g. {@link Errno#EINVAL}
     */
    public static FileSystemException precheck(int errno, String operation, String file, String action,
            String why) {
        return create(errno, operation, file, action + " failed: " + why);
    }

    private static FileSystemException create(int errno, String operation, String file, String text) {
        String name = Errno.name(errno);
        String message = text + " (" + name + ", errno " + errno + ")";
        if (errno == Errno.ENOENT) {
            return new OverlayNoSuchFileException(file, message, errno, name, operation);
        }
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            return new OverlayAccessDeniedException(file, message, errno, name, operation);
        }
        if (errno == Errno.ENOTDIR) {
            return new OverlayNotDirectoryException(file, message, errno, name, operation);
        }
        if (errno == Errno.ELOOP) {
            return new OverlayFileSystemLoopException(file, message, errno, name, operation);
        }
        return new OverlayFileSystemException(file, message, errno, name, operation);
    }
}
