package org.paqet4j.mux;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Counts live threads, virtual ones included (through a JSON thread dump), and measures retained heap. */
final class ThreadCensus {
    private static final Pattern NAME = Pattern.compile("\"name\": \"(mux-[^\"]*)\"");

    private ThreadCensus() {}

    /** Live threads (platform or virtual) whose name starts with "mux-". */
    static int muxThreads() throws IOException {
        Path dir = Files.createTempDirectory("p4j-mux-threads");
        Path dump = dir.resolve("threads.json");
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            Matcher m = NAME.matcher(Files.readString(dump));
            int n = 0;
            while (m.find()) {
                n++;
            }
            return n;
        } finally {
            Files.deleteIfExists(dump);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Names of live platform threads, without the virtual-thread carriers: the JDK's scheduler keeps those idle for
     * a while by design, whoever made it start them.
     */
    static List<String> platformThreads() {
        return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
                .map(ThreadInfo::getThreadName)
                .filter(n -> !n.startsWith("ForkJoinPool-"))
                .sorted()
                .toList();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
