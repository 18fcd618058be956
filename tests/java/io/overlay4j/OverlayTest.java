package io.overlay4j;

import io.overlay4j.internal.Errno;
import io.overlay4j.internal.Directory;
import io.overlay4j.internal.Jni;
import io.overlay4j.internal.Kernel;
import io.overlay4j.internal.MountFlag;
import io.overlay4j.internal.SyscallException;
import io.overlay4j.testing.RecordingLogger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.AdditionalAnswers;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;
import org.mockito.stubbing.Answer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The facade's own logic, with the kernel mocked: no mounts are made here. */
class OverlayTest {
    private static final List<String> LOOKUPS = Arrays.asList("resolveDirectory", "formatOptions", "decodeMountinfo",
            "errnoValue", "errnoName", "strerror");
    @TempDir
    Path tmp;
    Kernel kernel;
    Path a;
    Path b;
    Path c;
    Path upper;
    Path work;
    Path target;

    @BeforeEach
    void setUp() throws Exception {
        // The C core's own lookups stay real: these tests are about the facade's calls to the kernel.
        Answer<Object> real = AdditionalAnswers.delegatesTo(Kernel.system());
        kernel = mock(Kernel.class, inv -> LOOKUPS.contains(inv.getMethod().getName()) ? real.answer(inv)
                : Mockito.RETURNS_DEFAULTS.answer(inv));
        when(kernel.bestStrategy()).thenReturn(MountStrategy.FD.code);
        when(kernel.mount(any(), anyInt(), any(), anyInt(), any())).thenReturn(4242L);
        a = Files.createDirectory(tmp.resolve("a"));
        b = Files.createDirectory(tmp.resolve("b"));
        c = Files.createDirectory(tmp.resolve("c"));
        upper = Files.createDirectory(tmp.resolve("upper"));
        work = Files.createDirectory(tmp.resolve("work"));
        target = Files.createDirectory(tmp.resolve("merged"));
    }

    private Overlay.Builder builder() {
        return Overlay.builder().kernel(kernel);
    }

    /** The spec's entries as "Tvalue|": directories without their 24-byte identity. */
    private static String spec(byte[] spec) {
        StringBuilder s = new StringBuilder();
        for (int at = 0; at < spec.length;) {
            char tag = (char) spec[at];
            int length = java.nio.ByteBuffer.wrap(spec, at + 1, 4).getInt();
            int skip = "LDUW".indexOf(tag) >= 0 ? 24 : 0;
            s.append(tag).append(new String(spec, at + 5 + skip, length - skip, StandardCharsets.UTF_8)).append('|');
            at += 5 + length;
        }
        return s.toString();
    }

    @Test
    void lowerdirsKeepPriorityOrder() throws IOException {
        Overlay ov = builder().lowerdirs(c, a, b).build();
        assertEquals(Arrays.asList(c.toRealPath(), a.toRealPath(), b.toRealPath()), ov.lowerdirs());
    }

    @Test
    void imageLayersAreReversedIntoLowerdirOrder() throws IOException {
        Overlay ov = builder().imageLayers(Arrays.asList(a, b, c)).build();
        assertEquals(Arrays.asList(c.toRealPath(), b.toRealPath(), a.toRealPath()), ov.lowerdirs());
    }

    @Test
    void pathsAreCanonicalized() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("link"), a);
        Path dotted = b.resolve("..").resolve("b");
        Overlay ov = builder().lowerdirs(link, dotted).build();
        assertEquals(Arrays.asList(a.toRealPath(), b.toRealPath()), ov.lowerdirs());
    }

    @Test
    void mountSendsEncodedSpecFlagsTargetAndStrategy() throws Exception {
        Overlay ov = builder().lowerdirs(a, b).upperdir(upper).workdir(work).option("index", "off")
                .option("userxattr").readOnly().build();
        OverlayMount m = ov.mount(target);
        ArgumentCaptor<byte[]> spec = ArgumentCaptor.forClass(byte[].class);
        ArgumentCaptor<Directory> dest = ArgumentCaptor.forClass(Directory.class);
        verify(kernel).mount(spec.capture(), eq(MountFlag.RDONLY.bit | MountFlag.STRICT_PATHS), dest.capture(),
                eq(MountStrategy.FD.code), any());
        assertEquals("L" + a.toRealPath() + "|L" + b.toRealPath() + "|U" + upper.toRealPath() + "|W"
                + work.toRealPath() + "|Oindex|Voff|Ouserxattr|", spec(spec.getValue()));
        assertArrayEquals(target.toRealPath().toString().getBytes(StandardCharsets.UTF_8), dest.getValue().bytes);
        assertEquals(target.toRealPath(), m.target());
        assertEquals(4242L, m.mountId());
        m.close();
        assertTrue(ov.isReadOnly());
    }

    @Test
    void forcedStrategyWins() throws Exception {
        builder().lowerdirs(a, b).strategy(MountStrategy.LEGACY).build().mount(target).close();
        verify(kernel).mount(any(), anyInt(), any(), eq(MountStrategy.LEGACY.code), any());
    }

    @Test
    void strategyPropertyWins() throws Exception {
        System.setProperty(Overlay.STRATEGY_PROPERTY, "string");
        try {
            assertEquals(MountStrategy.STRING, builder().lowerdirs(a, b).build().strategy());
        } finally {
            System.clearProperty(Overlay.STRATEGY_PROPERTY);
        }
        assertEquals(MountStrategy.FD, builder().lowerdirs(a, b).build().strategy());
    }

    @Test
    void closeUnmountsOnceAndCanBeRetriedAfterFailure() throws Exception {
        OverlayMount m = builder().lowerdirs(a, b).build().mount(target);
        SyscallException ebusy = new SyscallException(Errno.value("EBUSY"), "umount2", null, null);
        // A few quick retries first (a path lookup in progress is transient), then EBUSY is reported.
        when(kernel.unmountIf(any(), eq(4242L), anyLong(), anyInt())).thenThrow(ebusy, ebusy, ebusy, ebusy, ebusy, ebusy,
                ebusy, ebusy, ebusy, ebusy, ebusy).thenReturn(0L);
        FileSystemException busy = assertThrows(FileSystemException.class, m::close);
        assertEquals("EBUSY", ((ErrnoException) busy).errnoName());
        assertTrue(m.isMounted());
        m.close();
        m.close();
        assertFalse(m.isMounted());
        verify(kernel, times(12)).unmountIf(any(), eq(4242L), anyLong(), eq(0));
    }

    @Test
    void unmountOptionsBecomeFlags() throws Exception {
        OverlayMount m = builder().lowerdirs(a, b).build().mount(target);
        m.unmount(UnmountOption.DETACH, UnmountOption.NOFOLLOW);
        verify(kernel).unmountIf(any(), eq(4242L), anyLong(), eq(Jni.UNMOUNT_DETACH | Jni.UNMOUNT_NOFOLLOW));
    }

    private FileSystemException mountFailingWith(String errnoName, String op, String path, String log)
            throws Exception {
        doThrow(new SyscallException(Errno.value(errnoName), op,
                path == null ? null : path.getBytes(StandardCharsets.UTF_8),
                log == null ? null : log.getBytes(StandardCharsets.UTF_8)))
                .when(kernel).mount(any(), anyInt(), any(), anyInt(), any());
        Overlay ov = builder().lowerdirs(a, b).build();
        return assertThrows(FileSystemException.class, () -> ov.mount(target));
    }

    @Test
    void errnoMapsToNioExceptionTypes() throws Exception {
        assertInstanceOf(NoSuchFileException.class, mountFailingWith("ENOENT", "open", "/x", null));
        assertInstanceOf(AccessDeniedException.class, mountFailingWith("EPERM", "fsopen", null, null));
        assertInstanceOf(AccessDeniedException.class, mountFailingWith("EACCES", "open", "/x", null));
        assertInstanceOf(NotDirectoryException.class, mountFailingWith("ENOTDIR", "open", "/x", null));
        assertInstanceOf(FileSystemLoopException.class, mountFailingWith("ELOOP", "fsconfig", null, null));
        FileSystemException other = mountFailingWith("EBUSY", "fsconfig", null, null);
        assertEquals(OverlayFileSystemException.class, other.getClass());
    }

    @Test
    void messageNamesOperationPathErrnoAndKernelWords() throws Exception {
        FileSystemException e = mountFailingWith("EINVAL", "fsconfig", null, "e overlay: Bad value for 'index'\n");
        ErrnoException errno = (ErrnoException) e;
        assertEquals("EINVAL", errno.errnoName());
        assertEquals(Errno.value("EINVAL"), errno.errno());
        assertEquals("fsconfig", errno.operation());
        assertEquals("mount overlay on " + target.toRealPath() + " failed: fsconfig: Invalid argument; the kernel "
                + "says: overlay: Bad value for 'index' (EINVAL, errno " + Errno.value("EINVAL") + ")",
                e.getMessage());
    }

    @Test
    void permissionErrorSaysWhatToDo() throws Exception {
        FileSystemException e = mountFailingWith("EPERM", "fsopen", null, null);
        assertTrue(e.getMessage().contains("CAP_SYS_ADMIN"), e.getMessage());
    }

    @Test
    void optionsForOwnedKeysAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Overlay.builder().option("upperdir", "/x"));
        assertTrue(e.getMessage().contains("upperdir(...)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Overlay.builder().option("lowerdir"));
        assertThrows(IllegalArgumentException.class, () -> Overlay.builder().option("a,b"));
    }

    @Test
    void nullArgumentsFailAtOnceNamingThem() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Overlay.builder().lowerdirs(a, null));
        assertEquals("lowerdirs[1] must not be null", e.getMessage());
        assertEquals("upperdir must not be null",
                assertThrows(NullPointerException.class, () -> Overlay.builder().upperdir(null)).getMessage());
    }

    @Test
    void aFailureAfterTheMountTakesTheMountDownAgain() throws Exception {
        Overlay ov = builder().lowerdirs(a, b).build();
        RecordingLogger.failNextDebug();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ov.mount(target));
        assertEquals("logger failure injected by the test", e.getMessage());
        verify(kernel).unmountIf(any(), eq(4242L), anyLong(), eq(Jni.UNMOUNT_DETACH));
        ov.mount(target).close(); // the target is free again
    }

    @Test
    void successLogsOnlyAtDebug() throws Exception {
        RecordingLogger.clear();
        builder().lowerdirs(a, b).build().mount(target).close();
        assertTrue(RecordingLogger.events().size() >= 2, RecordingLogger.events().toString());
        for (String event : RecordingLogger.events()) {
            assertTrue(event.startsWith("DEBUG io.overlay4j."), event);
        }
    }

    @Test
    void optionsStringEscapesPaths() throws IOException {
        Path odd = Files.createDirectory(tmp.resolve("x,upperdir=y:z\\w"));
        Overlay ov = builder().lowerdirs(odd, a).build();
        assertEquals("lowerdir=" + tmp.toRealPath() + "/x\\,upperdir=y\\:z\\\\w:" + a.toRealPath(), ov.options());
    }

    @Test
    void controlBytesInOptionsAreRefusedAtOnceNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> builder().option("lazytime", "x\0L/evil/lower\0U/evil/upper\0W/evil/work"));
        assertTrue(e.getMessage().contains("option lazytime") && e.getMessage().contains("control character"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder().option("index\0L/evil", "on"));
        assertTrue(e.getMessage().contains("option key \"index\\u0000L/evil\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> builder().option("userxattr\0L/evil"));
        assertTrue(e.getMessage().contains("not an option name"), e.getMessage());
        for (String value : new String[] {"a\nb", "a\tb", "\u007f", "caf\u00e9"}) {
            assertThrows(IllegalArgumentException.class, () -> builder().option("context", value), value);
        }
        for (String key : new String[] {"", "Index", "in dex", "x=y", "a,b", "1abc", "lower+"}) {
            assertThrows(IllegalArgumentException.class, () -> builder().option(key), key);
        }
        builder().option("lazytime").option("redirect_dir", "on").option("uuid", "null");
    }

    @Test
    void emptyPathsAreRefusedAtOnce() throws Exception {
        Path empty = Paths.get("");
        assertThrows(IllegalArgumentException.class, () -> builder().lowerdirs(a, empty));
        assertThrows(IllegalArgumentException.class, () -> builder().datadirs(empty));
        assertThrows(IllegalArgumentException.class, () -> builder().upperdir(empty));
        assertThrows(IllegalArgumentException.class, () -> builder().workdir(empty));
        Overlay ov = builder().lowerdirs(a, b).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ov.mount(empty));
        assertTrue(e.getMessage().startsWith("target is the empty path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Mounts.unmount(kernel, empty));
        assertThrows(IllegalArgumentException.class, () -> Mounts.isMountPoint(empty));
        verify(kernel, never()).mount(any(), anyInt(), any(), anyInt(), any());
        verify(kernel, never()).unmount(any(), anyInt());
    }

    @Test
    void pathsOfAnotherFileSystemAreRefused() throws IOException {
        try (java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(
                java.net.URI.create("jar:" + tmp.resolve("z.zip").toUri()),
                java.util.Collections.singletonMap("create", "true"))) {
            assertThrows(java.nio.file.ProviderMismatchException.class, () -> builder().lowerdirs(zip.getPath("/a")));
        }
    }

    @Test
    void toStringAndOptionsNeverThrowForWhatTheBuilderTook() throws IOException {
        Overlay ov = builder().lowerdirs(a, b).option("lazytime").option("uuid", "off").build();
        assertTrue(ov.toString().contains("lazytime,uuid=off"), ov.toString());
    }

    @Test
    void theRootDirectoryIsNeverATarget() throws Exception {
        Overlay ov = builder().lowerdirs(a, b).build();
        java.nio.file.FileSystemException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.nio.file.FileSystemException.class, () -> ov.mount(java.nio.file.Paths.get("/")));
        assertEquals("EINVAL", ((ErrnoException) e).errnoName());
        assertTrue(e.getMessage().contains("an overlay on / could never be unmounted again"), e.getMessage());
        verify(kernel, never()).mount(any(), anyInt(), any(), anyInt(), any());
    }
}
