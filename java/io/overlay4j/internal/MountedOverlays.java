package io.overlay4j.internal;

import java.util.Arrays;

/**
 * The upperdirs and workdirs of the overlays mounted in this mount namespace, kept current
 * by listmount(2) and statmount(2) (Linux 6.10+): one listmount per look, and one statmount per
 * mount new since the last look. Reading /proc/self/mountinfo instead has the kernel format
 * every mount's line on each read, which cost a tenth of a whole overlay mount's CPU time
 * with twenty mounts on the machine, and grows with every mount a host has.
 */
public final class MountedOverlays {
    /** What a mount the kernel did not describe (ENOMEM, EACCES ...) stands for: it may use anything. */
    private static final byte[] UNTOLD = new byte[0];

    private final Kernel kernel;
    /** The mounts of the last look, ascending, and for each overlay its upperdir and workdir. */
    private long[] ids = new long[64];
    private byte[][] uppers = new byte[64][];
    private byte[][] works = new byte[64][];
    private int count;
    /** The next look's arrays, swapped in when the table changed: a look allocates nothing. */
    private long[] nextIds = new long[64];
    private byte[][] nextUppers = new byte[64][];
    private byte[][] nextWorks = new byte[64][];
    private boolean unable;

    MountedOverlays(Kernel kernel) {
        this.kernel = kernel;
    }

    /**
     * Whether a mounted overlay may use upper or work (canonical bytes) as its upperdir or
     * workdir: false only when the kernel says that none does. True when one does, and when
     * the kernel cannot tell (before Linux 6.10, or without the right to list mounts): the
     * caller then reads mountinfo, which also names the overlay.
     */
    public synchronized boolean mayUse(byte[] upper, byte[] work) {
        if (unable) {
            return true;
        }
        try {
            look();
        } catch (SyscallException e) {
            // ENOSYS, EPERM, EOPNOTSUPP: the kernel will not tell, now or later.
            unable = true;
            count = 0;
            return true;
        }
        for (int i = 0; i < count; i++) {
            if (uses(uppers[i], upper, work) || uses(works[i], upper, work)) {
                return true;
            }
        }
        return false;
    }

    private static boolean uses(byte[] dir, byte[] upper, byte[] work) {
        return dir == UNTOLD || MountTable.names(dir, upper) || MountTable.names(dir, work);
    }

    private void look() throws SyscallException {
        int n;
        while ((n = kernel.listMounts(nextIds)) == nextIds.length) {
            nextIds = new long[nextIds.length * 2];
        }
        if (n == count && equalPrefix(nextIds, ids, n)) {
            return;
        }
        if (nextUppers.length < n) {
            nextUppers = new byte[nextIds.length][];
            nextWorks = new byte[nextIds.length][];
        }
        // Both lists ascend: walk them together, asking only about the mounts not seen before.
        for (int i = 0, j = 0; i < n; i++) {
            while (j < count && ids[j] < nextIds[i]) {
                j++;
            }
            if (j < count && ids[j] == nextIds[i]) {
                nextUppers[i] = uppers[j];
                nextWorks[i] = works[j];
            } else {
                describe(i);
            }
        }
        Arrays.fill(uppers, null); // no reference kept to what is gone
        Arrays.fill(works, null);
        long[] swapIds = ids;
        byte[][] swapUppers = uppers;
        byte[][] swapWorks = works;
        ids = nextIds;
        uppers = nextUppers;
        works = nextWorks;
        nextIds = swapIds;
        nextUppers = swapUppers;
        nextWorks = swapWorks;
        count = n;
    }

    private void describe(int i) throws SyscallException {
        byte[] blob;
        try {
            blob = kernel.statOverlay(nextIds[i]);
        } catch (SyscallException e) {
            int errno = e.errno();
            if (errno == Errno.ENOSYS || errno == Errno.EOPNOTSUPP || errno == Errno.EPERM) {
                throw e; // the kernel will tell of no mount
            }
            if (errno != Errno.ENOENT) { // not told about this one: the caller reads mountinfo while it stands
                nextUppers[i] = nextWorks[i] = UNTOLD;
                return;
            }
            blob = null; // unmounted since the listing
        }
        MountTable.Entry e = blob == null ? null : MountTable.parse(blob);
        nextUppers[i] = e == null ? null : e.upperdir;
        nextWorks[i] = e == null ? null : e.workdir;
    }

    private static boolean equalPrefix(long[] a, long[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
