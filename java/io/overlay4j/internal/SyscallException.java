package io.overlay4j.internal;

/**
 * A failed syscall as the shim reports it: errno, the call, the path it was given
 * and the kernel's own messages. Translated into a public exception by {@link Errors}.
 */
public final class SyscallException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final transient byte[] path;
    private final transient byte[] kernelLog;

    /** Called from the shim. */
    public SyscallException(int errno, String operation, byte[] path, byte[] kernelLog) {
        super(operation + " failed with errno " + errno, null, false, false);
        this.errno = errno;
        this.operation = operation;
        this.path = path;
        this.kernelLog = kernelLog;
    }

    public int errno() {
        return errno;
    }

    public String operation() {
        return operation;
    }

    /** Whether the failing call was given exactly this path. */
    public boolean concerns(byte[] p) {
        return java.util.Arrays.equals(path, p);
    }

    /** The path the failing call was given, or null. */
    public String path() {
        return path == null ? null : PathBytes.decode(path);
    }

    /** The kernel's messages without their "e " / "w " / "i " prefixes, in order. */
    public java.util.List<String> kernelMessages() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        if (kernelLog != null) {
            for (String line : PathBytes.decode(kernelLog).split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line.length() > 2 && line.charAt(1) == ' ' ? line.substring(2) : line);
                }
            }
        }
        return lines;
    }
}
