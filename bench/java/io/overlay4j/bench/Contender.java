package io.overlay4j.bench;

/** One way of doing a mount+unmount cycle. */
interface Contender {
    String name();

    /** The floor this one is compared with, or null for floor (a) itself. */
    String baseline();

    /** Whether it can mount this scenario at all (legacy cannot carry 500 layers). */
    boolean supports(Scenario s);

    /** Runs n cycles; returns each cycle's time in nanoseconds. */
    long[] run(Scenario s, int n) throws Exception;
}
