package io.overlay4j.internal;

/** The C core's errno table: Java never spells an errno number itself. */
public final class Errno {
    /** A directory is not the one that was resolved or validated (the C core's identity check). */
    public static final int ESTALE = value("ESTALE");
    public static final int ENOENT = value("ENOENT");
    /** What the C core says when asked to hold an overlay detached by mount(2). */
    public static final int EOPNOTSUPP = value("EOPNOTSUPP");

    private Errno() {
    }

    /** "EBUSY" for EBUSY's number; "errno N" for a number the table lacks. */
    public static String name(int errno) {
        String name = Jni.errnoName(errno);
        return name != null ? name : "errno " + errno;
    }

    /** The number behind a name such as "ENOENT". */
    public static int value(String name) {
        int value = Jni.errnoValue(name);
        if (value == 0) {
            throw new IllegalArgumentException("unknown errno name " + name);
        }
        return value;
    }

    /** strerror's text, e.g. "Device or resource busy". */
    public static String describe(int errno) {
        return PathBytes.decode(Jni.strerror(errno));
    }
}
