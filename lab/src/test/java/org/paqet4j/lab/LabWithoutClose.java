package org.paqet4j.lab;

/**
 * A child JVM for {@link LabTopologyTest}: starts a lab with the prefix given, prints "up" and
 * exits without closing it, leaving the cleanup to the shutdown hook.
 */
public final class LabWithoutClose {

    private LabWithoutClose() {}

    public static void main(String[] args) throws Exception {
        LabTopology lab = LabTopology.builder(args[0])
                .impairment(Impairment.parse("delay 1ms"), Impairment.NONE)
                .start();
        System.out.println("up " + lab.middleNamespace());
        System.exit(3);
    }
}
