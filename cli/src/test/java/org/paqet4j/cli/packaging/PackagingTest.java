package org.paqet4j.cli.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackagingTest {

    @Test
    void theMarkerBesideTheJarNamesThePackaging(@TempDir Path dir) throws Exception {
        assertThat(Packaging.of(dir)).isEqualTo(Packaging.JAR);
        Files.writeString(dir.resolve(Packaging.MARKER), "image\n");
        assertThat(Packaging.of(dir)).isEqualTo(Packaging.IMAGE);
        Files.writeString(dir.resolve(Packaging.MARKER), "deb");
        assertThat(Packaging.of(dir)).isEqualTo(Packaging.DEB);
        Files.writeString(dir.resolve(Packaging.MARKER), "rpm");
        assertThat(Packaging.of(dir)).isEqualTo(Packaging.JAR);
    }

    @Test
    void classesOutsideAJarArePlainJar() {
        // tests load this class from target/classes, a directory: no marker is looked for
        assertThat(Packaging.current()).isEqualTo(Packaging.JAR);
        assertThat(Packaging.current().word()).isEqualTo("jar");
    }
}
