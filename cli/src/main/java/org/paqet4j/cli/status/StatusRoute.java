package org.paqet4j.cli.status;

/** What the status endpoint answers to one request; decided by {@link StatusRouter} before anything is read. */
public sealed interface StatusRoute {

    /** HTTP status code of the answer. */
    int code();

    /** Prometheus text exposition. */
    record Metrics() implements StatusRoute {
        @Override
        public int code() {
            return 200;
        }
    }

    /** The JSON report. */
    record Status() implements StatusRoute {
        @Override
        public int code() {
            return 200;
        }
    }

    /** One of the dashboard's files, from {@link StatusRouter#RESOURCES} only. */
    record Resource(String name, String contentType) implements StatusRoute {
        @Override
        public int code() {
            return 200;
        }
    }

    /** An error without a body beyond a short reason. */
    record Refused(int code, String reason) implements StatusRoute {}
}
