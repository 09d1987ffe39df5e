package org.paqet4j.cli.status;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.util.Locale;

/**
 * JSON escapes for text that ends up on a terminal: besides what JSON requires (quote, backslash,
 * characters below 0x20), DEL and the C1 controls (0x80-0x9F) are written as {@code \\u00XX}.
 * They are legal unescaped in JSON, but a status answer is a peer's text and some terminals take
 * C1 bytes (CSI 0x9B) as the start of a control sequence. The document means the same either way.
 */
final class TerminalSafeEscapes extends CharacterEscapes {
    private static final int[] ASCII = standardAsciiEscapesForJSON();

    static {
        ASCII[0x7F] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return ASCII;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        if (ch >= 0x80 && ch <= 0x9F) {
            return new SerializedString(String.format(Locale.ROOT, "\\u%04X", ch));
        }
        return null;
    }
}
