package io.overlay4j.internal;

/**
 * The errno numbers overlay4j compares and reports, read once from the C core's table (Java
 * never spells an errno number itself: they differ between architectures), and the table's
 * names and texts for messages.
 */
public final class Errno {
    public static final int EPERM = value("EPERM");
    public static final int ENOENT = value("ENOENT");
    public static final int E2BIG = value("E2BIG");
    public static final int EACCES = value("EACCES");
    public static final int EBUSY = value("EBUSY");
    public static final int EXDEV = value("EXDEV");
    public static final int ENODEV = value("ENODEV");
    public static final int ENOTDIR = value("ENOTDIR");
    public static final int EINVAL = value("EINVAL");
    public static final int ENOSYS = value("ENOSYS");
    public static final int ELOOP = value("ELOOP");
    /** A metacopy file whose data is in no lower layer. */
    public static final int ENODATA = value("ENODATA");
    /** What the C core says when asked to hold an overlay detached by mount(2). */
    public static final int EOPNOTSUPP = value("EOPNOTSUPP");
    /** A directory is not the one that was resolved or validated (the C core's identity check). */
    public static final int ESTALE = value("ESTALE");

    private Errno() {
    }

    /** "EBUSY" for EBUSY's number; "errno N" for a number the table lacks. */
    public static String name(int errno) {
        String name = Kernel.system().errnoName(errno);
        return name != null ? name : "errno " + errno;
    }

    /** The number behind a name such as "ENOENT". */
    public static int value(String name) {
        int value = Kernel.system().errnoValue(name);
        if (value == 0) {
            throw new IllegalArgumentException("unknown errno name " + name);
        }
        return value;
    }

    /** strerror's text, e.g. "Device or resource busy". */
    public static String describe(int errno) {
        return PathBytes.decode(Kernel.system().strerror(errno));
    }
}
