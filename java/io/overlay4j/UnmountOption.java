package io.overlay4j;

import io.overlay4j.internal.Jni;

/** Flags of umount2(2). */
public enum UnmountOption {
    /** MNT_DETACH: lazy unmount; the mount disappears now, the filesystem when it is no longer busy. */
    DETACH(Jni.UNMOUNT_DETACH),
    /** MNT_FORCE: abort pending requests (meaningful for network filesystems). */
    FORCE(Jni.UNMOUNT_FORCE),
    /** UMOUNT_NOFOLLOW: do not follow the target if it is a symbolic link. */
    NOFOLLOW(Jni.UNMOUNT_NOFOLLOW),
    /** MNT_EXPIRE: mark the mount expired; a second call with EXPIRE unmounts it if unused. */
    EXPIRE(Jni.UNMOUNT_EXPIRE);

    final int bit;

    UnmountOption(int bit) {
        this.bit = bit;
    }

    static int bits(UnmountOption... options) {
        int bits = 0;
        for (UnmountOption o : options) {
            bits |= java.util.Objects.requireNonNull(o, "options must not contain null").bit;
        }
        return bits;
    }
}
