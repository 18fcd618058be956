package io.overlay4j;

/**
 * Implemented by every exception overlay4j throws for a failed operation: the
 * errno the kernel returned (or would return, for a check made before the
 * syscall), its symbolic name, and the operation.
 */
public interface ErrnoException {
    /**
     * The errno number, e.g. 16 for EBUSY on Linux x86-64.
     *
     * @return the errno number
     */
    int errno();

    /**
     * The symbolic name, e.g. {@code "EBUSY"}.
     *
     * @return the errno's symbolic name
     */
    String errnoName();

    /**
     * What failed: {@code "mount"}, {@code "fsconfig"}, {@code "umount2"}, {@code "open"} ...
     *
     * @return the name of the operation (usually the syscall) that failed
     */
    String operation();
}
