package org.paqet4j.packet.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class or method that needs root because it creates network namespaces (and often raw
 * sockets and firewall rules inside them). It carries the tag {@code netns}, which the build
 * leaves out when run with {@code -Dpaqet.skipNetns=true}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(NetnsTest.TAG)
public @interface NetnsTest {

    /** The JUnit tag; the parent pom names it in surefire's excludedGroups. */
    String TAG = "netns";
}
