package org.paqet4j.grpcws.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the browser client's Node unit tests ({@code node --test src/test/web/}) as part of the Maven build. */
class NodeUnitTest {

    @Test
    void nodeTestsPass() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("node", "--test", "src/test/web/")
                .directory(BrowserDriver.MODULE.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("node --test finished").isTrue();
        String report = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue())
                .as("node --test src/test/web/ exit code; its report:%n%s", report)
                .isZero();
        assertThat(report).contains("# fail 0");
    }
}
