package io.ssemux.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MultipartFormTest {
    private static final String TYPE = "multipart/form-data; boundary=XyZ";

    @Test
    void takesApartAFileAndAPlainFieldAndIgnoresPreambleAndEpilogue() {
        String body = "this preamble is ignored\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
                + "hello\r\n"
                + "--XyZ\r\n"
                + "Content-Disposition: form-data; name=\"photo\"; filename=\"cat; \\\\ 1.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n"
                + "\u0089PNG\r\n"
                + "--XyZ--\r\n"
                + "and so is this epilogue";

        MultipartForm form = MultipartForm.parse(TYPE, latin1(body));

        assertThat(form.parts()).hasSize(2);
        MultipartForm.Part note = form.parts("note").get(0);
        assertThat(note.filename()).isNull();
        assertThat(note.contentType()).isEqualTo("text/plain");
        assertThat(new String(note.content(), StandardCharsets.UTF_8)).isEqualTo("hello");
        MultipartForm.Part photo = form.parts("photo").get(0);
        assertThat(photo.filename()).isEqualTo("cat; \\\\ 1.png"); // as browsers send it: no backslash escapes
        assertThat(photo.contentType()).isEqualTo("image/png");
        assertThat(photo.content()).isEqualTo(latin1("\u0089PNG"));
    }

    @Test
    void keepsBinaryContentIntactEvenWhenItNearlyHoldsTheDelimiter() {
        // The delimiter is CRLF, "--" and the boundary: neither a near miss nor the boundary without CRLF is one.
        byte[] content = latin1("\r\n--XyY not the boundary\r\n-\u0000\u00ff --XyZ--\r\n");
        byte[] body = concat(
                latin1("--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n\r\n"),
                content,
                latin1("\r\n--XyZ--"));

        assertThat(MultipartForm.parse(TYPE, body).parts("f").get(0).content()).isEqualTo(content);
    }

    @Test
    void acceptsAQuotedBoundaryAnEmptyFileAndPaddingAfterABoundary() {
        String body = "--a b\t \r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n\r\n\r\n--a b--";

        MultipartForm form = MultipartForm.parse("multipart/form-data; boundary=\"a b\"", latin1(body));

        assertThat(form.parts("photo").get(0).content()).isEmpty();
        assertThat(form.parts("photo").get(0).filename()).isEmpty();
    }

    @Test
    void readsUtf8FileNames() {
        byte[] body =
                "--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"été.jpg\"\r\n\r\nx\r\n--XyZ--"
                        .getBytes(StandardCharsets.UTF_8);

        assertThat(MultipartForm.parse(TYPE, body).parts("photo").get(0).filename())
                .isEqualTo("été.jpg");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not multipart        | application/json                  | --XyZ--                                                        | not multipart/form-data",
                "no boundary          | multipart/form-data               | --XyZ--                                                        | no usable boundary",
                "empty boundary       | multipart/form-data; boundary=    | --XyZ--                                                        | no usable boundary",
                "boundary never seen  | multipart/form-data; boundary=XyZ | just text                                                      | no boundary 'XyZ'",
                "truncated part       | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"a\"\\r\\n\\r\\nabc | part 1: does not end",
                "no closing boundary  | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"a\"\\r\\n\\r\\nabc\\r\\n--XyZ | ends without a closing boundary",
                "junk after boundary  | multipart/form-data; boundary=XyZ | --XyZjunk\\r\\n                                                 | junk after boundary 1",
                "headers never end    | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"a\"\\r\\nabc    | headers do not end",
                "no disposition       | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Type: text/plain\\r\\n\\r\\nabc\\r\\n--XyZ--     | no Content-Disposition: form-data",
                "no headers at all    | multipart/form-data; boundary=XyZ | --XyZ\\r\\n\\r\\nabc\\r\\n--XyZ--                                 | no Content-Disposition: form-data",
                "no field name        | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; filename=\"a\"\\r\\n\\r\\nabc\\r\\n--XyZ-- | no field name",
                "malformed header     | multipart/form-data; boundary=XyZ | --XyZ\\r\\nno colon here\\r\\n\\r\\nabc\\r\\n--XyZ--                | malformed header line 'no colon here'",
                "unterminated quote   | multipart/form-data; boundary=XyZ | --XyZ\\r\\nContent-Disposition: form-data; name=\"a\\r\\n\\r\\nabc\\r\\n--XyZ-- | unterminated quoted value",
            })
    void refusesAMalformedBodyWithAMessageThatSaysWhere(String name, String contentType, String body, String message) {
        byte[] bytes = latin1(body.replace("\\r\\n", "\r\n"));

        assertThatThrownBy(() -> MultipartForm.parse(contentType, bytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesMoreThanSixteenParts() {
        String part = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n";
        byte[] body = latin1(part.repeat(MultipartForm.MAX_PARTS + 1) + "--XyZ--");

        assertThatThrownBy(() -> MultipartForm.parse(TYPE, body)).hasMessageContaining("more than 16 parts");
        assertThat(MultipartForm.parse(TYPE, latin1(part.repeat(MultipartForm.MAX_PARTS) + "--XyZ--"))
                        .parts())
                .hasSize(16);
    }

    @Test
    void refusesAHeaderBlockOverEightKibibytes() {
        byte[] body = latin1("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\nX-Long: " + "x".repeat(9000)
                + "\r\n\r\nabc\r\n--XyZ--");

        assertThatThrownBy(() -> MultipartForm.parse(TYPE, body))
                .hasMessageContaining("headers do not end within 8192 bytes");
    }

    @Test
    void recognisesTheFormDataContentTypeWhateverItsCase() {
        assertThat(MultipartForm.isFormData("Multipart/Form-Data ; boundary=x")).isTrue();
        assertThat(MultipartForm.isFormData("multipart/mixed; boundary=x")).isFalse();
        assertThat(MultipartForm.isFormData(null)).isFalse();
    }

    private static byte[] latin1(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... arrays) {
        byte[] all = new byte[0];
        for (byte[] array : arrays) {
            int start = all.length;
            all = Arrays.copyOf(all, start + array.length);
            System.arraycopy(array, 0, all, start, array.length);
        }
        return all;
    }
}
