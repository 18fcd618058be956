package io.overlay4j;

import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Errors;
import io.overlay4j.internal.Refusal;
import io.overlay4j.internal.SyscallException;

import java.nio.file.FileSystemException;

/**
 * The one place the public exceptions are constructed: the java.nio.file type that matches the
 * errno of a {@link Refusal} (whose message {@link Errors} words).
 */
final class ErrnoExceptions {
    private ErrnoExceptions() {
    }

    static FileSystemException of(Refusal r) {
        int errno = r.errno();
        String name = r.errnoName();
        if (errno == Errno.ENOENT) {
            return new OverlayNoSuchFileException(r.file(), r.getMessage(), errno, name, r.operation());
        }
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            return new OverlayAccessDeniedException(r.file(), r.getMessage(), errno, name, r.operation());
        }
        if (errno == Errno.ENOTDIR) {
            return new OverlayNotDirectoryException(r.file(), r.getMessage(), errno, name, r.operation());
        }
        if (errno == Errno.ELOOP) {
            return new OverlayFileSystemLoopException(r.file(), r.getMessage(), errno, name, r.operation());
        }
        return new OverlayFileSystemException(r.file(), r.getMessage(), errno, name, r.operation());
    }

    /** See {@link Errors#precheck}. */
    static FileSystemException precheck(int errno, String operation, String file, String action, String why) {
        return of(Errors.precheck(errno, operation, file, action, why));
    }

    /** See {@link Errors#fromSyscall(SyscallException, String, String, String)}. */
    static FileSystemException fromSyscall(SyscallException e, String action, String file, String diagnosis) {
        return of(Errors.fromSyscall(e, action, file, diagnosis));
    }

    static FileSystemException fromSyscall(SyscallException e, String action, String file) {
        return of(Errors.fromSyscall(e, action, file, null));
    }
}
