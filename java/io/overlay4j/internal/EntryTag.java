package io.overlay4j.internal;

import java.lang.annotation.Native;

/**
 * The tags of the description format between Java and C (see include/overlay4j.h): each entry is
 * a tag byte, a 4-byte big-endian payload length and the payload. {@code @Native}: {@code javac -h}
 * writes them into the header the shim checks against the C core's O4J_TAG_* at compile time.
 */
public final class EntryTag {
    /** A lower layer; in a spec, its identity ({@link #ID_BYTES}) and then its path. */
    @Native public static final byte LOWERDIR = 'L';
    /** A data-only lower layer, after every {@link #LOWERDIR}. */
    @Native public static final byte DATADIR = 'D';
    @Native public static final byte UPPERDIR = 'U';
    @Native public static final byte WORKDIR = 'W';
    /** An option's key; its value, if any, follows as {@link #VALUE}. */
    @Native public static final byte OPTION = 'O';
    @Native public static final byte VALUE = 'V';
    /** The mount's source (in a spec, absent for "overlay"). */
    @Native public static final byte SOURCE = 'S';
    /** From the mount table only: the mount ID (decimal). */
    @Native public static final byte MOUNT_ID = 'I';
    /** From the mount table only: the mount point. */
    @Native public static final byte TARGET = 'T';
    /** From the mount table only: the per-mount options ("rw,nosuid,relatime"). */
    @Native public static final byte MOUNT_OPTIONS = 'M';
    /** From the mount table only: the super options as the kernel shows them. */
    @Native public static final byte SUPER_OPTIONS = 'R';

    /** The tag and the payload's length. */
    @Native public static final int HEADER = 5;
    /** A directory's identity in a spec: device, inode and mount ID, 8 bytes each, big-endian. */
    @Native public static final int ID_BYTES = 24;

    private EntryTag() {
    }

}
