package io.overlay4j.internal;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The watch's own logic, with the kernel's listmount and statmount answers scripted. */
class MountedOverlaysTest {
    private Kernel kernel;
    private MountedOverlays table;
    private long[] listing;

    @BeforeEach
    void setUp() throws Exception {
        kernel = mock(Kernel.class);
        table = new MountedOverlays(kernel);
        when(kernel.listMounts(any())).thenAnswer(inv -> {
            long[] into = inv.getArgument(0);
            int n = Math.min(into.length, listing.length);
            System.arraycopy(listing, 0, into, 0, n);
            return n;
        });
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Entries as o4j_stat_overlay writes them: tag, 4-byte big-endian length, bytes. */
    private static byte[] overlay(String upper, String work) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String[][] entries = {{"L", "/lower"}, {"U", upper}, {"W", work}};
        for (String[] e : entries) {
            byte[] v = b(e[1]);
            out.write(e[0].charAt(0));
            out.write(v.length >>> 24);
            out.write(v.length >>> 16);
            out.write(v.length >>> 8);
            out.write(v.length);
            out.write(v, 0, v.length);
        }
        return out.toByteArray();
    }

    @Test
    void findsAnOverlayUsingTheUpperdirOrTheWorkdirAndOnlyThen() throws Exception {
        listing = new long[] {10, 11, 12};
        when(kernel.statOverlay(11)).thenReturn(overlay("/u", "/w"));
        assertTrue(table.mayUse(b("/u"), b("/x")));
        assertTrue(table.mayUse(b("/x"), b("/w")));
        assertTrue(table.mayUse(b("/w"), b("/x")), "their workdir as our upperdir");
        assertFalse(table.mayUse(b("/u2"), b("/w2")));
    }

    @Test
    void asksOnlyAboutMountsNewSinceTheLastLook() throws Exception {
        listing = new long[] {10, 11};
        when(kernel.statOverlay(11)).thenReturn(overlay("/u", "/w"));
        assertTrue(table.mayUse(b("/u"), b("/w")));
        assertTrue(table.mayUse(b("/u"), b("/w")));
        verify(kernel, times(1)).statOverlay(10);
        verify(kernel, times(1)).statOverlay(11);

        listing = new long[] {10, 13}; // 11 unmounted, 13 new
        when(kernel.statOverlay(13)).thenReturn(overlay("/u3", "/w3"));
        assertFalse(table.mayUse(b("/u"), b("/w")));
        assertTrue(table.mayUse(b("/u3"), b("/other")));
        verify(kernel, times(1)).statOverlay(10);
        verify(kernel, times(1)).statOverlay(13);
    }

    @Test
    void aListingLongerThanItsArrayIsReadAgainWhole() throws Exception {
        listing = new long[200];
        for (int i = 0; i < listing.length; i++) {
            listing[i] = 1000 + i;
        }
        when(kernel.statOverlay(1199)).thenReturn(overlay("/last", "/w"));
        assertTrue(table.mayUse(b("/last"), b("/x")));
    }

    @Test
    void aMountGoneBetweenListingAndAskingIsNoOverlay() throws Exception {
        listing = new long[] {10};
        when(kernel.statOverlay(10)).thenThrow(new SyscallException(Errno.ENOENT, "statmount", null, null));
        assertFalse(table.mayUse(b("/u"), b("/w")));
    }

    @Test
    void whenTheKernelCannotTellTheCallerReadsMountinfoFromThenOn() throws Exception {
        doThrow(new SyscallException(Errno.ENOSYS, "listmount", null, null)).when(kernel).listMounts(any());
        assertTrue(table.mayUse(b("/u"), b("/w")));
        assertTrue(table.mayUse(b("/u"), b("/w")));
        verify(kernel, times(1)).listMounts(any());
        verify(kernel, never()).statOverlay(anyLong());
    }

    @Test
    void aMountTheKernelWouldNotDescribeCountsAsUsingAnythingWhileItStands() throws Exception {
        listing = new long[] {10, 11};
        when(kernel.statOverlay(11)).thenThrow(new SyscallException(Errno.EACCES, "statmount", null, null));
        assertTrue(table.mayUse(b("/u"), b("/w")));
        listing = new long[] {10};
        assertFalse(table.mayUse(b("/u"), b("/w")), "gone: the fast path is back");
    }

    @Test
    void aKernelThatDoesNotTellOptionsIsUnableToo() throws Exception {
        listing = new long[] {10};
        when(kernel.statOverlay(10)).thenThrow(new SyscallException(Errno.EOPNOTSUPP, "statmount", null, null));
        assertTrue(table.mayUse(b("/u"), b("/w")));
    }
}
