package org.paqet4j.packet.firewall;

import static org.paqet4j.packet.firewall.NfTables.NFTA_BITWISE_DREG;
import static org.paqet4j.packet.firewall.NfTables.NFTA_BITWISE_LEN;
import static org.paqet4j.packet.firewall.NfTables.NFTA_BITWISE_MASK;
import static org.paqet4j.packet.firewall.NfTables.NFTA_BITWISE_OP;
import static org.paqet4j.packet.firewall.NfTables.NFTA_BITWISE_SREG;
import static org.paqet4j.packet.firewall.NfTables.NFTA_BITWISE_XOR;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CMP_DATA;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CMP_OP;
import static org.paqet4j.packet.firewall.NfTables.NFTA_CMP_SREG;
import static org.paqet4j.packet.firewall.NfTables.NFTA_COUNTER_BYTES;
import static org.paqet4j.packet.firewall.NfTables.NFTA_COUNTER_PACKETS;
import static org.paqet4j.packet.firewall.NfTables.NFTA_DATA_VALUE;
import static org.paqet4j.packet.firewall.NfTables.NFTA_DATA_VERDICT;
import static org.paqet4j.packet.firewall.NfTables.NFTA_IMMEDIATE_DATA;
import static org.paqet4j.packet.firewall.NfTables.NFTA_IMMEDIATE_DREG;
import static org.paqet4j.packet.firewall.NfTables.NFTA_META_DREG;
import static org.paqet4j.packet.firewall.NfTables.NFTA_META_KEY;
import static org.paqet4j.packet.firewall.NfTables.NFTA_PAYLOAD_BASE;
import static org.paqet4j.packet.firewall.NfTables.NFTA_PAYLOAD_DREG;
import static org.paqet4j.packet.firewall.NfTables.NFTA_PAYLOAD_LEN;
import static org.paqet4j.packet.firewall.NfTables.NFTA_PAYLOAD_OFFSET;
import static org.paqet4j.packet.firewall.NfTables.NFTA_VERDICT_CHAIN;
import static org.paqet4j.packet.firewall.NfTables.NFTA_VERDICT_CODE;
import static org.paqet4j.packet.firewall.NfTables.NFT_BITWISE_MASK_XOR;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.paqet4j.packet.route.Attributes;
import org.paqet4j.packet.route.MalformedNetlinkException;
import org.paqet4j.packet.route.NetlinkRequest;

/**
 * One nf_tables expression of a rule, as the kernel stores it: the few kinds paqet4j writes, and
 * {@link Other} for everything else a dump may hold (someone else's table). {@link #toString()}
 * prints the form {@code nft --debug=netlink} prints, so the two can be compared line by line.
 */
sealed interface NftExpression {

    /** The expression's kernel name ({@code NFTA_EXPR_NAME}). */
    String name();

    /** Writes the attributes inside {@code NFTA_EXPR_DATA}. */
    void writeData(NetlinkRequest out);

    /** {@code meta load KEY => reg DREG}; key 16 is the layer-4 protocol. */
    record Meta(int key, int destination) implements NftExpression {

        static final int L4PROTO = 16;

        @Override
        public String name() {
            return "meta";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            out.attributeU32BigEndian(NFTA_META_DREG, destination).attributeU32BigEndian(NFTA_META_KEY, key);
        }

        @Override
        public String toString() {
            return "[ meta load " + (key == L4PROTO ? "l4proto" : "key " + key) + " => reg " + destination + " ]";
        }
    }

    /** {@code payload load LENb @ BASE header + OFFSET => reg DREG}; base 2 is the transport header. */
    record Payload(int base, int offset, int length, int destination) implements NftExpression {

        static final int TRANSPORT_HEADER = 2;

        @Override
        public String name() {
            return "payload";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            out.attributeU32BigEndian(NFTA_PAYLOAD_DREG, destination)
                    .attributeU32BigEndian(NFTA_PAYLOAD_BASE, base)
                    .attributeU32BigEndian(NFTA_PAYLOAD_OFFSET, offset)
                    .attributeU32BigEndian(NFTA_PAYLOAD_LEN, length);
        }

        @Override
        public String toString() {
            String header = switch (base) {
                case 0 -> "link";
                case 1 -> "network";
                case TRANSPORT_HEADER -> "transport";
                default -> "base " + base;
            };
            return "[ payload load " + length + "b @ " + header + " header + " + offset + " => reg " + destination
                    + " ]";
        }
    }

    /** {@code cmp OP reg SREG DATA}: ops 0 eq, 1 neq, 2 lt, 3 lte, 4 gt, 5 gte. */
    record Cmp(int source, int op, byte[] data) implements NftExpression {

        static final int EQ = 0;

        public Cmp {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public String name() {
            return "cmp";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            out.attributeU32BigEndian(NFTA_CMP_SREG, source).attributeU32BigEndian(NFTA_CMP_OP, op);
            writeValue(out, NFTA_CMP_DATA, data);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Cmp c && c.source == source && c.op == op && Arrays.equals(c.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * source + op) + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            String[] ops = {"eq", "neq", "lt", "lte", "gt", "gte"};
            return "[ cmp " + (op >= 0 && op < ops.length ? ops[op] : "op " + op) + " reg " + source + " " + words(data)
                    + " ]";
        }
    }

    /** {@code bitwise reg DREG = ( reg SREG & MASK ) ^ XOR} over {@code length} bytes. */
    record Bitwise(int source, int destination, byte[] mask, byte[] xor) implements NftExpression {

        public Bitwise {
            if (mask.length != xor.length) {
                throw new IllegalArgumentException(
                        "bitwise mask and xor differ in length: " + mask.length + " vs " + xor.length);
            }
            mask = mask.clone();
            xor = xor.clone();
        }

        @Override
        public byte[] mask() {
            return mask.clone();
        }

        @Override
        public byte[] xor() {
            return xor.clone();
        }

        @Override
        public String name() {
            return "bitwise";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            out.attributeU32BigEndian(NFTA_BITWISE_SREG, source)
                    .attributeU32BigEndian(NFTA_BITWISE_DREG, destination)
                    .attributeU32BigEndian(NFTA_BITWISE_LEN, mask.length);
            writeValue(out, NFTA_BITWISE_MASK, mask);
            writeValue(out, NFTA_BITWISE_XOR, xor);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Bitwise b
                    && b.source == source
                    && b.destination == destination
                    && Arrays.equals(b.mask, mask)
                    && Arrays.equals(b.xor, xor);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * source + destination) + Arrays.hashCode(mask)) + Arrays.hashCode(xor);
        }

        @Override
        public String toString() {
            return "[ bitwise reg " + destination + " = ( reg " + source + " & " + words(mask) + " ) ^ " + words(xor)
                    + " ]";
        }
    }

    /** {@code counter}: packets and bytes seen (zero when written). */
    record Counter(long packets, long bytes) implements NftExpression {

        @Override
        public String name() {
            return "counter";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            out.attribute(
                            NFTA_COUNTER_BYTES,
                            ByteBuffer.allocate(8).putLong(bytes).array())
                    .attribute(
                            NFTA_COUNTER_PACKETS,
                            ByteBuffer.allocate(8).putLong(packets).array());
        }

        @Override
        public String toString() {
            return "[ counter pkts " + packets + " bytes " + bytes + " ]";
        }
    }

    /** {@code notrack}: the packet skips connection tracking. It has no attributes. */
    record Notrack() implements NftExpression {

        @Override
        public String name() {
            return "notrack";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            // nothing to say: the expression is its name
        }

        @Override
        public String toString() {
            return "[ notrack ]";
        }
    }

    /** {@code immediate reg 0 VERDICT}: 0 drop, 1 accept (and negative codes for jumps). */
    record Verdict(int code) implements NftExpression {

        static final int DROP = 0;

        @Override
        public String name() {
            return "immediate";
        }

        @Override
        public void writeData(NetlinkRequest out) {
            out.attributeU32BigEndian(NFTA_IMMEDIATE_DREG, NfTables.NFT_REG_VERDICT);
            int data = out.beginNested(NFTA_IMMEDIATE_DATA);
            int verdict = out.beginNested(NFTA_DATA_VERDICT);
            out.attributeU32BigEndian(NFTA_VERDICT_CODE, code);
            out.endNested(verdict);
            out.endNested(data);
        }

        @Override
        public String toString() {
            String verdict = switch (code) {
                case DROP -> "drop";
                case 1 -> "accept";
                case -1 -> "continue";
                case -2 -> "break";
                case -5 -> "return";
                default -> "verdict " + code;
            };
            return "[ immediate reg 0 " + verdict + " ]";
        }
    }

    /** Any expression paqet4j does not write (or a known one in a form it does not write), kept raw. */
    record Other(String name, byte[] data) implements NftExpression {

        public Other {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public void writeData(NetlinkRequest out) {
            throw new UnsupportedOperationException("paqet4j does not write " + name + " expressions");
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Other o && o.name.equals(name) && Arrays.equals(o.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "[ " + name + " (" + data.length + " bytes not decoded) ]";
        }
    }

    /**
     * Decodes {@code data} (the {@code NFTA_EXPR_DATA} value, may be empty) of expression {@code name}.
     * Forms paqet4j does not write come back as {@link Other}; only broken attribute framing throws.
     */
    static NftExpression decode(String name, byte[] data, String owner) throws MalformedNetlinkException {
        Attributes a = Attributes.parse(data, owner + " expression " + name);
        Optional<NftExpression> known = switch (name) {
            case "meta" ->
                both(a.u32BigEndian(NFTA_META_KEY), a.u32BigEndian(NFTA_META_DREG))
                        .map(kd -> new Meta(kd[0], kd[1]));
            case "payload" ->
                a.has(NfTables.NFTA_PAYLOAD_DREG)
                        ? all(a, NFTA_PAYLOAD_BASE, NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_LEN, NFTA_PAYLOAD_DREG)
                                .map(v -> new Payload(v[0], v[1], v[2], v[3]))
                        : Optional.empty();
            case "cmp" -> {
                Optional<byte[]> value = value(a, NFTA_CMP_DATA, owner);
                Optional<int[]> regs = both(a.u32BigEndian(NFTA_CMP_SREG), a.u32BigEndian(NFTA_CMP_OP));
                yield value.isPresent() && regs.isPresent()
                        ? Optional.of(new Cmp(regs.get()[0], regs.get()[1], value.get()))
                        : Optional.empty();
            }
            case "bitwise" -> {
                OptionalInt op = a.u32BigEndian(NFTA_BITWISE_OP);
                Optional<byte[]> mask = value(a, NFTA_BITWISE_MASK, owner);
                Optional<byte[]> xor = value(a, NFTA_BITWISE_XOR, owner);
                Optional<int[]> regs = both(a.u32BigEndian(NFTA_BITWISE_SREG), a.u32BigEndian(NFTA_BITWISE_DREG));
                OptionalInt length = a.u32BigEndian(NFTA_BITWISE_LEN);
                boolean fits = (op.isEmpty() || op.getAsInt() == NFT_BITWISE_MASK_XOR)
                        && mask.isPresent()
                        && xor.isPresent()
                        && regs.isPresent()
                        && length.isPresent()
                        && mask.get().length == xor.get().length
                        && mask.get().length == length.getAsInt();
                yield fits
                        ? Optional.of(new Bitwise(regs.get()[0], regs.get()[1], mask.get(), xor.get()))
                        : Optional.empty();
            }
            case "counter" -> {
                OptionalLong bytes = a.u64BigEndian(NFTA_COUNTER_BYTES);
                OptionalLong packets = a.u64BigEndian(NFTA_COUNTER_PACKETS);
                yield bytes.isPresent() && packets.isPresent()
                        ? Optional.of(new Counter(packets.getAsLong(), bytes.getAsLong()))
                        : Optional.empty();
            }
            case "notrack" -> a.all().isEmpty() ? Optional.of(new Notrack()) : Optional.empty();
            case "immediate" -> verdict(a, owner);
            default -> Optional.empty();
        };
        return known.orElseGet(() -> new Other(name, data));
    }

    private static Optional<NftExpression> verdict(Attributes a, String owner) throws MalformedNetlinkException {
        OptionalInt register = a.u32BigEndian(NFTA_IMMEDIATE_DREG);
        if (register.isEmpty() || register.getAsInt() != NfTables.NFT_REG_VERDICT) {
            return Optional.empty();
        }
        Optional<Attributes> data = a.nested(NFTA_IMMEDIATE_DATA, "immediate data");
        if (data.isEmpty()) {
            return Optional.empty();
        }
        Optional<Attributes> verdict = data.get().nested(NFTA_DATA_VERDICT, "verdict");
        if (verdict.isEmpty() || verdict.get().has(NFTA_VERDICT_CHAIN)) {
            return Optional.empty(); // jumps and gotos name a chain: not ours
        }
        OptionalInt code = verdict.get().u32BigEndian(NFTA_VERDICT_CODE);
        return code.isPresent() ? Optional.of(new Verdict(code.getAsInt())) : Optional.empty();
    }

    /** The {@code NFTA_DATA_VALUE} inside nested attribute {@code type}. */
    private static Optional<byte[]> value(Attributes a, int type, String owner) throws MalformedNetlinkException {
        Optional<Attributes> data = a.nested(type, "data");
        return data.isEmpty() ? Optional.empty() : data.get().bytes(NFTA_DATA_VALUE);
    }

    private static Optional<int[]> both(OptionalInt first, OptionalInt second) {
        return first.isPresent() && second.isPresent()
                ? Optional.of(new int[] {first.getAsInt(), second.getAsInt()})
                : Optional.empty();
    }

    private static Optional<int[]> all(Attributes a, int... types) throws MalformedNetlinkException {
        int[] values = new int[types.length];
        for (int i = 0; i < types.length; i++) {
            OptionalInt value = a.u32BigEndian(types[i]);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            values[i] = value.getAsInt();
        }
        return Optional.of(values);
    }

    private static void writeValue(NetlinkRequest out, int type, byte[] value) {
        int nested = out.beginNested(type);
        out.attribute(NFTA_DATA_VALUE, value);
        out.endNested(nested);
    }

    /** Data as libnftnl prints it: 32-bit words in host byte order, {@code 0x%08x} each. */
    private static String words(byte[] data) {
        ByteBuffer padded =
                ByteBuffer.wrap(Arrays.copyOf(data, (data.length + 3) / 4 * 4)).order(ByteOrder.nativeOrder());
        StringBuilder text = new StringBuilder();
        while (padded.hasRemaining()) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append("0x").append(HexFormat.of().toHexDigits(padded.getInt()));
        }
        return text.toString();
    }
}
