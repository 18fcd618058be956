package io.overlay4j.cli;

/** A command line the CLI cannot run; the message says what is wrong. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
