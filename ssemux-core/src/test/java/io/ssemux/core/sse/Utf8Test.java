package io.ssemux.core.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Utf8} against the WHATWG Encoding standard's UTF-8 decoder. */
class Utf8Test {

    private static String decodeHex(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        return Utf8.decode(bytes, 0, bytes.length);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // input bytes, expected UTF-16 units
        "41, 0041",
        "c3a9, 00e9",
        "e282ac, 20ac",
        "f09f9880, d83dde00",
        "f48fbfbf, dbffdfff",
        "ff, fffd",
        "c0af, fffdfffd",
        "e08080, fffdfffdfffd",
        "e09f80, fffdfffdfffd",
        "eda080, fffdfffdfffd",
        "edbfbf, fffdfffdfffd",
        "ed9fbf, d7ff",
        "f0808080, fffdfffdfffdfffd",
        "f08f8080, fffdfffdfffdfffd",
        "f4908080, fffdfffdfffdfffd",
        "f5808080, fffdfffdfffdfffd",
        "f09f98, fffd",
        "f09f9841, fffd0041",
        "e282, fffd",
        "e28241, fffd0041",
        "c341, fffd0041",
        "80, fffd",
        "c3a9ff80c3a9, 00e9fffdfffd00e9",
        "efbbbf41, feff0041",
    })
    void invalidSequencesAreReplacedAsTheWhatwgDecoderDoes(String input, String expectedUnits) {
        String decoded = decodeHex(input);
        StringBuilder units = new StringBuilder();
        decoded.chars().forEach(c -> units.append(String.format("%04x", c)));
        assertThat(units.toString()).isEqualTo(expectedUnits);
    }

    @Test
    void aRangeIsDecodedWithoutTouchingBytesOutsideIt() {
        byte[] bytes = {(byte) 0xE2, 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0x82};
        assertThat(Utf8.decode(bytes, 1, 3)).isEqualTo("aé");
        assertThat(Utf8.decodeWhatwg(bytes, 1, 3)).isEqualTo("aé");
        assertThat(Utf8.decode(bytes, 2, 0)).isEmpty();
    }

    @Test
    void jdkFastPathAgreesWithTheWhatwgDecoderOnRandomBytes() {
        Random random = new Random(7);
        int[] interesting = {
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4,
            0xF5, 0xFF
        };
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[random.nextInt(8)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte)
                        (random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : random.nextInt(256));
            }
            assertThat(Utf8.decode(bytes, 0, bytes.length))
                    .as("%s", HexFormat.of().formatHex(bytes))
                    .isEqualTo(Utf8.decodeWhatwg(bytes, 0, bytes.length));
        }
    }

    @Test
    void validTextRoundTrips() {
        String text = "plain ASCII, café, €, 😀, \uFFFD itself, \uFEFF, \u0000";
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.decode(bytes, 0, bytes.length)).isEqualTo(text);
        assertThat(Utf8.decodeWhatwg(bytes, 0, bytes.length)).isEqualTo(text);
    }
}
