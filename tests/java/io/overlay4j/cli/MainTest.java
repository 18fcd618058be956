package io.overlay4j.cli;

import io.overlay4j.Overlay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's parsing, messages and exit codes; nothing here reaches a mount. */
class MainTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        Main main = new Main(new PrintStream(out, true), new PrintStream(err, true));
        return main.run(args);
    }

    String err() {
        return new String(err.toByteArray(), StandardCharsets.UTF_8);
    }

    String out() {
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    Path dir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name)).toRealPath();
    }

    /** mount's arguments parsed and built (no mount: build() only resolves and checks the directories). */
    static Overlay built(MountCommand c) throws IOException {
        return c.builder.build();
    }

    static MountCommand parse(String... args) throws UsageException {
        return MountCommand.parse(new ArrayList<>(Arrays.asList(args)));
    }

    String seedOptions() throws IOException {
        return "lowerdir=" + dir("lower1") + ":" + dir("lower2") + ":" + dir("lower3") + ",upperdir=" + dir("upper")
                + ",workdir=" + dir("work");
    }

    @Test
    void theSeedsMountCommandLineParsesUnchanged() throws Exception {
        // mount -t overlay overlay -o lowerdir=<lower1>:<lower2>:<lower3>,upperdir=<upper>,workdir=<work> <merged>
        MountCommand c = parse("-t", "overlay", "overlay", "-o", seedOptions(), dir("merged").toString());
        Overlay ov = built(c);
        assertEquals(Arrays.asList(dir("lower1"), dir("lower2"), dir("lower3")), ov.lowerdirs());
        assertEquals(dir("upper"), ov.upperdir().get());
        assertEquals(dir("work"), ov.workdir().get());
        assertEquals("overlay", ov.source());
        assertEquals(Collections.emptyList(), ov.mountFlags());
        assertEquals(dir("merged"), c.target);
        assertFalse(c.verbose);
    }

    @Test
    void optionsMayComeAfterTheOperandsSplitOverSeveralOrGlued() throws Exception {
        Overlay ov = built(parse("layers", dir("merged").toString(), "-olowerdir=" + dir("lower1") + ":" + dir("lower2"),
                "--types=overlay", "-o", "upperdir=" + dir("upper"), "--options", "workdir=" + dir("work")));
        assertEquals(Arrays.asList(dir("lower1"), dir("lower2")), ov.lowerdirs());
        assertEquals(dir("work"), ov.workdir().get());
        assertEquals("layers", ov.source());
    }

    @Test
    void flagWordsAndReadOnlyOptionsApplyInOrderTheLaterWinning() throws Exception {
        String lowers = "lowerdir=" + dir("lower1") + ":" + dir("lower2");
        String t = dir("merged").toString();
        assertEquals(Collections.singletonList("ro"), built(parse("-w", "-o", lowers, "-r", t)).mountFlags());
        assertEquals(Collections.emptyList(), built(parse("-r", "-o", lowers + ",rw", t)).mountFlags());
        assertEquals(Collections.emptyList(), built(parse("--read-only", "--rw", "-o", lowers, t)).mountFlags());
        assertEquals(Arrays.asList("ro", "nosuid", "nodev", "noexec", "noatime"),
                built(parse("-o", lowers + ",ro,nosuid,nodev,noexec,noatime,relatime", t)).mountFlags());
        // defaults sets nothing (libmount): what came before stays.
        assertEquals(Arrays.asList("ro", "nosuid"), built(parse("-o", lowers + ",ro,nosuid,defaults", t)).mountFlags());
        assertEquals(Collections.singletonList("nodev"),
                built(parse("-o", lowers + ",nosuid,noexec,nodev,suid,exec,noatime,atime", t)).mountFlags());
        // Whatever the order, strictatime wins over noatime and noatime over relatime, as in the kernel.
        assertEquals(Collections.singletonList("noatime"), built(parse("-o", lowers + ",noatime,relatime", t)).mountFlags());
        assertEquals(Collections.singletonList("strictatime"),
                built(parse("-o", lowers + ",strictatime,noatime", t)).mountFlags());
        assertEquals(Collections.singletonList("noatime"),
                built(parse("-o", lowers + ",strictatime,noatime,nostrictatime", t)).mountFlags());
        assertEquals(Arrays.asList("nodiratime", "nosymfollow"),
                built(parse("-o", lowers + ",diratime,nodiratime,nosymfollow", t)).mountFlags());
        // What user, users, owner and group imply; a later word still wins.
        assertEquals(Arrays.asList("nosuid", "nodev", "noexec"), built(parse("-o", lowers + ",user", t)).mountFlags());
        assertEquals(Arrays.asList("nosuid", "nodev"), built(parse("-o", lowers + ",noexec,users,exec", t)).mountFlags());
        assertEquals(Arrays.asList("nosuid", "nodev"), built(parse("-o", lowers + ",owner", t)).mountFlags());
        // Flag words are mount flags, never overlay options.
        assertEquals(lowers, built(parse("-o", lowers + ",ro,defaults,rw", t)).options());
    }

    @Test
    void layersOneByOneAsUtilLinux239WritesThem() throws Exception {
        String t = dir("merged").toString();
        Overlay ov = built(parse("-o", "lowerdir+=" + dir("lower1") + ",lowerdir+=" + dir("lower2") + ",datadir+="
                + dir("data"), t));
        assertEquals(Arrays.asList(dir("lower1"), dir("lower2")), ov.lowerdirs());
        assertEquals(Collections.singletonList(dir("data")), ov.datadirs());
        // lowerdir= replaces every layer named before it, as the kernel does.
        ov = built(parse("-o", "lowerdir+=" + dir("lower3") + ",lowerdir=" + dir("lower1") + ":" + dir("lower2"), t));
        assertEquals(Arrays.asList(dir("lower1"), dir("lower2")), ov.lowerdirs());
        // The kernel refuses lowerdir+ after lowerdir ("lowerdir+ and datadir+ cannot follow lowerdir").
        assertTrue(assertThrows(UsageException.class, () -> parse("-o", "lowerdir=" + dir("lower1") + ":" + dir("lower2")
                + ",lowerdir+=" + dir("lower3"), t)).getMessage().startsWith("option lowerdir+ cannot follow lowerdir"));
    }

    @Test
    void userspaceWordsAreIgnoredAsMount8Does() throws Exception {
        String lowers = "lowerdir=" + dir("lower1") + ":" + dir("lower2");
        Overlay ov = built(parse("-o", lowers + ",auto,noauto,nouser,nofail,_netdev,x-systemd.automount,"
                + "x-init=a=b,comment=systemd.x,index=off", dir("merged").toString()));
        assertEquals(lowers + ",index=off", ov.options());
    }

    @Test
    void quotedValuesLongOptionPrefixesAndMount8sOtherForms() throws Exception {
        String lowers = "lowerdir=" + dir("lower1") + ":" + dir("lower2");
        String t = dir("merged").toString();
        Overlay ov = built(parse("-o", "comment=\"a,b\",x-foo=\"c,d\",X-initrd.mount," + lowers, t));
        assertEquals(lowers, ov.options());
        MountCommand c = parse("--verb", "--opt", lowers, "--ty=overlay", "-sic", "--source", "src", "--target", t);
        assertTrue(c.verbose);
        assertEquals(Paths.get(t), c.target);
        assertEquals("src", built(c).source());
        assertEquals(Paths.get(t), parse("-o", lowers, "--target=" + t, "named").target);
        assertEquals("named", built(parse("-o", lowers, "--target=" + t, "named")).source());
        assertEquals(Paths.get(t), parse("-t", "overlay,", "-o", lowers, t).target);
        assertTrue(assertThrows(UsageException.class, () -> parse("--re", "-o", lowers, t)).getMessage()
                .startsWith("option --re is ambiguous: --read-only, --read-write"));
        assertTrue(assertThrows(UsageException.class, () -> parse("-o", lowers + ",rprivate", t)).getMessage()
                .contains("mount --make-rprivate TARGET"));
        assertEquals("lowerdir=" + dir("lower1") + ": has an empty layer (a ':' at either end, or ':::'); "
                + "'::' starts the data-only layers", assertThrows(UsageException.class,
                        () -> parse("-o", "lowerdir=" + dir("lower1") + ":", t)).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> parse("--lowerdir", "/a", "-o", lowers, t)).getMessage()
                .endsWith("not both"));
    }

    @Test
    void withoutOperandsOrLayersMountLists() throws Exception {
        assertTrue(parse().list);
        assertTrue(parse("-l", "-t", "overlay").list);
        assertThrows(UsageException.class, () -> parse("-o", "lowerdir=/a:/b"));
        assertThrows(UsageException.class, () -> parse("--source", "src"));
    }

    @Test
    void shortOptionsClusterAndDoubleDashEndsOptions() throws Exception {
        String lowers = "lowerdir=" + dir("lower1") + ":" + dir("lower2");
        MountCommand c = parse("-vnrtoverlay", "-o" + lowers, "--", "-source", "-target");
        assertTrue(c.verbose);
        assertEquals(Paths.get("-target"), c.target);
        Overlay ov = built(c);
        assertEquals("-source", ov.source());
        assertEquals(Collections.singletonList("ro"), ov.mountFlags());
    }

    @Test
    void theOverlay4jFlagsStay() throws Exception {
        Overlay ov = built(parse("--image-layer", dir("lower2").toString(), "--image-layer", dir("lower1").toString(),
                "--upperdir", dir("upper").toString(), "--workdir=" + dir("work"), "--strategy", "legacy",
                dir("merged").toString()));
        assertEquals(Arrays.asList(dir("lower1"), dir("lower2")), ov.lowerdirs());
        assertEquals(io.overlay4j.MountStrategy.LEGACY, ov.strategy());
    }

    @Test
    void whatMount8WouldDoElsewhereIsAUsageErrorSayingWhy() throws IOException {
        String lowers = "lowerdir=" + dir("lower1") + ":" + dir("lower2");
        String t = dir("merged").toString();
        assertEquals("overlay4j mounts overlay filesystems only, not 'ext4'; use mount(8) for other types",
                assertThrows(UsageException.class, () -> parse("-t", "ext4", "/dev/sda1", t)).getMessage());
        assertThrows(UsageException.class, () -> parse("-toverlayfs", "-o", lowers, t));
        assertTrue(assertThrows(UsageException.class, () -> parse("-o", "remount,ro", t)).getMessage()
                .contains("use mount(8) to change a mount in place"));
        assertEquals("mount takes [SOURCE] TARGET; 'b' left over",
                assertThrows(UsageException.class, () -> parse("-o", lowers, "a", "b", t)).getMessage());
        // Arguments are byte strings: the UTF-8 bytes of "caf\u00e9", shown as octal escapes.
        assertEquals("SOURCE 'caf\\303\\251' is not printable ASCII; the source overlay4j passes is 1 to 255 "
                + "printable ASCII characters", assertThrows(UsageException.class,
                        () -> parse("-o", lowers, "caf\u00c3\u00a9", t)).getMessage());
        assertEquals("option -o needs a value", assertThrows(UsageException.class, () -> parse(t, "-o")).getMessage());
        assertEquals("option --verbose takes no value; got '--verbose=yes'",
                assertThrows(UsageException.class, () -> parse("--verbose=yes", t)).getMessage());
        assertEquals("unknown mount option '-B'; try mount --help",
                assertThrows(UsageException.class, () -> parse("-B", "/a", t)).getMessage());
        // Through run(): one line, exit 2.
        assertEquals(Main.USAGE, run("mount", "-t", "nfs", "server:/x", t));
        assertEquals(1, err().split("\n").length, err());
    }

    @Test
    void helpAndVersionTextsEndWithOneNewline() {
        for (String[] args : new String[][] {{"--help"}, {"mount", "--help"}, {"mount", "-h"}, {"umount", "--help"},
                {"list", "--help"}, {"demo", "--help"}, {"--version"}, {"mount", "-V"}, {"umount", "--version"}}) {
            out.reset();
            assertEquals(Main.OK, run(args), Arrays.toString(args));
            assertTrue(out().endsWith("\n") && !out().endsWith("\n\n"), Arrays.toString(args) + ": " + out());
        }
        out.reset();
        run("--version");
        // From target/classes there is no manifest; the jar's own is checked by JarAloneIT.
        assertTrue(out().startsWith("overlay4j "), out());
    }

    @Test
    void umountTakesSeveralTargetsAndMount8Flags() {
        assertEquals(Main.USAGE, run("umount"));
        assertEquals("overlay4j: umount needs a TARGET; try umount --help\n", err());
        err.reset();
        assertEquals(Main.USAGE, run("umount", "-R", "/x"));
        assertTrue(err().startsWith("overlay4j: umount -R is not supported; -l detaches TARGET"), err());
        err.reset();
        assertEquals(Main.USAGE, run("umount", "-a"));
        assertTrue(err().contains("-a, -A, -O, -r and --fake are not supported"), err());
    }

    @Test
    void splitsLikeTheKernelAndUnescapes() {
        assertEquals(Arrays.asList("lowerdir=/a\\,b:/c", "upperdir=/u"),
                MountOptions.split("lowerdir=/a\\,b:/c,upperdir=/u", ','));
        assertEquals(Arrays.asList("/a\\,b", "/c\\:d"), MountOptions.split("/a\\,b:/c\\:d", ':'));
        assertEquals("/a,b", MountOptions.unescape("/a\\,b"));
        assertEquals("/x\\y", MountOptions.unescape("/x\\\\y"));
    }

    @Test
    void optionStringRoundTripsThroughTheBuilder() throws Exception {
        Path odd = Files.createDirectory(tmp.resolve("a,b:c\\d"));
        Path other = Files.createDirectory(tmp.resolve("other"));
        Overlay ov = Overlay.builder().lowerdirs(odd, other).option("index", "off").build();
        Overlay.Builder again = Overlay.builder();
        MountOptions options = new MountOptions();
        options.add(ov.options(), again);
        options.finish(again);
        Overlay parsed = again.build();
        assertEquals(ov.lowerdirs(), parsed.lowerdirs());
        assertEquals(ov.options(), parsed.options());
    }

    @Test
    void usageErrorsExitWith2AndOneLine() {
        assertEquals(Main.USAGE, run("frobnicate"));
        assertEquals("overlay4j: unknown command 'frobnicate'; try --help\n", err());
        assertEquals(Main.USAGE, run("mount", "-o", "lowerdir=/a:/b"));
        assertEquals(Main.USAGE, run("mount", "--strategy", "teleport", "/x"));
        assertEquals(Main.USAGE, run("umount", "--bogus", "/x"));
        assertEquals(Main.USAGE, run());
    }

    @Test
    void helpExitsZero() {
        assertEquals(Main.OK, run("--help"));
        assertEquals(Main.OK, run("mount", "--help"));
        assertEquals(Main.OK, run("umount", "--help"));
        assertEquals(Main.OK, run("demo", "--help"));
        assertTrue(out().contains("lowerdir=A:B"), out());
    }

    @Test
    void missingLayerExitsWith3WithoutStackTrace() {
        assertEquals(Main.NOT_FOUND, run("mount", "-o", "lowerdir=" + tmp.resolve("x") + ":" + tmp, tmp.toString()));
        assertTrue(err().startsWith("overlay4j: build overlay failed: lowerdir 1 " + tmp.resolve("x")), err());
        assertEquals(1, err().trim().split("\n").length, err());
    }

    @Test
    void debugShowsTheStackTrace() {
        assertEquals(Main.NOT_FOUND, run("--debug", "mount", "--lowerdir", tmp.resolve("x").toString(),
                "--lowerdir", tmp.toString(), tmp.toString()));
        assertTrue(err().contains("\tat io.overlay4j."), err());
    }

    @Test
    void exitCodesFollowTheExceptionType() {
        assertEquals(Main.NOT_FOUND, Main.exitCode(new java.nio.file.NoSuchFileException("x")));
        assertEquals(Main.PERMISSION, Main.exitCode(new java.nio.file.AccessDeniedException("x")));
        assertEquals(Main.FAILED, Main.exitCode(new IOException("x")));
    }

    @Test
    void givingBothLowerdirAndImageLayerIsAUsageError() {
        assertEquals(Main.USAGE, run("mount", "--lowerdir", "/a", "--image-layer", "/b", "/t"));
        assertTrue(err().contains("not both"), err());
    }

    @Test
    void debugIsAnOptionNotAWordAnywhere() throws Exception {
        MountCommand c = parse("--lowerdir", "--debug", "--lowerdir", "/b", "/t");
        assertFalse(c.debug);
        assertTrue(parse("--debug", "-o", "lowerdir=/a:/b", "/t").debug);
        // As a value it names a directory (which does not exist here): no stack trace.
        assertEquals(Main.NOT_FOUND, run("mount", "--lowerdir", "--debug", "--lowerdir", tmp.toString(),
                tmp.toString()));
        assertFalse(err().contains("\tat "), err());
        assertTrue(err().contains("lowerdir 1 "), err());
        // Among demo's options too: a directory it cannot make, with the stack trace.
        err.reset();
        assertEquals(Main.NOT_FOUND, run("demo", "--debug", "/proc/overlay4j-demo/dir"));
        assertTrue(err().contains("\tat "), err());
    }
}
