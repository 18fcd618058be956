package io.overlay4j;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One path an overlay's upper directory changed against its lower layers, as
 * {@link Overlay#changes()} lists them: added, modified, or deleted.
 */
public final class Change {
    /** What happened to a path. */
    public enum Kind {
        /** The path is new: no lower layer has it. */
        ADDED,
        /** A lower layer has the path, and the upper directory holds it with other content or metadata. */
        MODIFIED,
        /** A lower layer has the path, and the upper directory hides it (a whiteout). */
        DELETED
    }

    private final Path path;
    private final Kind kind;
    private final boolean opaque;

    /**
     * @param path the path relative to the overlay's root
     * @param kind what happened to it
     * @param opaque whether it is a directory that hides what the lower layers have at its path
     */
    public Change(Path path, Kind kind, boolean opaque) {
        this.path = Objects.requireNonNull(path, "path must not be null");
        this.kind = Objects.requireNonNull(kind, "kind must not be null");
        this.opaque = opaque;
    }

    /**
     * The path relative to the overlay's root, such as {@code dir2/z}, of exactly the bytes of
     * the file's name.
     *
     * @return the relative path
     */
    public Path path() {
        return path;
    }

    /**
     * What happened to the path.
     *
     * @return the kind of change
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Whether this is a directory whose lower contents are hidden: the lower layers have a
     * directory at this path, and none of what is in it shows through (a directory removed and
     * made again, or one renamed onto this path).
     *
     * @return true for an opaque directory
     */
    public boolean opaque() {
        return opaque;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Change)) {
            return false;
        }
        Change c = (Change) o;
        return path.equals(c.path) && kind == c.kind && opaque == c.opaque;
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, kind, opaque);
    }

    /** As docker diff prints it: {@code A dir2/z}, {@code C dir}, {@code D gone}; " (opaque)" when opaque. */
    @Override
    public String toString() {
        return "ACD".charAt(kind.ordinal()) + " " + path + (opaque ? " (opaque)" : "");
    }
}
