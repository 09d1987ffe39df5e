package org.paqet4j.reassembly;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Records every stream's events and checks, as they arrive, that each direction is covered exactly once in order. */
final class Recorder implements StreamFactory {

    static final class Stream implements StreamHandler {
        final StreamInfo info;
        final Map<Direction, List<StreamEvent>> events = new EnumMap<>(Direction.class);
        final Map<Direction, Long> next = new EnumMap<>(Direction.class);

        Stream(StreamInfo info) {
            this.info = info;
            for (Direction d : Direction.values()) {
                events.put(d, new ArrayList<>());
            }
        }

        @Override
        public void onEvent(Direction direction, StreamEvent event) {
            List<StreamEvent> list = events.get(direction);
            if (!list.isEmpty() && list.getLast() instanceof StreamEvent.End) {
                throw new AssertionError("event after End: " + event);
            }
            switch (event) {
                case StreamEvent.Data d -> advance(direction, d.offset(), d.bytes().length);
                case StreamEvent.Gap g -> advance(direction, g.offset(), g.length());
                case StreamEvent.Conflict c -> {}
                case StreamEvent.End e -> {}
            }
            list.add(event);
        }

        private void advance(Direction direction, long offset, long length) {
            long expected = next.getOrDefault(direction, offset);
            if (offset != expected || length <= 0) {
                throw new AssertionError(
                        direction + ": event at " + offset + " length " + length + ", expected offset " + expected);
            }
            next.put(direction, offset + length);
        }

        /** Data bytes, with each gap written as tshark writes it ("[N bytes missing in capture file]" and a NUL). */
        byte[] tsharkBytes(Direction direction) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (StreamEvent e : events.get(direction)) {
                if (e instanceof StreamEvent.Data d) {
                    out.writeBytes(d.bytes());
                } else if (e instanceof StreamEvent.Gap g) {
                    out.writeBytes(("[" + g.length() + " bytes missing in capture file]\0").getBytes());
                }
            }
            return out.toByteArray();
        }

        byte[] data(Direction direction) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (StreamEvent e : events.get(direction)) {
                if (e instanceof StreamEvent.Data d) {
                    out.writeBytes(d.bytes());
                }
            }
            return out.toByteArray();
        }

        List<StreamEvent> of(Direction direction) {
            return events.get(direction);
        }

        StreamEvent.End end(Direction direction) {
            return (StreamEvent.End) events.get(direction).getLast();
        }
    }

    final List<Stream> streams = new ArrayList<>();

    @Override
    public StreamHandler open(StreamInfo info) {
        Stream s = new Stream(info);
        streams.add(s);
        return s;
    }
}
