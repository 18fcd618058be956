package io.overlay4j.internal;

import java.lang.annotation.Native;

/**
 * The mount flags: each one's bit (the C core's O4J_MOUNT_*), the word mount(8) sets it with and
 * the word it clears it with. The bits are {@code @Native} constants, so {@code javac -h} writes them
 * into the header the shim checks against overlay4j.h at compile time; a flag added here without its
 * C counterpart (or with another bit) fails the native build.
 */
public enum MountFlag {
    RDONLY(MountFlag.BIT_RDONLY, "ro", "rw"),
    NOSUID(MountFlag.BIT_NOSUID, "nosuid", "suid"),
    NODEV(MountFlag.BIT_NODEV, "nodev", "dev"),
    NOEXEC(MountFlag.BIT_NOEXEC, "noexec", "exec"),
    NOATIME(MountFlag.BIT_NOATIME, "noatime", "atime"),
    RELATIME(MountFlag.BIT_RELATIME, "relatime", "norelatime"),
    NODIRATIME(MountFlag.BIT_NODIRATIME, "nodiratime", "diratime"),
    STRICTATIME(MountFlag.BIT_STRICTATIME, "strictatime", "nostrictatime"),
    NOSYMFOLLOW(MountFlag.BIT_NOSYMFOLLOW, "nosymfollow", "symfollow");

    @Native static final int BIT_RDONLY = 0x01;
    @Native static final int BIT_NOSUID = 0x02;
    @Native static final int BIT_NODEV = 0x04;
    @Native static final int BIT_NOEXEC = 0x08;
    @Native static final int BIT_NOATIME = 0x10;
    @Native static final int BIT_RELATIME = 0x20;
    @Native static final int BIT_NODIRATIME = 0x40;
    @Native static final int BIT_STRICTATIME = 0x80;
    @Native static final int BIT_NOSYMFOLLOW = 0x200;
    /**
     * Not a mount flag but an instruction to the C core: the target and layer paths are canonical,
     * so any symbolic link met on the way was swapped in since they were resolved (ELOOP).
     */
    @Native public static final int STRICT_PATHS = 0x100;
    /** What the C core reports when statfs could not tell a new mount's flags. */
    @Native public static final int UNKNOWN = 0xffffffff;
    /** The access-time modes: each replaces the others. */
    public static final int ATIME_MODES = BIT_NOATIME | BIT_RELATIME | BIT_STRICTATIME;

    /** The bit the C core knows this flag by. */
    public final int bit;
    /** As mount(8) and the mount table spell it: "ro", "nosuid" ... */
    public final String word;
    /** The mount(8) word that clears it: "rw", "suid" ... */
    public final String clearedBy;

    MountFlag(int bit, String word, String clearedBy) {
        this.bit = bit;
        this.word = word;
        this.clearedBy = clearedBy;
    }

    /** Whether flags has this one set. */
    public boolean in(int flags) {
        return (flags & bit) != 0;
    }
}
