package io.overlay4j;

import java.nio.file.NoSuchFileException;

/** A {@link NoSuchFileException} with the errno behind it. */
public class OverlayNoSuchFileException extends NoSuchFileException implements ErrnoException {
    private static final long serialVersionUID = 1L;

    private final String message;
    private final int errno;
    private final String errnoName;
    private final String operation;

    /**
     * @param file the path concerned, as {@link #getFile()} returns it
     * @param message the whole message, as {@link #getMessage()} returns it
     */
    public OverlayNoSuchFileException(String file, String message, int errno, String errnoName, String operation) {
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
