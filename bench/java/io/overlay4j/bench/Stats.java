package io.overlay4j.bench;

import java.util.Arrays;

/** Median and 90th percentile of per-cycle times. */
final class Stats {
    final double medianUs;
    final double p90Us;
    final int samples;

    Stats(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        samples = sorted.length;
        medianUs = percentile(sorted, 0.5) / 1000.0;
        p90Us = percentile(sorted, 0.9) / 1000.0;
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
