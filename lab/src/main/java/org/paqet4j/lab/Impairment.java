package org.paqet4j.lab;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one direction of an {@link ImpairedBridge} does to frames, like a netem qdisc:
 * {@code loss 5% delay 20ms 5ms reorder 25% duplicate 1% rate 100mbit limit 1000}.
 *
 * @param loss              probability (0..1) that a frame is dropped
 * @param delay             fixed delay added to every frame
 * @param jitter            uniformly distributed extra delay in [-jitter, +jitter]; frames are
 *                          released in order of their release time, so jitter larger than the gap
 *                          between frames reorders them, as in netem
 * @param reorder           probability (0..1) that a frame is held back and sent right after the
 *                          next one (unlike netem, this needs no delay)
 * @param duplicate         probability (0..1) that a frame is sent twice
 * @param rateBitsPerSecond serialisation rate of the direction, 0 for unlimited
 * @param limit             most frames waiting in the direction's queue; more are dropped and
 *                          counted as overflow (netem's default is 1000)
 */
public record Impairment(
        double loss,
        Duration delay,
        Duration jitter,
        double reorder,
        double duplicate,
        long rateBitsPerSecond,
        int limit) {

    public static final int DEFAULT_LIMIT = 1000;
    /** Longest delay plus jitter: longer is a mistake, and keeps release times far from overflow. */
    public static final Duration MAX_DELAY = Duration.ofHours(1);
    /** Frames pass unchanged (still through the queue limit when queued). */
    public static final Impairment NONE = new Impairment(0, Duration.ZERO, Duration.ZERO, 0, 0, 0, DEFAULT_LIMIT);

    public Impairment {
        probability("loss", loss);
        probability("reorder", reorder);
        probability("duplicate", duplicate);
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, not " + delay);
        }
        if (jitter == null || jitter.isNegative()) {
            throw new IllegalArgumentException("jitter must be zero or positive, not " + jitter);
        }
        if (delay.plus(jitter).compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay " + delay + " plus jitter " + jitter + " exceeds " + MAX_DELAY);
        }
        if (rateBitsPerSecond < 0) {
            throw new IllegalArgumentException("rate must be zero (unlimited) or positive, not " + rateBitsPerSecond);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, not " + limit);
        }
    }

    private static void probability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be a probability between 0 and 1, not " + value);
        }
    }

    /** Whether frames can be forwarded as they arrive: no delay, jitter, reordering or rate. */
    public boolean immediate() {
        return delay.isZero() && jitter.isZero() && reorder == 0 && rateBitsPerSecond == 0;
    }

    public Impairment withLoss(double value) {
        return new Impairment(value, delay, jitter, reorder, duplicate, rateBitsPerSecond, limit);
    }

    public Impairment withDelay(Duration value, Duration jitterValue) {
        return new Impairment(loss, value, jitterValue, reorder, duplicate, rateBitsPerSecond, limit);
    }

    public Impairment withReorder(double value) {
        return new Impairment(loss, delay, jitter, value, duplicate, rateBitsPerSecond, limit);
    }

    public Impairment withDuplicate(double value) {
        return new Impairment(loss, delay, jitter, reorder, value, rateBitsPerSecond, limit);
    }

    public Impairment withRate(long bitsPerSecond) {
        return new Impairment(loss, delay, jitter, reorder, duplicate, bitsPerSecond, limit);
    }

    public Impairment withLimit(int frames) {
        return new Impairment(loss, delay, jitter, reorder, duplicate, rateBitsPerSecond, frames);
    }

    /**
     * Parses netem's option syntax: {@code loss P%}, {@code delay TIME [JITTER]},
     * {@code reorder P%}, {@code duplicate P%}, {@code rate RATE}, {@code limit FRAMES}, in any
     * order, each at most once. Times take {@code us}/{@code usec}, {@code ms}/{@code msec},
     * {@code s}/{@code sec} (plain numbers are microseconds, as in tc); percentages need no
     * {@code %}; rates take {@code bit kbit mbit gbit} (bits/s, 1000-based) or {@code bps kbps
     * mbps gbps} (bytes/s), plain numbers are bytes/s as in tc. An empty string is {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the word, its position and what was expected
     */
    public static Impairment parse(String spec) {
        String[] words = spec.trim().isEmpty() ? new String[0] : spec.trim().split("\\s+");
        Impairment result = NONE;
        List<String> seen = new ArrayList<>();
        int i = 0;
        while (i < words.length) {
            String option = words[i].toLowerCase(Locale.ROOT);
            if (seen.contains(option)) {
                throw error(spec, i, "'" + option + "' given twice");
            }
            seen.add(option);
            switch (option) {
                case "loss" -> result = result.withLoss(percent(spec, words, ++i, option));
                case "reorder" -> result = result.withReorder(percent(spec, words, ++i, option));
                case "duplicate" -> result = result.withDuplicate(percent(spec, words, ++i, option));
                case "delay" -> {
                    int at = i + 1;
                    Duration delay = time(spec, words, ++i, option);
                    Duration jitter = Duration.ZERO;
                    if (i + 1 < words.length && Character.isDigit(words[i + 1].charAt(0))) {
                        jitter = time(spec, words, ++i, "delay jitter");
                    }
                    if (delay.plus(jitter).compareTo(MAX_DELAY) > 0) {
                        throw error(spec, at, "delay plus jitter exceeds 1 hour");
                    }
                    result = result.withDelay(delay, jitter);
                }
                case "rate" -> result = result.withRate(rate(spec, words, ++i));
                case "limit" -> result = result.withLimit(limit(spec, words, ++i));
                default ->
                    throw error(
                            spec,
                            i,
                            "unknown option '" + words[i]
                                    + "' (expected loss, delay, reorder, duplicate, rate or limit)");
            }
            i++;
        }
        return result;
    }

    private static String value(String spec, String[] words, int i, String option) {
        if (i >= words.length) {
            throw error(spec, i, "'" + option + "' needs a value");
        }
        return words[i];
    }

    private static double percent(String spec, String[] words, int i, String option) {
        String word = value(spec, words, i, option);
        String number = word.endsWith("%") ? word.substring(0, word.length() - 1) : word;
        double value = number(spec, i, number, option + " percentage");
        if (value < 0 || value > 100) {
            throw error(spec, i, option + " percentage '" + word + "' is outside 0..100%");
        }
        return value / 100;
    }

    private static Duration time(String spec, String[] words, int i, String option) {
        String word = value(spec, words, i, option).toLowerCase(Locale.ROOT);
        int split = unitStart(word);
        String unit = word.substring(split);
        double micros = switch (unit) {
            case "", "us", "usec", "usecs" -> 1;
            case "ms", "msec", "msecs" -> 1_000;
            case "s", "sec", "secs" -> 1_000_000;
            default ->
                throw error(
                        spec, i, option + " '" + words[i] + "' has unknown unit '" + unit + "' (expected us, ms or s)");
        };
        double value = number(spec, i, word.substring(0, split), option);
        if (value < 0) {
            throw error(spec, i, option + " '" + words[i] + "' is negative");
        }
        return Duration.ofNanos(Math.round(value * micros * 1_000));
    }

    private static long rate(String spec, String[] words, int i) {
        String word = value(spec, words, i, "rate").toLowerCase(Locale.ROOT);
        int split = unitStart(word);
        String unit = word.substring(split);
        double bits = switch (unit) {
            case "bit" -> 1;
            case "kbit" -> 1e3;
            case "mbit" -> 1e6;
            case "gbit" -> 1e9;
            case "", "bps" -> 8;
            case "kbps" -> 8e3;
            case "mbps" -> 8e6;
            case "gbps" -> 8e9;
            default ->
                throw error(
                        spec,
                        i,
                        "rate '" + words[i] + "' has unknown unit '" + unit
                                + "' (expected bit, kbit, mbit, gbit, bps, kbps, mbps or gbps)");
        };
        double value = number(spec, i, word.substring(0, split), "rate");
        long rate = Math.round(value * bits);
        if (rate <= 0) {
            throw error(spec, i, "rate '" + words[i] + "' must be positive");
        }
        return rate;
    }

    private static int limit(String spec, String[] words, int i) {
        String word = value(spec, words, i, "limit");
        try {
            int limit = Integer.parseInt(word);
            if (limit < 1) {
                throw error(spec, i, "limit '" + word + "' must be at least 1");
            }
            return limit;
        } catch (NumberFormatException e) {
            throw error(spec, i, "limit '" + word + "' is not a whole number of frames");
        }
    }

    private static int unitStart(String word) {
        int k = 0;
        while (k < word.length() && (Character.isDigit(word.charAt(k)) || word.charAt(k) == '.')) {
            k++;
        }
        return k;
    }

    private static double number(String spec, int i, String text, String what) {
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)
                    || text.isEmpty()
                    || !Character.isDigit(text.charAt(0)) && text.charAt(0) != '.') {
                throw new NumberFormatException(text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(spec, i, what + " '" + text + "' is not a number");
        }
    }

    private static IllegalArgumentException error(String spec, int word, String message) {
        return new IllegalArgumentException("impairment \"" + spec.trim() + "\", word " + (word + 1) + ": " + message);
    }

    /** netem syntax, accepted back by {@link #parse(String)}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (loss > 0) {
            text.append(" loss ").append(percentText(loss));
        }
        if (!delay.isZero() || !jitter.isZero()) {
            text.append(" delay ").append(micros(delay));
            if (!jitter.isZero()) {
                text.append(' ').append(micros(jitter));
            }
        }
        if (reorder > 0) {
            text.append(" reorder ").append(percentText(reorder));
        }
        if (duplicate > 0) {
            text.append(" duplicate ").append(percentText(duplicate));
        }
        if (rateBitsPerSecond > 0) {
            text.append(" rate ").append(rateBitsPerSecond).append("bit");
        }
        text.append(" limit ").append(limit);
        return text.substring(1);
    }

    private static String micros(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos())
                        .movePointLeft(3)
                        .stripTrailingZeros()
                        .toPlainString() + "us";
    }

    private static String percentText(double probability) {
        return BigDecimal.valueOf(probability * 100).stripTrailingZeros().toPlainString() + "%";
    }
}
