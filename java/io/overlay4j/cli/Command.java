package io.overlay4j.cli;

import java.util.List;

/**
 * A subcommand of the CLI. Main lists the commands (usage is made from their names and
 * summaries) and runs the one the first word selects; a new command is a new class and one
 * line in {@link Main#commands()}.
 */
interface Command {
    /** The words that select it, its name first ("umount", "unmount"). */
    List<String> names();

    /** One line for the command list: "mount an overlay". */
    String summary();

    /**
     * Runs it with the arguments after its name.
     *
     * @return the exit code ({@link Main#OK} ...)
     * @throws UsageException when the command line cannot be run (exit code {@link Main#USAGE})
     */
    int run(List<String> args, Console console) throws Exception;
}
