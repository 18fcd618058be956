package io.overlay4j.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a subcommand's arguments as getopt_long(3) reads mount(8)'s and umount(8)'s, so their
 * command lines work unchanged: short options cluster ("-rv"), a short option's value is glued
 * or the next argument ("-oro", "-o ro"), a long option's value follows '=' or is the next
 * argument, a long option may be shortened to any prefix that names only it ("--verb"),
 * operands may come anywhere, "--" ends the options and "-" is an operand.
 */
final class OptionScanner {
    private final List<String> args;
    private final String shortWithValue;
    private final List<String> longOptions;
    private final Set<String> longWithValue = new HashSet<>();
    private int index;
    private String cluster = "";
    private boolean operandsOnly;
    private String option;
    private String value;

    /**
     * @param shortWithValue the letters of the short options that take a value ("ot")
     * @param longOptions    every long option, those that take a value ending in '=' ("--types=")
     */
    OptionScanner(List<String> args, String shortWithValue, String... longOptions) {
        this.args = args;
        this.shortWithValue = shortWithValue;
        this.longOptions = new ArrayList<>();
        for (String o : longOptions) {
            String name = o.endsWith("=") ? o.substring(0, o.length() - 1) : o;
            this.longOptions.add(name);
            if (!name.equals(o)) {
                longWithValue.add(name);
            }
        }
    }

    /** Moves to the next option or operand; false when there is none left. */
    boolean next() throws UsageException {
        option = null;
        value = null;
        if (!cluster.isEmpty()) {
            shortOption();
            return true;
        }
        if (index == args.size()) {
            return false;
        }
        String a = args.get(index++);
        if (operandsOnly || a.length() < 2 || a.charAt(0) != '-') {
            value = a;
        } else if (a.equals("--")) {
            operandsOnly = true;
            return next();
        } else if (a.startsWith("--")) {
            int eq = a.indexOf('=');
            option = longOption(eq < 0 ? a : a.substring(0, eq));
            if (longWithValue.contains(option)) {
                value = eq < 0 ? following() : a.substring(eq + 1);
            } else if (eq >= 0) {
                throw new UsageException("option " + option + " takes no value; got '" + a + "'");
            }
        } else {
            cluster = a.substring(1);
            shortOption();
        }
        return true;
    }

    /** The long option a name or an unambiguous prefix of one names; an unknown name as it is. */
    private String longOption(String name) throws UsageException {
        if (longOptions.contains(name)) {
            return name;
        }
        List<String> candidates = new ArrayList<>();
        for (String o : longOptions) {
            if (o.startsWith(name)) {
                candidates.add(o);
            }
        }
        if (candidates.size() > 1) {
            throw new UsageException("option " + name + " is ambiguous: " + String.join(", ", candidates));
        }
        return candidates.isEmpty() ? name : candidates.get(0);
    }

    private void shortOption() throws UsageException {
        char c = cluster.charAt(0);
        option = "-" + c;
        cluster = cluster.substring(1);
        if (shortWithValue.indexOf(c) >= 0) {
            value = cluster.isEmpty() ? following() : cluster;
            cluster = "";
        }
    }

    private String following() throws UsageException {
        if (index == args.size()) {
            throw new UsageException("option " + option + " needs a value");
        }
        return args.get(index++);
    }

    /** The option found ("-o", "--types"), or null for an operand. */
    String option() {
        return option;
    }

    /** The option's value (null for one that takes none), or the operand. */
    String value() {
        return value;
    }
}
