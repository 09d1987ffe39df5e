package org.paqet4j.cli.config;

import java.util.Optional;

/** {@code status}: the optional local status endpoint ({@code paqet status} reads it). */
public record StatusConfig(Optional<HostPort> listen) {}
