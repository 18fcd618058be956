package io.overlay4j;

import java.nio.file.NoSuchFileException;

/** A {@link NoSuchFileException} with the errno behind it. */
public class OverlayNoSuchFileException extends NoSuchFileException implements ErrnoException {
    private static final long serialVersionUID = 1L;

    /** @serial the whole message, as {@link #getMessage()} returns it */
    private final String message;
    /** @serial the errno number, as {@link #errno()} returns it */
    private final int errno;
    /** @serial the errno's symbolic name, as {@link #errnoName()} returns it */
    private final String errnoName;
    /** @serial the operation that failed, as {@link #operation()} returns it */
    private final String operation;

    /**
     * Constructed by {@link ErrnoExceptions} only.
     *
     * @param file the path concerned, as {@link #getFile()} returns it
     * @param message the whole message, as {@link #getMessage()} returns it
     * @param errno the errno number, as {@link #errno()} returns it
     * @param errnoName the errno's symbolic name (e.g. {@code "EBUSY"}), as {@link #errnoName()} returns it
     * @param operation the operation that failed (e.g. {@code "mount"}), as {@link #operation()} returns it
     */
    OverlayNoSuchFileException(String file, String message, int errno, String errnoName, String operation) {
        super(file);
        this.message = message;
        this.errno = errno;
        this.errnoName = errnoName;
        this.operation = operation;
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public int errno() {
        return errno;
    }

    @Override
    public String errnoName() {
        return errnoName;
    }

    @Override
    public String operation() {
        return operation;
    }
}
