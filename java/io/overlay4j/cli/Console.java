package io.overlay4j.cli;

import java.io.PrintStream;

/** Where a command prints, and whether failures show their stack traces (--debug). */
final class Console {
    final PrintStream out;
    final PrintStream err;
    /** Set by --debug, before the command or among its options. */
    boolean debug;

    Console(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Prints a failure as one line (and the stack trace with --debug); returns its exit code. */
    int report(Exception e) {
        err.println("overlay4j: " + oneLine(e.getMessage() != null ? e.getMessage() : e.toString()));
        trace(e);
        return Main.exitCode(e);
    }

    void trace(Throwable e) {
        if (debug) {
            e.printStackTrace(err);
        }
    }

    static String oneLine(String s) {
        return s.replace('\n', ' ');
    }
}
