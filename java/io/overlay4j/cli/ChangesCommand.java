package io.overlay4j.cli;

import io.overlay4j.Change;
import io.overlay4j.Overlay;
import io.overlay4j.internal.PathBytes;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/**
 * {@code diff} and {@code export}: what an upper directory changed against its lower layers, as
 * docker diff lines or as an OCI layer tar; the layers named as mount names them.
 */
final class ChangesCommand implements Command {
    static final String DIFF_HELP = String.join("\n",
            "usage: diff [-o lowerdir=A:B,upperdir=U[,userxattr]] [--lowerdir DIR]... [--image-layer DIR]...",
            "            [--upperdir DIR]",
            "",
            "Prints what the upper directory changed against the lower layers, one line per path in",
            "byte order, as docker diff does: 'A /path' added, 'C /path' changed, 'D /path' deleted.",
            "Reads only; the overlay may be mounted or not. The layers are named as for mount (a",
            "workdir may be given and is not used); -o userxattr when the overlay used it.",
            "Paths print as their bytes, control bytes and '\\' as octal escapes (\\012, \\134).",
            "  --debug               show stack traces of errors",
            "");
    static final String EXPORT_HELP = String.join("\n",
            "usage: export [-f FILE] [-o lowerdir=A:B,upperdir=U[,userxattr]] [--lowerdir DIR]...",
            "              [--image-layer DIR]... [--upperdir DIR]",
            "",
            "Writes what the upper directory changed as an uncompressed OCI image layer (a pax tar:",
            "modes, owners, mtimes, links, devices, xattrs; '.wh.NAME' for a deleted path,",
            "'.wh..wh..opq' in an opaque directory) to stdout, or to FILE. The layers are named as",
            "for mount (a workdir may be given and is not used); -o userxattr when the overlay used it.",
            "  -f, --file FILE       write the tar to FILE (created or truncated) instead of stdout",
            "  --debug               show stack traces of errors",
            "");

    private static final String LONG_OPTIONS = "--options= --lowerdir= --image-layer= --upperdir= --workdir= "
            + "--file= --help --debug";

    private final boolean export;
    private final Overlay.Builder builder = Overlay.builder();
    private final MountOptions options = new MountOptions();
    private Path file;
    /** --debug: stack traces of errors. */
    boolean debug;
    private String text;

    /** export: the tar; otherwise the diff lines. */
    ChangesCommand(boolean export) {
        this.export = export;
    }

    @Override
    public List<String> names() {
        return Collections.singletonList(export ? "export" : "diff");
    }

    @Override
    public String summary() {
        return export ? "those changes as an OCI tar" : "what an upper dir changed";
    }

    @Override
    public int run(List<String> args, Console console) throws UsageException, IOException {
        ChangesCommand c = parse(export, args);
        console.debug |= c.debug;
        return c.execute(console.out);
    }

    private static ChangesCommand parse(boolean export, List<String> args) throws UsageException {
        String command = export ? "export" : "diff";
        ChangesCommand c = new ChangesCommand(export);
        OptionScanner scan = new OptionScanner(args, c.export ? "of" : "o", LONG_OPTIONS.split(" "));
        try {
            while (scan.next()) {
                String value = scan.value();
                if (scan.option() == null) {
                    throw new UsageException(command + " takes no operands; '" + value + "' left over; try "
                            + command + " --help");
                }
                switch (scan.option()) {
                    case "-h":
                    case "--help":
                        c.text = c.export ? EXPORT_HELP : DIFF_HELP;
                        return c;
                    case "-o":
                    case "--options":
                        c.options.add(value, c.builder);
                        break;
                    case "-f":
                    case "--file":
                        if (!c.export) {
                            throw new UsageException("unknown diff option '" + scan.option() + "'; try diff --help");
                        }
                        c.file = Arguments.path(value);
                        break;
                    case "--debug":
                        c.debug = true;
                        break;
                    default:
                        if (!c.options.layer(scan.option(), value, c.builder)) {
                            throw new UsageException("unknown " + command + " option '" + scan.option() + "'; try "
                                    + command + " --help");
                        }
                }
            }
            c.options.finish(c.builder);
        } catch (IllegalArgumentException e) { // what the builder refuses in an option
            throw new UsageException(e.getMessage());
        }
        return c;
    }

    private int execute(PrintStream out) throws IOException {
        if (text != null) {
            out.print(text);
            return Main.OK;
        }
        Overlay overlay = builder.build();
        if (!export) {
            for (Change change : overlay.changes()) {
                byte[] rel = PathBytes.of(change.path());
                byte[] abs = new byte[rel.length + 1];
                abs[0] = '/';
                System.arraycopy(rel, 0, abs, 1, rel.length);
                Arguments.println(out, "ACD".charAt(change.kind().ordinal()) + " "
                        + Arguments.display(PathBytes.toPath(abs)));
            }
            return Main.OK;
        }
        if (file == null) {
            OutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
            overlay.exportChanges(buffered);
            buffered.flush();
        } else {
            try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024)) {
                overlay.exportChanges(o);
            }
        }
        return Main.OK;
    }
}
